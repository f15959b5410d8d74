"""The trust settings of a site: what falls back to the deployment's and what never does."""

from __future__ import annotations

from service import config
from service.domain.sites import SiteSettings
from service.domain.trust import BanMode
from service.usecases.sites import resolve

ENVIRON = {
    "COMMENTS_SSO_SECRET": "the-deployments-sign-in-key-of-32-chars",
    "COMMENTS_SSO_ISSUER": "https://default.example",
    "COMMENTS_LOGIN_URL": "https://default.example/login",
    "COMMENTS_BADGES": "subscriber,donor",
    "COMMENTS_BAN_MODE": "hold",
    "COMMENTS_EDIT_WINDOW_MINUTES": "5",
    "COMMENTS_CLOSE_AFTER_DAYS": "30",
    "COMMENTS_COMMENTING": "signed-in",
}


def base() -> SiteSettings:
    settings = {**config.defaults("/tmp"), **config.from_environ(ENVIRON)}
    return config.site_defaults(settings)


def test_the_default_site_takes_the_environment() -> None:
    default = resolve(base(), "default", [], {})
    assert default.sso_secret == ENVIRON["COMMENTS_SSO_SECRET"] and default.sso_audience == "default"
    assert default.commenting == "signed-in" and default.close_after_days == 30
    assert default.login_url == ENVIRON["COMMENTS_LOGIN_URL"] and default.badges == ("subscriber", "donor")
    assert default.ban_mode == BanMode.HOLD and default.edit_window_minutes == 5
    assert ENVIRON["COMMENTS_SSO_SECRET"] not in repr(default)


def test_another_site_keeps_the_rules_but_never_the_keys_issuer_or_login_page() -> None:
    other = resolve(base(), "north", [], {})
    assert (other.sso_secret, other.sso_public_key, other.sso_issuer, other.login_url) == (None, None, None, None)
    assert other.sso_audience == "north" and not other.sso
    assert other.commenting == "anyone"  # signed-in only needs a key of its own
    assert other.badges == ("subscriber", "donor") and other.ban_mode == BanMode.HOLD
    assert other.edit_window_minutes == 5 and other.close_after_days == 30
    own = resolve(base(), "north", [], {"sso_secret": "k" * 32, "badges": ["Member"], "ban_mode": "refuse"})
    assert own.sso and own.badges == ("member",) and own.ban_mode == BanMode.REFUSE
    assert own.sso_audience == "north"
