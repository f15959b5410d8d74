"""Moving in: Disqus, WordPress and Isso histories imported in one command, sanitized like
live submissions, threads and statuses kept, counters exact, and nothing imported twice."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from service.domain import sanitizing
from tests.helpers import ALICE
from tests.helpers import Api
from tests.helpers import stored_entries

from .samples import ISSO_FILL
from .samples import DisqusPost
from .samples import DisqusThread
from .samples import WpComment
from .samples import WpPost
from .samples import disqus_xml
from .samples import write
from .samples import wxr

pytestmark = pytest.mark.usefixtures("own_tables")


def run(runner: FlaskCliRunner, *args: str, expect: int = 0) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == expect, result.output
    return result.output


def visible(items: list[dict[str, Any]]) -> int:
    return sum(1 + visible(i["replies"]) for i in items)


def shape(items: list[dict[str, Any]]) -> list[Any]:
    """Authors and nesting of a thread."""
    return [(i["author"], shape(i["replies"])) if i["replies"] else i["author"] for i in items]


def queue(api: Api, status: str) -> list[dict[str, Any]]:
    return api.get("/admin/queue", query_string={"status": status}, headers=ALICE)["items"]  # type: ignore[no-any-return]


STORM = DisqusThread(7001, "https://news.example/2024/05/storm-hits/?utm_source=feed", "storm-2024", "Storm hits")
FLOOD = DisqusThread(7002, "https://news.example/2024/06/flood/", "", "Flood")
DISQUS_POSTS = [
    DisqusPost(
        9001,
        7001,
        '<p>Great <b>coverage</b> <script>alert("x")</script>, see https://river.example/levels</p>',
        "2024-05-01T09:00:00Z",
        "Ann",
        "Ann@Example.org",
    ),
    DisqusPost(9002, 7001, "<p>I disagree with Ann.</p>", "2024-05-01T10:00:00Z", "Bo", "bo@example.org", parent=9001),
    DisqusPost(9003, 7001, "<p>Both of you, look at the map.</p>", "2024-05-01T11:00:00Z", "Cy", parent=9002),
    DisqusPost(9004, 7001, "<p>removed</p>", "2024-05-01T12:00:00Z", "Troll", deleted=True),
    DisqusPost(9005, 7001, "<p>Answering a deleted comment.</p>", "2024-05-01T13:00:00Z", "Dee", parent=9004),
    DisqusPost(9006, 7001, "<p>cheap pills</p>", "2024-05-01T14:00:00Z", "Bot", "bot@spam.example", spam=True),
    DisqusPost(9007, 7001, "<p>Waiting for a moderator.</p>", "2024-05-01T15:00:00Z", "Eve", approved=False),
    DisqusPost(9008, 7002, "<p>The water reached our street.</p>", "2024-06-02T08:00:00Z", "Fay", "fay@example.org"),
    DisqusPost(9009, 7002, "<p> <img src=x onerror=alert(1)> </p>", "2024-06-02T09:00:00Z", "Gil"),
]


def test_a_disqus_export_is_imported_with_threads_statuses_and_exact_counters(
    runner: FlaskCliRunner, api: Api, app: Flask, tmp_path: Path
) -> None:
    export = write(tmp_path / "disqus.xml", disqus_xml([STORM, FLOOD], DISQUS_POSTS))
    output = run(runner, "import", "disqus", str(export))
    assert "imported 7 entries into 2 articles (7 comments; 5 approved, 1 pending, 1 spam)" in output
    assert "deleted at the source" in output and "no visible text once sanitized" in output

    thread = api.thread("2024-05-storm-hits")["items"]
    assert shape(thread) == [("Ann", [("Bo", ["Cy"])]), "Dee"]  # Dee's parent was deleted: moved up
    first = thread[0]
    assert first["created_at"] == "2024-05-01T09:00:00+00:00"
    assert "<b>coverage</b>" in first["body_html"] and "<script" not in first["body_html"]
    assert first["body_html"] == sanitizing.to_safe_html(DISQUS_POSTS[0].message)  # the live policy
    assert api.counts("2024-05-storm-hits")["comments"] == visible(thread) == 4
    assert api.counts("2024-06-flood")["comments"] == 1
    assert "@" not in json.dumps(api.thread("2024-05-storm-hits"))  # emails kept, never served

    pending = queue(api, "pending")
    assert [(e["author"], e["email"]) for e in pending] == [("Eve", None)]
    spam = queue(api, "spam")
    assert [(e["author"], e["email"]) for e in spam] == [("Bot", "bot@spam.example")]
    # Moderators see the imported authors' records, as if they had posted here.
    bot = spam[0]["author_history"]
    assert (bot["approved"], bot["rejected"], bot["spam"]) == (0, 0, 1)
    assert bot["first_seen_at"] == "2024-05-01T14:00:00+00:00"
    assert pending[0]["author_history"] is None  # nothing identifies Eve
    with app.app_context():
        stored = stored_entries()

    again = run(runner, "import", "disqus", str(export))
    assert "imported 0 entries into 0 articles" in again and "7  already imported" in again
    with app.app_context():
        assert stored_entries() == stored
    assert api.counts("2024-05-storm-hits")["comments"] == 4


def test_the_article_id_rule_can_be_chosen_and_overridden(runner: FlaskCliRunner, api: Api, tmp_path: Path) -> None:
    export = write(tmp_path / "disqus.xml", disqus_xml([STORM, FLOOD], DISQUS_POSTS[:3] + DISQUS_POSTS[7:8]))
    mapping = write(tmp_path / "map.csv", "source,article_id\nhttps://news.example/2024/06/flood/,flood-2024\n")
    output = run(runner, "import", "disqus", str(export), "--article-id", "identifier", "--map", str(mapping))
    assert "imported 4 entries into 2 articles" in output
    assert api.counts("storm-2024")["comments"] == 3  # Disqus' own identifier
    assert api.counts("flood-2024")["comments"] == 1  # the mapping file wins
    assert api.counts("2024-05-storm-hits")["comments"] == 0


def test_a_dry_run_checks_everything_and_writes_nothing(
    runner: FlaskCliRunner, api: Api, app: Flask, tmp_path: Path
) -> None:
    export = write(tmp_path / "disqus.xml", disqus_xml([STORM, FLOOD], DISQUS_POSTS))
    output = run(runner, "import", "disqus", str(export), "--dry-run")
    assert "would import 7 entries into 2 articles" in output and "dry run: nothing was written" in output
    with app.app_context():
        assert stored_entries() == 0
    packed = tmp_path / "disqus.xml.gz"  # as Disqus sends it
    packed.write_bytes(gzip.compress(export.read_bytes()))
    assert "imported 7 entries" in run(runner, "import", "disqus", str(packed))


WP_POSTS = [
    WpPost(
        12,
        "https://news.example/2024/05/council-vote/",
        "Council vote",
        comments=[
            WpComment(
                101, "Finally some <em>clarity</em>.\n\nSecond paragraph.", "2024-05-01 09:00:00", "Ann", "ann@x.org"
            ),
            WpComment(102, "Not so fast.", "2024-05-01 10:00:00", "Bo", "bo@x.org", parent=101),
            WpComment(103, "Held for moderation", "2024-05-01 11:00:00", "Cy", approved="0"),
            WpComment(104, "buy followers", "2024-05-01 12:00:00", "Spammer", "s@spam.example", approved="spam"),
            WpComment(105, "binned", "2024-05-01 13:00:00", "Dee", approved="trash"),
            WpComment(106, "Reply to a binned comment", "2024-05-01 14:00:00", "Eve", parent=105),
            WpComment(107, "[...] linked here [...]", "2024-05-01 15:00:00", "Other blog", kind="pingback"),
        ],
    ),
    WpPost(
        40,
        "https://news.example/product/umbrella/",
        "Umbrella",
        "product",
        comments=[
            WpComment(201, "Kept me dry.", "2024-05-03 09:00:00", "Fay", "fay@x.org", kind="review", rating=5),
            WpComment(202, "Flimsy handle.", "2024-05-04 09:00:00", "Gil", "gil@x.org", kind="review", rating=3),
            WpComment(203, "Changed my mind", "2024-05-05 09:00:00", "Fay", "FAY@x.org", kind="review", rating=1),
        ],
    ),
]


def test_a_wordpress_export_is_imported_with_comments_and_product_reviews(
    runner: FlaskCliRunner, api: Api, tmp_path: Path
) -> None:
    export = write(tmp_path / "wordpress.xml", wxr(WP_POSTS))
    output = run(runner, "import", "wordpress", str(export))
    assert "imported 7 entries into 2 articles (5 comments, 2 reviews; 5 approved, 1 pending, 1 spam)" in output
    for reason in ("pingback or trackback", "in the trash at the source", "a second review by one email address"):
        assert reason in output

    thread = api.thread("2024-05-council-vote")["items"]
    assert shape(thread) == [("Ann", ["Bo"]), "Eve"]
    assert thread[0]["body_html"] == "<p>Finally some <em>clarity</em>.</p><p>Second paragraph.</p>"
    reviews = api.get("/articles/product-umbrella/reviews")
    assert [(r["author"], r["rating"]) for r in reviews["items"]] == [("Gil", 3), ("Fay", 5)]
    assert reviews["summary"] == {"average": 4.0, "count": 2, "histogram": {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1}}
    assert api.counts("2024-05-council-vote")["comments"] == 3
    assert "imported 0 entries" in run(runner, "import", "wordpress", str(export))


@pytest.mark.slow  # installs Isso from PyPI (once per run)
def test_an_isso_database_made_by_isso_is_imported(
    runner: FlaskCliRunner, api: Api, tmp_path: Path, isso_python: Path
) -> None:
    database = tmp_path / "comments.db"
    spec = {
        "threads": [["/2024/05/storm-hits/", "Storm hits"], ["/about/", "About"]],
        "comments": [
            {
                "key": "a",
                "uri": "/2024/05/storm-hits/",
                "text": "First, *with* markdown\n\nand a second paragraph",
                "author": "Ann",
                "email": "ann@x.org",
                "mode": 1,
                "created": 1714554000.0,
            },
            {
                "key": "b",
                "uri": "/2024/05/storm-hits/",
                "text": "A reply",
                "author": "Bo",
                "mode": 1,
                "created": 1714557600.0,
                "parent": "a",
            },
            {
                "key": "c",
                "uri": "/2024/05/storm-hits/",
                "text": "Awaiting moderation",
                "author": None,
                "mode": 2,
                "created": 1714561200.0,
            },
            {
                "key": "d",
                "uri": "/2024/05/storm-hits/",
                "text": "Soon deleted",
                "author": "Cy",
                "mode": 1,
                "created": 1714564800.0,
            },
            {
                "key": "e",
                "uri": "/2024/05/storm-hits/",
                "text": "Answer to a deleted one",
                "author": "Dee",
                "mode": 1,
                "created": 1714568400.0,
                "parent": "d",
            },
            {
                "key": "f",
                "uri": "/about/",
                "text": "<script>x</script>Nice page",
                "author": "Eve",
                "mode": 1,
                "created": 1714572000.0,
            },
        ],
        "delete": ["d"],
    }
    made = subprocess.run(
        [str(isso_python), "-c", ISSO_FILL, str(database), json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr

    output = run(runner, "import", "isso", str(database))
    assert "imported 5 entries into 2 articles (5 comments; 4 approved, 1 pending)" in output
    assert "1  deleted at the source" in output
    thread = api.thread("2024-05-storm-hits")["items"]
    assert shape(thread) == [("Ann", ["Bo"]), "Dee"]
    assert thread[0]["created_at"] == "2024-05-01T09:00:00+00:00"
    assert thread[0]["body_html"] == "<p>First, <em>with</em> markdown</p><p>and a second paragraph</p>"
    assert [e["author"] for e in queue(api, "pending")] == ["Anonymous"]
    # Isso renders Markdown without raw HTML: what a reader typed stays visible, as text.
    assert (
        api.get("/articles/about/comments")["items"][0]["body_html"] == "<p>&lt;script&gt;x&lt;/script&gt;Nice page</p>"
    )
    assert api.counts("2024-05-storm-hits")["comments"] == 3
    assert "imported 0 entries" in run(runner, "import", "isso", str(database))


def test_malformed_input_is_refused_with_its_line_and_nothing_is_imported(
    runner: FlaskCliRunner, app: Flask, tmp_path: Path
) -> None:
    good = disqus_xml([STORM], DISQUS_POSTS[:3])
    lines = good.splitlines()
    broken_at = next(i for i, line in enumerate(lines, 1) if "Both of you" in line)
    lines[broken_at - 1] = lines[broken_at - 1].replace("</message>", "</mesage>")
    export = write(tmp_path / "broken.xml", "\n".join(lines))
    output = run(runner, "import", "disqus", str(export), expect=1)
    assert f"Disqus export, line {broken_at}, column" in output and "mismatched tag" in output
    assert "nothing of it was imported" in output
    assert len(output.strip().splitlines()) == 1  # one line: the cause, its line and column

    bomb = write(
        tmp_path / "bomb.xml",
        '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        '<disqus xmlns="http://disqus.com">&b;</disqus>',
    )
    assert "refused EntitiesForbidden" in run(runner, "import", "disqus", str(bomb), expect=1)

    odd = WpPost(5, "https://news.example/x/", comments=[WpComment(1, "hi", "2024-05-01 09:00:00", approved="maybe")])
    export = write(tmp_path / "odd.xml", wxr([WP_POSTS[0], odd]))
    assert "comment 1 has an unknown <wp:comment_approved> 'maybe'" in run(
        runner, "import", "wordpress", str(export), expect=1
    )

    jsonl = write(tmp_path / "broken.jsonl", '{"format": "comments-service/entries", "version": 1}\n\n{"origin": \n')
    assert "JSON Lines export, line 3: not JSON" in run(runner, "import", "jsonl", str(jsonl), expect=1)

    not_isso = write(tmp_path / "not-isso.db", "this is no database")
    assert "not an Isso database" in run(runner, "import", "isso", str(not_isso), expect=1)
    with app.app_context():
        assert stored_entries() == 0


def test_an_imported_body_is_held_to_the_live_submissions_limit(
    runner: FlaskCliRunner, api: Api, tmp_path: Path
) -> None:
    long = DisqusPost(9200, 7001, "<p>" + "word " * 2_001 + "</p>", "2024-05-01T09:00:00Z", "Long")  # 10,012 chars
    export = write(tmp_path / "long.xml", disqus_xml([STORM], [DISQUS_POSTS[1], long]))
    output = run(runner, "import", "disqus", str(export))
    assert "imported 1 entry into 1 article" in output
    assert "1  a body longer than the 10,000 characters a submission may have" in output
    assert [c["author"] for c in api.thread("2024-05-storm-hits")["items"]] == ["Bo"]
