"""The mail rules without an app: signed links, the daily limit, errors without addresses."""

from __future__ import annotations

import pytest

from service.domain import mail


def test_an_action_link_names_its_moderator_entry_action_and_nonce() -> None:
    act = mail.Act("alice", 42, "spam", mail.nonce())
    token = act.token("secret")
    assert mail.Act.of("secret", token, max_age=60) == act
    with pytest.raises(mail.BadLink):
        mail.Act.of("other secret", token, max_age=60)
    with pytest.raises(mail.ExpiredLink):
        mail.Act.of("secret", token, max_age=-1)
    with pytest.raises(mail.BadLink):  # signed for another purpose
        mail.Act.of("secret", mail.sign("secret", "unsubscribe", {"a": "x@y", "s": "default"}), max_age=60)
    with pytest.raises(mail.BadLink):  # an action no link may do
        mail.Act.of("secret", mail.sign("secret", "act", {"m": "alice", "e": 1, "a": "erase", "n": "x"}), max_age=60)
    assert mail.nonce() != mail.nonce()


def test_the_daily_limit_starts_again_each_day() -> None:
    assert mail.allowed_today(None, 0, "2026-12-02", 2)
    assert mail.allowed_today("2026-12-02", 1, "2026-12-02", 2)
    assert not mail.allowed_today("2026-12-02", 2, "2026-12-02", 2)
    assert mail.allowed_today("2026-12-01", 9, "2026-12-02", 2)
    assert not mail.allowed_today(None, 0, "2026-12-02", 0)


def test_an_smtp_error_keeps_no_address() -> None:
    said = mail.redact("SMTP 550 5.1.1 <ann.lee+news@mail.example.org>: Recipient address rejected")
    assert said == "SMTP 550 5.1.1 <<address>>: Recipient address rejected"
    assert "@" not in mail.redact("452 too many recipients: bo@x.example, cy@y.example")
    assert len(mail.redact("x" * 1000)) == 300
