"""The mail settings of a site, read in one place: ``email_settings``. (Today every site
has the instance's settings from the environment, ``config.EmailSettings``; a site with
settings of its own is routed through here.)"""

from __future__ import annotations

from flask import current_app

from ..config import EmailSettings
from ..persistence.models import DEFAULT_SITE


def email_settings(site_id: str = DEFAULT_SITE) -> EmailSettings | None:
    """The site's mail settings: SMTP server, From name and address, the public URL of the
    links, templates and language, limits. ``None``: the site sends no mail."""
    settings: EmailSettings | None = current_app.config.get("EMAIL")
    return settings


def secret() -> str:
    """The key that signs the links in mails (the instance's secret)."""
    return str(current_app.config["SECRET_KEY"])


def moderators() -> set[str]:
    """The names that may moderate now (a link of a removed moderator no longer works)."""
    return set(current_app.config["ADMIN_TOKENS"].values())
