"""Mail as moderators see it: their own mail preference, and the mail outbox's delivery
state (failures included), without readers' addresses."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask import g

from ...domain import emails
from ...domain.mail import Mode
from ...schemas.admin import MailArgs
from ...schemas.admin import MailMessageOut
from ...schemas.admin import MailOut
from ...schemas.admin import MailPreferenceIn
from ...schemas.admin import MailPreferenceOut
from ...schemas.fields import MAX_ID
from ...usecases import mail
from ...usecases import read
from ..mailing import email_settings
from .auth import admin_blueprint
from .auth import visible_sites

blp = admin_blueprint("mail", "Mail to moderators and readers (moderators only).")


@blp.route("/me/notifications", methods=["GET"])
@blp.response(200, MailPreferenceOut)
def my_notifications() -> Any:
    """The signed-in moderator's mail preference (about the sites they may see)."""
    return mail.preference(g.moderator, email_settings() is not None)


@blp.route("/me/notifications", methods=["PUT"])
@blp.arguments(MailPreferenceIn)
@blp.response(200, MailPreferenceOut)
def set_my_notifications(data: dict[str, Any]) -> Any:
    """Choose what mail the signed-in moderator gets: `each` entry that needs a moderator
    (new pending, held by reports), a `digest` every `digest_minutes`, or `off`."""
    return mail.set_preference(
        g.moderator,
        emails.canonical(data["email"] or "") or None,
        Mode(data["mode"]),
        data["digest_minutes"],
        email_settings() is not None,
    )


@blp.route("/mail", methods=["GET"])
@blp.arguments(MailArgs, location="query")
@blp.response(200, MailOut)
def list_mail(args: dict[str, Any]) -> Any:
    """Mails in the outbox of the sites the moderator may see, newest first, with totals per
    delivery state (`state=failed`: the failures). Recipients are not shown, only the
    moderator a mail was for."""
    return mail.overview(
        email_settings() is not None, args["state"], read.clamp(args.get("limit")), args.get("before"), visible_sites()
    )


@blp.route("/mail/<int:message_id>/retry", methods=["POST"])
@blp.response(200, MailMessageOut)
@blp.alt_response(409, description="Sent or dropped mails cannot be sent again.")
def retry_mail(message_id: int) -> Any:
    """Send a failed mail again at once, with a fresh round of retries."""
    if not 0 < message_id <= MAX_ID:
        abort(404, "No mail has this id.")
    return mail.retry(message_id, visible_sites())
