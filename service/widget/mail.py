"""The pages behind the links in mails, rendered here with no script at all:

- ``/admin/act?t=…``: what a moderator's link would do, and the one button that does it
  (a POST); the link is signed, bound to the moderator and the entry, expires, works once.
- ``/mail/confirm?t=…``: a reader confirms their address (double opt-in), with a POST.
- ``/mail/unsubscribe?t=…``: a reader stops reply mails; a POST to the same URL (the
  page's button, or a mail client's ``List-Unsubscribe=One-Click``, RFC 8058) does it.

The readers' pages are the default site's; another site's are ``/sites/<site>/mail/...``
(a link of one site is not found on another's page). A moderator's link is refused (404)
when its entry is of a site the moderator may no longer see.

A GET never changes anything. The token travels in the URL, so the pages send no referrer
and are never cached."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import render_template
from flask import request

from ..api import sites
from ..api.mailing import email_settings
from ..api.mailing import principal_of
from ..api.mailing import secret
from ..domain.errors import Conflict
from ..domain.errors import NotFound
from ..domain.mail import BadLink
from ..domain.mail import ExpiredLink
from ..domain.sites import DEFAULT_SITE
from ..domain.sites import is_valid_slug
from ..usecases import mail

bp = Blueprint("mail_pages", __name__, template_folder="templates")

CSP = "; ".join(
    (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
DONE = {"approve": "Approved: the entry is published.", "reject": "Rejected.", "spam": "Marked as spam."}
BUTTON = {"approve": "Approve", "reject": "Reject", "spam": "Mark as spam"}


def _page(status: int, **context: Any) -> Response:
    response = Response(render_template("mail/page.html", **context), status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _token() -> str:
    return str(request.form.get("t") or request.args.get("t") or "")[:2000]


def _bad(error: Exception) -> Response:
    expired = isinstance(error, ExpiredLink)
    return _page(410 if expired else 400, title="Link not valid", message=str(error))


def _link_hours() -> int:
    settings = email_settings()
    return settings.link_hours if settings else 72


@bp.route("/admin/act", methods=["GET", "POST"])
def act() -> Response:
    token = _token()
    try:
        if request.method == "GET":
            pending = mail.look(secret(), token, _link_hours(), principal_of)
        else:
            pending = mail.act(secret(), token, _link_hours(), principal_of, sites.subscriptions)
    except BadLink as error:
        return _bad(error)
    except Conflict as error:
        return _page(409, title="Link already used", message=f"{error} Open the moderation page to decide again.")
    except NotFound:
        return _page(404, title="Entry erased", message="This entry no longer exists.")
    action = pending.act.action
    if pending.entry is None:
        return _page(404, title="Entry erased", message="This entry no longer exists.")
    if request.method == "POST":
        return _page(200, title=DONE[action], entry=pending.entry, moderator=pending.act.moderator, done=True)
    if pending.used:
        return _page(409, title="Link already used", message="This link was used already.", entry=pending.entry)
    return _page(
        200,
        title=f"{BUTTON[action]} this {pending.entry.kind.value}?",
        entry=pending.entry,
        moderator=pending.act.moderator,
        form={"token": token, "button": BUTTON[action], "action": action},
    )


def _site(site: str) -> str | None:
    """``site`` if it names a site, else None (the page answers 404)."""
    return site if is_valid_slug(site) and sites.registry().get(site) is not None else None


def _no_site() -> Response:
    return _page(404, title="Link not valid", message="No site has this link.")


@bp.route("/mail/confirm", methods=["GET", "POST"])
@bp.route("/sites/<site>/mail/confirm", methods=["GET", "POST"])
def confirm(site: str = DEFAULT_SITE) -> Response:
    token = _token()
    if _site(site) is None:
        return _no_site()
    try:
        if request.method == "GET":
            mail.reader_on(secret(), "confirm", token, site)
            return _page(
                200,
                title="Confirm reply notifications",
                message="Press the button to get a mail when someone replies to your comment.",
                form={"token": token, "button": "Confirm", "action": "confirm"},
            )
        found = mail.confirm(secret(), token, site)
    except BadLink as error:
        return _bad(error)
    except NotFound:
        return _no_site()
    if not found:
        return _page(404, title="Nothing to confirm", message="This address has no reply notifications any more.")
    return _page(200, title="Confirmed", message="You will get a mail when someone replies to your comment.")


@bp.route("/mail/unsubscribe", methods=["GET", "POST"])
@bp.route("/sites/<site>/mail/unsubscribe", methods=["GET", "POST"])
def unsubscribe(site: str = DEFAULT_SITE) -> Response:
    token = _token()
    if _site(site) is None:
        return _no_site()
    try:
        if request.method == "GET":
            mail.reader_on(secret(), "unsubscribe", token, site)
            return _page(
                200,
                title="Stop reply notifications",
                message="Press the button to get no more mails about replies.",
                form={"token": token, "button": "Unsubscribe", "action": "unsubscribe"},
            )
        mail.unsubscribe(secret(), token, site)
    except BadLink as error:
        return _bad(error)
    except NotFound:
        return _no_site()
    return _page(200, title="Unsubscribed", message="You will get no more mails about replies.")
