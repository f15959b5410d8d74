"""Configuration: defaults, then the documented ``COMMENTS_*`` variables, parsed and checked
once at start-up so that a mistake fails with one clear line instead of at a request."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import unquote
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .domain import automod
from .domain import engagement
from .domain import limits
from .domain import sites
from .domain import trust
from .domain import webhooks
from .domain import wordlists
from .domain.moderation import Status

MAX_BODY_BYTES = 64 * 1024
DEFAULT_RATE_LIMIT = "10/minute;200/day"
_LIMIT_ITEM = re.compile(r"^\s*\d+\s*(/|per)\s*\d*\s*(second|minute|hour|day|month|year)s?\s*$", re.I)


class ConfigError(ValueError):
    """A setting that cannot work; the message names the variable."""


@dataclass(frozen=True)
class Engagement:
    """The deployment's settings of reactions, orders and the widget's check for new
    comments: the default site's, and what other sites fall back to (``site_defaults``;
    a site's own are ``SiteSettings`` fields, read through
    ``service.api.public.engagement.settings``)."""

    reaction_label: str = "Respect"  # the one positive reaction's name in the widget
    comment_order: engagement.CommentOrder = engagement.CommentOrder.OLDEST  # when a request names none
    review_order: engagement.ReviewOrder = engagement.ReviewOrder.NEWEST
    poll_seconds: int = 30  # how often a visible widget asks for new comments; 0: never


def defaults(instance_path: str) -> dict[str, Any]:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'comments.db'}",
        "EMBEDDED_DATABASE": True,
        "ADMIN_TOKENS": {},
        "ALLOWED_ORIGINS": [],
        "REDIS_URL": None,
        "RATE_LIMIT": DEFAULT_RATE_LIMIT,
        "SECRET_KEY": None,
        "CACHE_MAX_AGE": 10,
        "TRUSTED_PROXIES": 0,
        "MODERATION_POLICY": automod.Policy(suspect=wordlists.default_suspect_words()),
        "REPORT_THRESHOLD": 3,
        "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
        "WEBHOOK_URL": None,
        "WEBHOOK_SECRET": None,
        "WEBHOOK_EVENTS": webhooks.DEFAULT_EVENTS,
        "WEBHOOK_TIMEOUT": 5.0,
        "WEBHOOK_MAX_ATTEMPTS": 12,
        "METRICS_TOKEN": None,
        "TOXICITY_CACHE": None,  # the toxicity model's export; None: the instance folder
        "TOXICITY_SCORING": True,  # False: no entry is scored (and the toxicity rules never apply)
        "ENGAGEMENT": Engagement(),
        "EMAIL": None,  # EmailSettings: mail is off without COMMENTS_SMTP_URL
        "TRUST": TrustSettings(),
    }


def parse_admin_tokens(value: str) -> dict[str, str]:
    """``name:token,name2:token2`` as ``{token: name}``."""
    tokens: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in value.split(","))):
        name, sep, token = pair.partition(":")
        name, token = name.strip(), token.strip()
        if not sep or not name or not token:
            raise ConfigError("COMMENTS_ADMIN_TOKENS must be comma-separated name:token pairs")
        if len(name) > limits.MODERATOR:
            raise ConfigError(f"COMMENTS_ADMIN_TOKENS: a moderator name has at most {limits.MODERATOR} characters")
        if token in tokens:
            raise ConfigError("COMMENTS_ADMIN_TOKENS: two moderators share one token")
        tokens[token] = name
    return tokens


def parse_database_url(value: str) -> str:
    """A SQLAlchemy URL; plain ``postgres://`` URLs are driven by psycopg 3."""
    try:
        url = make_url(value)
    except ArgumentError:
        raise ConfigError("COMMENTS_DATABASE_URL is not a database URL") from None
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"COMMENTS_DATABASE_URL: unsupported database {url.get_backend_name()!r}")
    return url.render_as_string(hide_password=False)


def parse_rate_limit(value: str) -> str | None:
    value = value.strip()
    if value.lower() == "off":
        return None
    items = [i for i in re.split(r"[;,]", value) if i.strip()]
    if not items or not all(_LIMIT_ITEM.match(i) for i in items):
        raise ConfigError("COMMENTS_RATE_LIMIT must look like '5/minute;50/day' or be 'off'")
    return ";".join(i.strip() for i in items)


def from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings given in the environment; unset variables keep their defaults."""
    config: dict[str, Any] = {}
    if url := environ.get("COMMENTS_DATABASE_URL", "").strip():
        config["SQLALCHEMY_DATABASE_URI"] = parse_database_url(url)
        config["EMBEDDED_DATABASE"] = False
    if "COMMENTS_ADMIN_TOKENS" in environ:
        config["ADMIN_TOKENS"] = parse_admin_tokens(environ["COMMENTS_ADMIN_TOKENS"])
    if origins := environ.get("COMMENTS_ALLOWED_ORIGINS", "").strip():
        config["ALLOWED_ORIGINS"] = [o.strip().rstrip("/") for o in origins.split(",") if o.strip()]
    if redis_url := environ.get("COMMENTS_REDIS_URL", "").strip():
        if not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError("COMMENTS_REDIS_URL must be a redis:// URL")
        config["REDIS_URL"] = redis_url
    if "COMMENTS_RATE_LIMIT" in environ:
        config["RATE_LIMIT"] = parse_rate_limit(environ["COMMENTS_RATE_LIMIT"])
    if key := environ.get("COMMENTS_SECRET_KEY", "").strip():
        config["SECRET_KEY"] = key
    if max_age := environ.get("COMMENTS_CACHE_MAX_AGE", "").strip():
        if not max_age.isdigit():
            raise ConfigError("COMMENTS_CACHE_MAX_AGE must be a number of seconds")
        config["CACHE_MAX_AGE"] = int(max_age)
    if token := environ.get("COMMENTS_METRICS_TOKEN", "").strip():
        if len(token) < 16:
            raise ConfigError("COMMENTS_METRICS_TOKEN must be 16 characters or more")
        config["METRICS_TOKEN"] = token
    if cache := environ.get("COMMENTS_TOXICITY_CACHE", "").strip():
        config["TOXICITY_CACHE"] = cache
    if scoring := environ.get("COMMENTS_TOXICITY", "").strip().lower():
        if scoring not in ("on", "off"):
            raise ConfigError("COMMENTS_TOXICITY must be 'on' or 'off'")
        config["TOXICITY_SCORING"] = scoring == "on"
    config.update(moderation_from_environ(environ))
    config.update(webhooks_from_environ(environ))
    config.update(engagement_from_environ(environ))
    config.update(email_from_environ(environ))
    if any(name in environ for name in TRUST_VARIABLES):
        config["TRUST"] = trust_from_environ(environ)
    return config


def site_defaults(settings: Mapping[str, Any]) -> sites.SiteSettings:
    """The default site's settings when it sets nothing: the deployment's ``COMMENTS_*``
    (so a deployment without sites behaves as before). Other sites start from these too,
    without the origins, the webhook, the sign-in keys and login URL
    (``SiteSettings.for_other_sites``)."""
    engaging: Engagement = settings.get("ENGAGEMENT") or Engagement()
    signing: TrustSettings = settings.get("TRUST") or TrustSettings()
    return sites.SiteSettings(
        policy=settings["MODERATION_POLICY"],
        report_threshold=int(settings["REPORT_THRESHOLD"]),
        cache_max_age=int(settings["CACHE_MAX_AGE"]),
        webhook_url=settings.get("WEBHOOK_URL") or None,
        webhook_secret=settings.get("WEBHOOK_SECRET") or None,
        origins=tuple(settings.get("ALLOWED_ORIGINS") or ()),
        reaction_label=engaging.reaction_label,
        comment_order=engaging.comment_order,
        review_order=engaging.review_order,
        poll_seconds=engaging.poll_seconds,
        **_mail_defaults(settings.get("EMAIL")),
        who_may_comment=signing.commenting.value,
        close_after_days=signing.close_after_days,
        sso_secret=signing.sso_secret,
        sso_public_key=signing.sso_public_key,
        sso_audience=signing.sso_audience,
        sso_issuer=signing.sso_issuer,
        login_url=signing.login_url,
        badges=signing.badges,
        ban_mode=signing.ban_mode,
        edit_window_minutes=signing.edit_window_minutes,
    )


def engagement_from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    """COMMENTS_REACTION_LABEL, COMMENTS_COMMENT_ORDER, COMMENTS_REVIEW_ORDER and
    COMMENTS_POLL_SECONDS as one ``Engagement``; nothing when none is set."""
    names = ("COMMENTS_REACTION_LABEL", "COMMENTS_COMMENT_ORDER", "COMMENTS_REVIEW_ORDER", "COMMENTS_POLL_SECONDS")
    if not any(environ.get(n, "").strip() for n in names):
        return {}
    settings: dict[str, Any] = {}
    if label := environ.get("COMMENTS_REACTION_LABEL", "").strip():
        if len(label) > 40 or any(not ch.isprintable() for ch in label):
            raise ConfigError("COMMENTS_REACTION_LABEL must be 1 to 40 printable characters")
        settings["reaction_label"] = label
    if order := environ.get("COMMENTS_COMMENT_ORDER", "").strip().lower():
        if order not in set(engagement.CommentOrder):
            raise ConfigError(f"COMMENTS_COMMENT_ORDER must be one of {', '.join(engagement.CommentOrder)}")
        settings["comment_order"] = engagement.CommentOrder(order)
    if order := environ.get("COMMENTS_REVIEW_ORDER", "").strip().lower():
        if order not in set(engagement.ReviewOrder):
            raise ConfigError(f"COMMENTS_REVIEW_ORDER must be one of {', '.join(engagement.ReviewOrder)}")
        settings["review_order"] = engagement.ReviewOrder(order)
    if (seconds := _count(environ, "COMMENTS_POLL_SECONDS")) is not None:
        if 0 < seconds < 5:
            raise ConfigError("COMMENTS_POLL_SECONDS must be 0 (off) or 5 or more")
        settings["poll_seconds"] = seconds
    return {"ENGAGEMENT": Engagement(**settings)}


def _mail_defaults(email: EmailSettings | None) -> dict[str, Any]:
    """The sender and language every site has unless it sets its own (none: mail is off)."""
    if email is None:
        return {}
    return {"mail_from_name": email.from_name, "mail_from_address": email.from_address, "mail_language": email.language}


def toxicity_cache(settings: Mapping[str, Any], instance_path: str) -> Path:
    """The folder of the toxicity model's export (domain/toxicity.py ``load``)."""
    return Path(settings.get("TOXICITY_CACHE") or instance_path)


def _count(environ: Mapping[str, str], name: str) -> int | None:
    value = environ.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number, 0 or more")
    return int(value)


def _threshold(environ: Mapping[str, str], name: str) -> float | None:
    """A toxicity score above 0 and at most 1, or ``off``."""
    value = environ[name].strip().lower()
    if value == "off":
        return None
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number <= 1:
        raise ConfigError(f"{name} must be a toxicity score above 0 and at most 1, e.g. 0.8, or 'off'")
    return number


def _toxicity(environ: Mapping[str, str]) -> dict[str, Any]:
    """The toxicity rules' thresholds (see domain/toxicity.py for the score)."""
    policy: dict[str, Any] = {}
    if environ.get("COMMENTS_TOXICITY_HOLD", "").strip():
        policy["toxicity_hold"] = _threshold(environ, "COMMENTS_TOXICITY_HOLD")
    if environ.get("COMMENTS_TOXICITY_REFUSE", "").strip():
        policy["toxicity_refuse"] = _threshold(environ, "COMMENTS_TOXICITY_REFUSE")
    if status := environ.get("COMMENTS_TOXICITY_REFUSE_AS", "").strip().lower():
        if status not in (Status.SPAM, Status.REJECTED):
            raise ConfigError("COMMENTS_TOXICITY_REFUSE_AS must be 'spam' or 'rejected'")
        policy["toxicity_refuse_status"] = Status(status)
    hold = policy.get("toxicity_hold", automod.Policy.toxicity_hold)
    refuse = policy.get("toxicity_refuse")
    if refuse is not None and hold is not None and refuse <= hold:
        raise ConfigError(f"COMMENTS_TOXICITY_REFUSE must be above COMMENTS_TOXICITY_HOLD ({hold:g})")
    return policy


def moderation_from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    """Auto-moderation, reports and proxies (see domain/automod.py for the rules)."""
    config: dict[str, Any] = {}
    policy: dict[str, Any] = {}
    if mode := environ.get("COMMENTS_MODERATION_MODE", "").strip().lower():
        if mode not in ("pre", "post"):
            raise ConfigError("COMMENTS_MODERATION_MODE must be 'pre' or 'post'")
        policy["mode"] = automod.Mode(mode)
    if "COMMENTS_BANNED_WORDS" in environ:
        policy["banned"] = wordlists.configured(environ["COMMENTS_BANNED_WORDS"].split(","))
    if "COMMENTS_SUSPECT_WORDS" in environ:
        policy["suspect"] = wordlists.configured(environ["COMMENTS_SUSPECT_WORDS"].split(","))
    if (links := _count(environ, "COMMENTS_MAX_LINKS")) is not None:
        policy["max_links"] = links
    if (trusted := _count(environ, "COMMENTS_TRUSTED_AFTER")) is not None:
        policy["trusted_after"] = trusted
    policy.update(_toxicity(environ))
    if policy:
        policy.setdefault("suspect", wordlists.default_suspect_words())
        config["MODERATION_POLICY"] = automod.Policy(**policy)
    if (threshold := _count(environ, "COMMENTS_REPORT_THRESHOLD")) is not None:
        config["REPORT_THRESHOLD"] = threshold
    if (proxies := _count(environ, "COMMENTS_TRUSTED_PROXIES")) is not None:
        config["TRUSTED_PROXIES"] = proxies
    return config


def webhooks_from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    """Where events are POSTed, the key that signs them, and which events are sent."""
    config: dict[str, Any] = {}
    url = environ.get("COMMENTS_WEBHOOK_URL", "").strip()
    secret = environ.get("COMMENTS_WEBHOOK_SECRET", "").strip()
    if url:
        if not re.match(r"^https?://[^/\s]+", url, re.I):
            raise ConfigError("COMMENTS_WEBHOOK_URL must be an http:// or https:// URL")
        if len(secret) < 16:
            raise ConfigError("COMMENTS_WEBHOOK_SECRET must be set (16 characters or more) with COMMENTS_WEBHOOK_URL")
        config["WEBHOOK_URL"], config["WEBHOOK_SECRET"] = url, secret
    if events := environ.get("COMMENTS_WEBHOOK_EVENTS", "").strip():
        chosen = {e.strip() for e in events.split(",") if e.strip()}
        if not chosen or not chosen <= webhooks.ALL_EVENTS:
            raise ConfigError(f"COMMENTS_WEBHOOK_EVENTS: comma-separated, of {', '.join(sorted(webhooks.ALL_EVENTS))}")
        config["WEBHOOK_EVENTS"] = frozenset(chosen)
    return config


def instance_secret(instance_path: str) -> str:
    """A key kept in the instance folder, shared by every worker on this machine. Several
    machines must share ``COMMENTS_SECRET_KEY`` instead."""
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = path.with_name(f".secret_key.{os.getpid()}")
        tmp.write_text(secrets.token_urlsafe(32))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # atomic: the first worker's key wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


# -- email ------------------------------------------------------------------------------

SMTP_SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class EmailSettings:
    """Mail to moderators and readers (``usecases/mail.py``): the SMTP server, the sender,
    the address links in mails point to, and the limits. Per site: read only through
    ``service.api.mailing.email_settings(site_id)``."""

    smtp_host: str
    smtp_port: int = 25
    smtp_security: str = "none"  # "starttls" (STARTTLS on a plain port), "tls" (implicit), "none"
    smtp_username: str | None = None
    smtp_password: str | None = None
    from_address: str = "comments@localhost"
    from_name: str = "Comments"
    public_url: str = "http://127.0.0.1:8000"  # where this service is reached: links in mails
    templates: str | None = None  # a folder whose templates override the shipped ones
    site_templates: str | None = None  # the site's own folder (``<templates>/<site>``), first
    language: str = "en"
    replies_per_day: int = 10  # reply notifications per address and day
    link_hours: int = 72  # how long a moderator's action link works
    timeout: float = 10.0
    max_attempts: int = 8


def parse_smtp_url(value: str) -> dict[str, Any]:
    """``smtp://user:pass@host:port?starttls=1`` (``smtps://`` for TLS from the first byte)."""
    parts = urlsplit(value)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("COMMENTS_SMTP_URL must look like smtp://user:password@host:587?starttls=1 or smtps://host")
    query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
    starttls = query.get("starttls", "0") in ("1", "true", "yes", "on")
    security = "tls" if parts.scheme == "smtps" else "starttls" if starttls else "none"
    try:
        port = parts.port
    except ValueError:
        raise ConfigError("COMMENTS_SMTP_URL: the port must be a number") from None
    return {
        "smtp_host": parts.hostname,
        "smtp_port": port or {"tls": 465, "starttls": 587}.get(security, 25),
        "smtp_security": security,
        "smtp_username": unquote(parts.username) if parts.username else None,
        "smtp_password": unquote(parts.password) if parts.password else None,
    }


def email_from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    """``EMAIL``: an :class:`EmailSettings` when COMMENTS_SMTP_URL is set, else nothing
    (mail off). Separate variables override the URL's parts."""
    url = environ.get("COMMENTS_SMTP_URL", "").strip()
    if not url:
        return {}
    smtp = parse_smtp_url(url)
    if user := environ.get("COMMENTS_SMTP_USER", "").strip():
        smtp["smtp_username"] = user
    if "COMMENTS_SMTP_PASSWORD" in environ:
        smtp["smtp_password"] = environ["COMMENTS_SMTP_PASSWORD"]
    if security := environ.get("COMMENTS_SMTP_SECURITY", "").strip().lower():
        if security not in SMTP_SECURITY:
            raise ConfigError("COMMENTS_SMTP_SECURITY must be starttls, tls or none")
        smtp["smtp_security"] = security
    public = environ.get("COMMENTS_PUBLIC_URL", "").strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+", public, re.I):
        raise ConfigError("COMMENTS_PUBLIC_URL (this service's https:// address, for links in mails) must be set")
    settings: dict[str, Any] = {**smtp, "public_url": public}
    if sender := environ.get("COMMENTS_MAIL_FROM", "").strip():
        name, address = parseaddr(sender)
        if "@" not in address:
            raise ConfigError("COMMENTS_MAIL_FROM must be an address, like 'News comments <comments@news.example>'")
        settings["from_address"] = address
        settings["from_name"] = name or EmailSettings.from_name
    if templates := environ.get("COMMENTS_MAIL_TEMPLATES", "").strip():
        if not Path(templates).is_dir():
            raise ConfigError("COMMENTS_MAIL_TEMPLATES must be a folder")
        settings["templates"] = templates
    if language := environ.get("COMMENTS_MAIL_LANGUAGE", "").strip():
        if not re.fullmatch(r"[a-z]{2}(-[A-Za-z]{2})?", language):
            raise ConfigError("COMMENTS_MAIL_LANGUAGE must be a language code like en or de")
        settings["language"] = language
    if (per_day := _count(environ, "COMMENTS_MAIL_REPLIES_PER_DAY")) is not None:
        settings["replies_per_day"] = per_day
    if (hours := _count(environ, "COMMENTS_MAIL_LINK_HOURS")) is not None:
        if hours < 1:
            raise ConfigError("COMMENTS_MAIL_LINK_HOURS must be 1 or more")
        settings["link_hours"] = hours
    if (attempts := _count(environ, "COMMENTS_MAIL_MAX_ATTEMPTS")) is not None:
        settings["max_attempts"] = max(1, attempts)
    return {"EMAIL": EmailSettings(**settings)}


TRUST_VARIABLES = (
    "COMMENTS_SSO_SECRET",
    "COMMENTS_SSO_PUBLIC_KEY",
    "COMMENTS_SSO_PUBLIC_KEY_FILE",
    "COMMENTS_SSO_AUDIENCE",
    "COMMENTS_SSO_ISSUER",
    "COMMENTS_COMMENTING",
    "COMMENTS_LOGIN_URL",
    "COMMENTS_BADGES",
    "COMMENTS_BAN_MODE",
    "COMMENTS_CLOSE_AFTER_DAYS",
    "COMMENTS_EDIT_WINDOW_MINUTES",
)


@dataclass(frozen=True)
class TrustSettings:
    """The environment's settings for signed-in readers, bans, closing and editing: the
    default site's (and, but for the keys and login URL, every site's) fallback in
    ``site_defaults``; the API reads them per site through ``api/sites.py``'s ``settings()``."""

    sso_secret: str | None = None  # HS256 key the site signs its readers' tokens with
    sso_public_key: str | None = None  # RS256: the PEM public key of the site's signing key
    sso_audience: str = trust.DEFAULT_SITE  # the ``aud`` every token must name
    sso_issuer: str | None = None  # the ``iss`` every token must name, when set
    commenting: trust.Commenting = trust.Commenting.ANYONE
    login_url: str | None = None  # where "Sign in to comment" leads
    badges: tuple[str, ...] = ("subscriber",)  # the site's badge labels, besides ``staff``
    ban_mode: trust.BanMode = trust.BanMode.REFUSE
    close_after_days: int | None = None  # threads close N days after their first entry or article date
    edit_window_minutes: int = 15

    @property
    def sso(self) -> bool:
        return bool(self.sso_secret or self.sso_public_key)


def trust_from_environ(environ: Mapping[str, str]) -> TrustSettings:
    """``COMMENTS_SSO_*``, ``COMMENTS_COMMENTING``, ``COMMENTS_LOGIN_URL``, ``COMMENTS_BADGES``,
    ``COMMENTS_BAN_MODE``, ``COMMENTS_CLOSE_AFTER_DAYS``, ``COMMENTS_EDIT_WINDOW_MINUTES``."""
    values: dict[str, Any] = {}
    if secret := environ.get("COMMENTS_SSO_SECRET", "").strip():
        if len(secret) < 32:
            raise ConfigError("COMMENTS_SSO_SECRET must be 32 characters or more")
        values["sso_secret"] = secret
    key = environ.get("COMMENTS_SSO_PUBLIC_KEY", "").strip()
    if path := environ.get("COMMENTS_SSO_PUBLIC_KEY_FILE", "").strip():
        try:
            key = Path(path).read_text()
        except OSError:
            raise ConfigError("COMMENTS_SSO_PUBLIC_KEY_FILE cannot be read") from None
    if key:
        if "BEGIN PUBLIC KEY" not in key:
            raise ConfigError("COMMENTS_SSO_PUBLIC_KEY must be a PEM public key (-----BEGIN PUBLIC KEY-----)")
        values["sso_public_key"] = key.replace("\\n", "\n")
    if audience := environ.get("COMMENTS_SSO_AUDIENCE", "").strip():
        values["sso_audience"] = audience
    if issuer := environ.get("COMMENTS_SSO_ISSUER", "").strip():
        values["sso_issuer"] = issuer
    if who := environ.get("COMMENTS_COMMENTING", "").strip().lower():
        if who not in tuple(trust.Commenting):
            raise ConfigError("COMMENTS_COMMENTING must be 'anyone' or 'signed-in'")
        values["commenting"] = trust.Commenting(who)
    if login := environ.get("COMMENTS_LOGIN_URL", "").strip():
        if not re.match(r"^https?://[^/\s]+", login, re.I):
            raise ConfigError("COMMENTS_LOGIN_URL must be an http:// or https:// URL")
        values["login_url"] = login
    if "COMMENTS_BADGES" in environ:
        labels = tuple(b.strip().lower() for b in environ["COMMENTS_BADGES"].split(",") if b.strip())
        if any(len(b) > trust.BADGE or b == trust.MODERATOR_BADGE for b in labels):
            raise ConfigError(f"COMMENTS_BADGES: labels of at most {trust.BADGE} characters, not 'moderator'")
        values["badges"] = labels
    if mode := environ.get("COMMENTS_BAN_MODE", "").strip().lower():
        if mode not in tuple(trust.BanMode):
            raise ConfigError("COMMENTS_BAN_MODE must be 'refuse' or 'hold'")
        values["ban_mode"] = trust.BanMode(mode)
    if (days := _count(environ, "COMMENTS_CLOSE_AFTER_DAYS")) is not None:
        values["close_after_days"] = days or None
    if (minutes := _count(environ, "COMMENTS_EDIT_WINDOW_MINUTES")) is not None:
        values["edit_window_minutes"] = minutes
    settings = TrustSettings(**values)
    if settings.commenting == trust.Commenting.SIGNED_IN and not settings.sso:
        raise ConfigError("COMMENTS_COMMENTING=signed-in needs COMMENTS_SSO_SECRET or COMMENTS_SSO_PUBLIC_KEY")
    return settings
