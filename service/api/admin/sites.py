"""Sites, for admins: list, add, read and change them (``/api/v1/admin/sites``)."""

from __future__ import annotations

from typing import Any

from ...schemas.sites import SiteIn
from ...schemas.sites import SiteOut
from ...schemas.sites import SitePatch
from ...schemas.sites import SitesOut
from ...usecases import sites as sites_usecase
from .. import sites
from .auth import admin_blueprint
from .auth import require_admin
from .auth import visible_sites

blp = admin_blueprint("sites", "Sites and their settings (moderators read their own; admins add and change).")


@blp.route("/sites", methods=["GET"])
@blp.response(200, SitesOut)
def list_sites() -> Any:
    """Every site the moderator may see, the default site first."""
    return {"items": sites_usecase.listing(sites.base_settings(), visible_sites())}


@blp.route("/sites", methods=["POST"])
@blp.arguments(SiteIn)
@blp.response(201, SiteOut)
@blp.alt_response(409, description="A site with this id exists.")
def add_site(data: dict[str, Any]) -> Any:
    """Add a site: its id (a slug, for good), name, allowed origins and settings (those not
    given are the deployment's; origins and the webhook never are). Admins only."""
    require_admin()
    view = sites_usecase.add(sites.base_settings(), data["id"], data["name"], data["origins"], data["settings"])
    sites.registry().forget()
    return view


@blp.route("/sites/<string:site_id>", methods=["GET"])
@blp.response(200, SiteOut)
def get_site(site_id: str) -> Any:
    """One site with its settings in force."""
    return sites_usecase.get(sites.base_settings(), site_id, visible_sites())


@blp.route("/sites/<string:site_id>", methods=["PATCH"])
@blp.arguments(SitePatch)
@blp.response(200, SiteOut)
def change_site(data: dict[str, Any], site_id: str) -> Any:
    """Change a site's name, origins or settings; a setting sent as `null` goes back to the
    deployment's, settings not sent stay. The default site's origins are
    COMMENTS_ALLOWED_ORIGINS. Admins only."""
    require_admin()
    view = sites_usecase.change(
        sites.base_settings(),
        site_id,
        data.get("name"),
        data.get("origins"),
        data.get("settings"),
        visible_sites(),
    )
    sites.registry().forget()
    return view
