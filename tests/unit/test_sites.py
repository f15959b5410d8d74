"""Sites in the domain: slugs, keys scoped by site, and settings over the deployment's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.domain import automod
from service.domain import sites
from service.domain import wordlists
from service.schemas.sites import SiteSettingsIn


@pytest.mark.parametrize("slug", ["default", "a", "daily-bugle", "x1", "a" * 64])
def test_valid_slugs(slug: str) -> None:
    assert sites.is_valid_slug(slug)


@pytest.mark.parametrize("slug", ["", "-a", "a-", "A", "a_b", "a b", "a/b", "é", "a" * 65, "a\n"])
def test_invalid_slugs(slug: str) -> None:
    assert not sites.is_valid_slug(slug)


def test_keys_of_the_default_site_stay_as_they_were() -> None:
    assert sites.scoped(sites.DEFAULT_SITE, "a1") == "a1"
    assert sites.scoped("bugle", "a1") == "bugle/a1" != sites.scoped("planet", "a1")


def test_a_site_sets_some_settings_and_keeps_the_deployments_others() -> None:
    deployment = sites.SiteSettings(
        policy=automod.Policy(max_links=5, trusted_after=3, suspect=wordlists.WordList.of(["durian"])),
        report_threshold=4,
        cache_max_age=30,
        webhook_url="https://hooks.example/a",
        webhook_secret="s" * 20,
        origins=("https://news.example",),
    )
    other = deployment.for_other_sites().with_overrides(
        {"moderation_mode": "post", "banned_words": ["kumquat"], "cache_max_age": 60, "colour": "red"},
        ["https://bugle.example"],
    )
    assert other.moderation_mode == "post" and other.cache_max_age == 60
    assert other.max_links == 5 and other.trusted_after == 3 and other.report_threshold == 4
    assert other.policy.banned.find("a kumquat") == "kumquat" and other.banned_words == ("kumquat",)
    assert other.policy.suspect.find("durian") == "durian" and other.suspect_words is None
    assert other.webhook_url is None and not other.webhooks_on
    assert other.origins == ("https://bugle.example",)
    assert deployment.with_overrides({}) == deployment


def test_secrets_are_shown_by_their_last_four_characters_only() -> None:
    assert sites.masked("0123456789abcdefWXYZ") == "…WXYZ"
    assert sites.masked("short") == "…"
    assert sites.masked(None) is None


def test_every_setting_a_site_may_set_has_its_field_on_the_admin_page() -> None:
    """/admin/ (Sites, "Edit settings") builds its form from SITE_SETTINGS in admin.js: a new
    setting without a field there could be changed through the API only. The write-only
    settings are its secrets, shown as set or not set."""
    script = (Path(sites.__file__).parents[1] / "widget" / "static" / "admin.js").read_text("utf-8")
    table = script[script.index("var SITE_SETTINGS = [") : script.index("var SETTING_LABEL")]
    fields = re.findall(r'\{ key: "(\w+)", label: "[^"]+", kind: "(\w+)"', table)
    assert sorted(key for key, _ in fields) == sorted(sites.SETTINGS)
    secrets = {key for key, kind in fields if kind == "secret"}
    assert secrets == {name for name, field in SiteSettingsIn().fields.items() if field.load_only}
