"""``flask --app wsgi moderators add|list|token|revoke``, on both databases."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from service.extensions import db
from service.persistence.models import ModeratorToken
from tests.helpers import V1


def token_of(output: str) -> str:
    (token,) = [line for line in output.splitlines() if line.startswith("cmt_")]
    return token


def me(app: Flask, token: str) -> tuple[int, object]:
    response = app.test_client().get(f"{V1}/admin/me", headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.get_json()


def add_sites(runner: FlaskCliRunner, *sites: str) -> None:
    for site in sites:
        result = runner.invoke(args=["sites", "add", site, "--name", site.title()])
        assert result.exit_code == 0, result.output


def test_add_prints_the_token_once_and_it_signs_in(app: Flask, runner: FlaskCliRunner) -> None:
    add_sites(runner, "north", "south")
    added = runner.invoke(
        args=[
            "moderators",
            "add",
            "Night desk",
            "--role",
            "moderator",
            "--site",
            "north",
            "--site",
            "south",
            "--label",
            "laptop",
        ]
    )
    assert added.exit_code == 0, added.output
    assert "added moderator Night desk (north, south)" in added.output
    token = token_of(added.output)
    assert me(app, token) == (200, {"moderator": "Night desk", "role": "moderator", "sites": ["north", "south"]})

    admin = runner.invoke(args=["moderators", "add", "Ada", "--role", "admin"])
    assert admin.exit_code == 0 and "added admin Ada (every site)" in admin.output
    assert me(app, token_of(admin.output))[1] == {"moderator": "Ada", "role": "admin", "sites": None}

    listed = runner.invoke(args=["moderators", "list"])
    assert listed.exit_code == 0
    assert "Ada: admin, every site; last used 20" in listed.output
    assert "Night desk: moderator, north, south; last used 20" in listed.output
    assert "'laptop'" in listed.output
    with app.app_context():
        digests = list(db.session.scalars(select(ModeratorToken.token_hash)))
    for secret in (token, *digests):
        assert secret not in listed.output


def test_bad_accounts_are_refused_with_one_line(app: Flask, runner: FlaskCliRunner) -> None:
    add_sites(runner, "north")
    for args, message in (
        (["Mo", "--role", "moderator"], "A moderator needs at least one site."),
        (["Mo", "--role", "admin", "--site", "north"], "An admin sees every site"),
        (["Mo", "--site", "Not a slug"], "Not a site id"),
        (["auto-moderation", "--role", "admin"], "the service's own"),
        (["Mo", "--site", "east"], "No site has the id 'east'."),
    ):
        result = runner.invoke(args=["moderators", "add", *args])
        assert result.exit_code == 1 and message in result.output, result.output
        assert "cmt_" not in result.output
    assert runner.invoke(args=["moderators", "add", "Mo", "--role", "owner"]).exit_code == 2
    assert runner.invoke(args=["moderators", "add", "Mo", "--site", "north"]).exit_code == 0
    twice = runner.invoke(args=["moderators", "add", "mo", "--site", "north"])
    assert twice.exit_code == 1 and "already" in twice.output
    assert "no moderator accounts" not in runner.invoke(args=["moderators", "list"]).output


def test_token_and_revoke(app: Flask, runner: FlaskCliRunner) -> None:
    add_sites(runner, "north")
    assert "no moderator accounts" in runner.invoke(args=["moderators", "list"]).output
    first = token_of(runner.invoke(args=["moderators", "add", "Mo", "--site", "north"]).output)
    issued = runner.invoke(args=["moderators", "token", "Mo", "--label", "phone"])
    assert issued.exit_code == 0
    second = token_of(issued.output)
    third = token_of(runner.invoke(args=["moderators", "token", "Mo"]).output)
    assert len({first, second, third}) == 3
    assert all(me(app, t)[0] == 200 for t in (first, second, third))

    revoked = runner.invoke(args=["moderators", "revoke", "--token", second])
    assert revoked.exit_code == 0 and "revoked a token of Mo" in revoked.output
    assert second not in revoked.output
    assert [me(app, t)[0] for t in (first, second, third)] == [200, 401, 200]

    with app.app_context():
        third_id = db.session.scalar(select(ModeratorToken.id).order_by(ModeratorToken.id.desc()))
    one = runner.invoke(args=["moderators", "revoke", "Mo", "--token-id", str(third_id)])
    assert one.exit_code == 0 and f"revoked token {third_id} of Mo" in one.output
    assert [me(app, t)[0] for t in (first, second, third)] == [200, 401, 401]

    everything = runner.invoke(args=["moderators", "revoke", "Mo"])
    assert everything.exit_code == 0 and "revoked 1 token of Mo" in everything.output
    assert [me(app, t)[0] for t in (first, second, third)] == [401, 401, 401]
    assert "revoked 20" in runner.invoke(args=["moderators", "list"]).output

    fresh = token_of(runner.invoke(args=["moderators", "token", "Mo"]).output)
    assert me(app, fresh)[0] == 200  # the account itself still stands

    for args in (
        ["revoke", "Nobody"],
        ["token", "Nobody"],
        ["revoke", "--token", "cmt_unknown"],
        ["revoke", "Mo", "--token-id", "999999"],
    ):
        result = runner.invoke(args=["moderators", *args])
        assert result.exit_code == 1, (args, result.output)
    assert runner.invoke(args=["moderators", "revoke"]).exit_code == 2
