"""The mail settings of a site, read in one place: ``email_settings``. The SMTP server,
the links' public URL and the limits are the deployment's (``config.EmailSettings`` from
the environment); the From name and address and the language are the site's
(``SiteSettings.mail_*``, falling back to COMMENTS_MAIL_FROM / COMMENTS_MAIL_LANGUAGE), and
a site's own templates are the ``<site>/`` folder of COMMENTS_MAIL_TEMPLATES, if there is one.

Who a mail link's moderator is now (``principal_of``): a COMMENTS_ADMIN_TOKENS name acts as
an admin of every site; an enabled account sees its sites."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flask import current_app

from ..config import EmailSettings
from ..domain.accounts import Principal
from ..domain.accounts import Role
from ..domain.sites import DEFAULT_SITE
from ..usecases import accounts
from . import sites


def email_settings(site_id: str = DEFAULT_SITE) -> EmailSettings | None:
    """The site's mail settings: SMTP server, From name and address, the public URL of the
    links, templates and language, limits. ``None``: the site sends no mail (mail is off,
    or the site no longer exists)."""
    base: EmailSettings | None = current_app.config.get("EMAIL")
    if base is None:
        return None
    site = sites.registry().get(site_id)
    if site is None:
        return None
    own = Path(base.templates) / site_id if base.templates else None
    return replace(
        base,
        from_name=site.mail_from_name or base.from_name,
        from_address=site.mail_from_address or base.from_address,
        language=site.mail_language or base.language,
        site_templates=str(own) if own is not None and own.is_dir() else None,
    )


def secret() -> str:
    """The key that signs the links in mails (the instance's secret)."""
    return str(current_app.config["SECRET_KEY"])


def principal_of(name: str) -> Principal | None:
    """Who the moderator ``name`` of a mail link is now: a COMMENTS_ADMIN_TOKENS name is an
    admin of every site; an account, if it is enabled, sees its sites; anyone else (a
    removed name) is nobody, and their links no longer work."""
    if name in set(current_app.config["ADMIN_TOKENS"].values()):
        return Principal(name, Role.ADMIN)
    return accounts.principal_named(name)


def admin_names() -> frozenset[str]:
    """The COMMENTS_ADMIN_TOKENS names (admins of every site, with no account)."""
    return frozenset(current_app.config["ADMIN_TOKENS"].values())
