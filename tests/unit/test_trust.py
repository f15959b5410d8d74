"""The rules of signed-in readers, closing and editing, and their settings, without an app."""

from __future__ import annotations

import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import jwt
import pytest

from service.config import ConfigError
from service.config import trust_from_environ
from service.domain import sso
from service.domain import trust

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
SECRET = "s" * 32


def test_threads_close_after_the_article_date_else_the_first_entry() -> None:
    first, date = NOW - timedelta(days=3), NOW - timedelta(days=1)
    assert trust.is_closed("auto", first, None, 2, NOW)
    assert not trust.is_closed("auto", first, date, 2, NOW)  # the article's date counts first
    assert not trust.is_closed("auto", first, None, None, NOW)  # no automatic closing
    assert not trust.is_closed("open", first, None, 2, NOW)  # reopened by a moderator
    assert trust.is_closed("closed", None, None, None, NOW)
    assert trust.closes_at("auto", first, None, 2) == first + timedelta(days=2)


def test_the_edit_window() -> None:
    assert trust.may_edit(NOW - timedelta(minutes=14), timedelta(minutes=15), NOW)
    assert not trust.may_edit(NOW - timedelta(minutes=15), timedelta(minutes=15), NOW)


def test_authors_are_keyed_by_their_strongest_identity() -> None:
    assert trust.author_key("u1", "a@b.c", "h") == "user:u1"
    assert trust.author_key(None, "a@b.c", "h") == "email:a@b.c"
    assert trust.author_key(None, None, "h") == "client:h"
    assert trust.author_key(None, None, None) is None


def test_a_token_may_carry_staff_or_a_site_label_never_moderator() -> None:
    assert trust.allowed_badge("Staff", ()) == "staff"
    assert trust.allowed_badge("subscriber", ("subscriber",)) == "subscriber"
    assert trust.allowed_badge("subscriber", ()) is None
    assert trust.allowed_badge("moderator", ("moderator",)) is None
    assert trust.allowed_badge(7, ("7",)) is None


def _verify(token: str, **kwargs: object) -> trust.Reader:
    options: dict[str, object] = {
        "secret": SECRET,
        "public_key": None,
        "audience": "default",
        "issuer": None,
        "badges": (),
        **kwargs,
    }
    return sso.verify(token, **options)  # type: ignore[arg-type]


def _token(**claims: object) -> str:
    body = {"sub": "u1", "name": " Sam\u200b ", "aud": "default", "exp": int(time.time()) + 60, **claims}
    return jwt.encode(body, SECRET, algorithm="HS256")


def test_a_good_token_signs_a_reader_in_with_a_plain_name() -> None:
    reader = _verify(_token(email="sam@example.org", badge="staff"))
    assert reader == trust.Reader("u1", "Sam", "sam@example.org", "staff")


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (lambda: _token(exp=int(time.time()) - 120), "expired"),
        (lambda: _token(aud="other"), "another site"),
        (lambda: jwt.encode({"sub": "u", "name": "n", "aud": "default", "exp": 9999999999}, "x" * 32), "signature"),
        (lambda: jwt.encode({"sub": "u", "name": "n", "aud": "default", "exp": 9999999999}, None, "none"), "HS256"),  # type: ignore[arg-type]
        (lambda: _token(name=""), "no name"),
        (lambda: _token(sub="x" * 200), "sub"),
    ],
)
def test_bad_tokens_are_refused_saying_why(token: object, message: str) -> None:
    with pytest.raises(sso.BadToken, match=message):
        _verify(token())  # type: ignore[operator]


def test_settings_come_from_the_environment() -> None:
    settings = trust_from_environ(
        {
            "COMMENTS_SSO_SECRET": SECRET,
            "COMMENTS_COMMENTING": "signed-in",
            "COMMENTS_LOGIN_URL": "https://news.example/login",
            "COMMENTS_BADGES": "Subscriber, Donor",
            "COMMENTS_BAN_MODE": "hold",
            "COMMENTS_CLOSE_AFTER_DAYS": "14",
            "COMMENTS_EDIT_WINDOW_MINUTES": "5",
        }
    )
    assert settings.commenting == trust.Commenting.SIGNED_IN and settings.badges == ("subscriber", "donor")
    assert (settings.ban_mode, settings.close_after_days, settings.edit_window_minutes) == ("hold", 14, 5)
    assert trust_from_environ({}).edit_window_minutes == 15


@pytest.mark.parametrize(
    ("environ", "name"),
    [
        ({"COMMENTS_SSO_SECRET": "short"}, "COMMENTS_SSO_SECRET"),
        ({"COMMENTS_COMMENTING": "signed-in"}, "COMMENTS_COMMENTING"),
        ({"COMMENTS_BAN_MODE": "shadow"}, "COMMENTS_BAN_MODE"),
        ({"COMMENTS_LOGIN_URL": "javascript:alert(1)"}, "COMMENTS_LOGIN_URL"),
        ({"COMMENTS_SSO_PUBLIC_KEY": "not a key"}, "COMMENTS_SSO_PUBLIC_KEY"),
        ({"COMMENTS_BADGES": "moderator"}, "COMMENTS_BADGES"),
    ],
)
def test_bad_settings_fail_naming_the_variable(environ: dict[str, str], name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        trust_from_environ(environ)
