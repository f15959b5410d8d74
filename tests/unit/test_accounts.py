"""Moderator accounts' rules, without an app."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from service.domain import accounts
from service.domain.accounts import AccountError
from service.domain.accounts import Principal
from service.domain.accounts import Role


def test_an_admin_sees_every_site_and_a_moderator_only_theirs() -> None:
    admin = Principal("ada", Role.ADMIN)
    moderator = Principal("mo", Role.MODERATOR, frozenset({"north", "south"}))
    assert admin.may_see("north") and admin.may_see("anything") and admin.visible_sites is None
    assert moderator.may_see("north") and moderator.may_see("south")
    assert not moderator.may_see("east") and not moderator.may_see("default")
    assert moderator.visible_sites == frozenset({"north", "south"})
    assert not Principal("none", Role.MODERATOR).may_see("north")


def test_sites_of_an_account() -> None:
    assert accounts.check_sites(Role.MODERATOR, ["north", " south "]) == {"north", "south"}
    assert accounts.check_sites(Role.ADMIN, []) == frozenset()
    for role, sites in (
        (Role.MODERATOR, []),
        (Role.ADMIN, ["north"]),
        (Role.MODERATOR, ["North"]),
        (Role.MODERATOR, ["-north"]),
        (Role.MODERATOR, ["a" * 65]),
        (Role.MODERATOR, ["no/slash"]),
        (Role.MODERATOR, ["north-"]),
    ):
        with pytest.raises(AccountError):
            accounts.check_sites(role, sites)


def test_names_of_accounts() -> None:
    assert accounts.check_name("  Ann Lee ") == "Ann Lee"
    assert accounts.check_name("night.desk@paper") == "night.desk@paper"
    assert accounts.check_name("Jörg O'Brien") == "Jörg O'Brien"
    for bad in ("", " ", "x" * 81, "-dash", "_x", "a<b>", "a\nb", "a\x00", "auto-moderation", "Author", "retention"):
        with pytest.raises(AccountError):
            accounts.check_name(bad)


def test_tokens_are_random_and_kept_as_a_digest() -> None:
    first, second = accounts.new_token(), accounts.new_token()
    assert first != second and first.startswith("cmt_") and len(first) == 4 + 43
    digest = accounts.token_digest(first)
    assert len(digest) == 64 and first not in digest and digest == accounts.token_digest(first)
    assert accounts.worth_a_lookup(first)
    assert not accounts.worth_a_lookup("alice-token-0123456789")
    assert not accounts.worth_a_lookup("cmt_" + "x" * 300)
    assert not accounts.worth_a_lookup("cmt_é")


def test_bearer_headers() -> None:
    assert accounts.bearer("Bearer abc") == "abc"
    assert accounts.bearer("bearer  abc ") == "abc"
    for bad in (None, "", "Bearer", "Bearer   ", "Basic abc", "abc"):
        assert accounts.bearer(bad) is None


def test_last_used_is_written_at_most_once_a_minute() -> None:
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert accounts.last_used_is_stale(None, now)
    assert not accounts.last_used_is_stale(now - timedelta(seconds=59), now)
    assert accounts.last_used_is_stale(now - timedelta(seconds=60), now)
