"""``flask --app wsgi sites add|list|set`` and ``--site`` on the commands that move entries."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from tests.helpers import ALICE
from tests.helpers import V1
from tests.helpers import Api


def test_sites_are_added_listed_and_changed_from_the_command_line(runner: FlaskCliRunner, api: Api) -> None:
    added = runner.invoke(
        args=["sites", "add", "bugle", "--name", "The Bugle", "--origin", "https://bugle.example",
              "moderation_mode=post", "banned_words=kumquat,durian*", "max_links=0"]
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "bugle\tThe Bugle\torigins: https://bugle.example" in added.output
    listed = runner.invoke(args=["sites", "list"])
    assert listed.output.splitlines()[0].startswith("default\tDefault site")
    assert "moderation post, links 0" in listed.output
    changed = runner.invoke(
        args=["sites", "set", "bugle", "moderation_mode=", "close_after_days=14", "reaction_label=Like",
              "comment_order=reactions", "poll_seconds=0"]
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert "reaction Like, comments reactions, reviews newest, new comments every - s" in changed.output
    site = api.get("/admin/sites/bugle", headers=ALICE)
    assert site["settings"]["moderation_mode"] == "pre" and site["settings"]["close_after_days"] == 14
    assert (site["settings"]["reaction_label"], site["settings"]["poll_seconds"]) == ("Like", 0)
    assert site["settings"]["banned_words"] == ["kumquat", "durian*"]

    for args, message in [
        (["sites", "add", "Bad Slug", "--name", "x"], "a-z 0-9"),
        (["sites", "add", "bugle", "--name", "x"], "exists"),
        (["sites", "add", "x2", "--name", "x", "max_links=many"], "max_links"),
        (["sites", "add", "x3", "--name", "x", "--origin", "bugle.example"], "origin"),
        (["sites", "set", "nope", "max_links=1"], "No site"),
        (["sites", "set", "bugle", "comment_order=best"], "comment_order"),
        (["sites", "set", "bugle", "poll_seconds=2"], "poll_seconds"),
    ]:
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    assert [s["id"] for s in api.get("/admin/sites", headers=ALICE)["items"]] == ["default", "bugle"]


def test_demo_data_stats_export_and_purge_take_a_site(
    runner: FlaskCliRunner, app: Flask, api: Api, tmp_path: Path
) -> None:
    assert runner.invoke(args=["sites", "add", "bugle", "--name", "Bugle"]).exit_code == 0
    filled = runner.invoke(
        args=["demo-data", "--site", "bugle", "--articles", "2", "--comments", "10", "--reviews", "2", "--pending", "1"]
    )
    assert filled.exit_code == 0, filled.output
    bugle = api.get("/sites/bugle/counts?article_id=demo-1&article_id=demo-2")["counts"]
    assert bugle["demo-1"]["comments"] + bugle["demo-2"]["comments"] == 10
    assert api.counts("demo-1")["comments"] == 0  # the default site's demo-1 is another article

    assert runner.invoke(args=["stats", "rebuild", "--site", "bugle"]).output.startswith("rebuilt counters of 2")
    assert runner.invoke(args=["stats", "rebuild", "--site", "nope"]).exit_code != 0

    out = tmp_path / "bugle.jsonl"
    assert runner.invoke(args=["export", "--site", "bugle", "-o", str(out)]).exit_code == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines[0]["site"] == "bugle" and len(lines) == 1 + 13
    assert runner.invoke(args=["export", "--site", "default", "-o", str(out)]).exit_code == 0
    assert len(out.read_text().splitlines()) == 1

    assert runner.invoke(args=["purge", "--site", "bugle", "--older-than", "1h"]).exit_code == 0
    assert api.client.get(f"{V1}/sites/bugle/articles/demo-1/counts").status_code == 200
