"""The importers on real export files from public repositories (see data/SOURCES.md), each
checked against counts computed here with a plain parse of the file, independently of the
importer; and on Isso databases made by Isso itself."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy import update

from service.domain import sanitizing
from service.extensions import db
from service.persistence.models import Entry
from service.persistence.models import ImportedOrigin
from tests.helpers import Api
from tests.helpers import stored_entries

from .samples import ISSO_API

pytestmark = pytest.mark.usefixtures("own_tables")

DATA = Path(__file__).parent / "data"
WPCOM = DATA / "wordpress-theme-unit-test-data.xml.gz"
DISQUS = DATA / "disqus-isso-testdata.xml"
COMMENTO = DATA / "commento-remark42-testdata.json"
REMARK42 = DATA / "remark42-native-test-backup.jsonl"
EMPTY_WXR = DATA / "wordpress-importer-wxr-simple.xml"
COMENTARIO = DATA / "comentario-ok-single-v3.json.gz"
EMPTY_COMENTARIO = DATA / "comentario-ok-empty-v3.json.gz"


def run(runner: FlaskCliRunner, *args: str, expect: int = 0) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == expect, result.output
    return result.output


def entries(app: Flask) -> list[Entry]:
    with app.app_context():
        found = list(db.session.scalars(select(Entry).order_by(Entry.id)))
        db.session.expunge_all()
        return found


def test_a_wordpress_com_export_is_imported_under_the_blogs_own_url(
    runner: FlaskCliRunner, app: Flask, api: Api
) -> None:
    # Counted independently: a plain parse of the whole file.
    root = ET.fromstring(gzip.decompress(WPCOM.read_bytes()))
    wp = "{https://wordpress.org/export/1.2/}"
    assert root.find("channel/" + wp + "base_site_url") is not None  # the https namespace
    comments = root.findall(f"channel/item/{wp}comment")
    kinds = Counter((c.findtext(wp + "comment_type") or "").strip() or "comment" for c in comments)
    real = [c for c in comments if ((c.findtext(wp + "comment_type") or "").strip() or "comment") == "comment"]
    statuses = Counter((c.findtext(wp + "comment_approved") or "").strip() for c in real)
    pages = {c.findtext(wp + "comment_id") for c in real}
    assert len(comments) == 33 and kinds["pingback"] + kinds["trackback"] == 4

    output = run(runner, "import", "wordpress", str(WPCOM))
    assert f"imported {len(real)} entries" in output, output
    assert f"{statuses['1']} approved, {statuses['0']} pending" in output
    assert f"{kinds['pingback'] + kinds['trackback']}  pingback or trackback" in output
    stored = entries(app)
    assert len(stored) == len(real) == len(pages)
    # The blog's own URL names the source, not WordPress.com's shared base_site_url.
    assert {str(e.origin).rsplit(":", 1)[0] for e in stored} == {"wordpress:wpthemetestdata.wordpress.com"}

    # Block elements keep the text's structure: no words run together, paragraphs kept.
    tags = next(e for e in stored if str(e.origin).endswith(":881"))
    assert "United States</p><p><strong>Anchor Tag (aka. Link)</strong></p>" in tags.body_html
    shown = re.sub(
        r"<[^>]+>", "", re.sub(r"</?(p|li|blockquote|pre)>|<br>", "\n", tags.body_html)
    )  # as a browser breaks
    assert "United StatesAnchor" not in shown and "United States\n" in shown
    assert tags.body_html.count("<p>") > 20
    again = run(runner, "import", "wordpress", str(WPCOM))
    assert "imported 0 entries" in again and f"{len(real)}  already imported" in again


def test_a_disqus_post_whose_thread_is_not_in_the_file_is_skipped_and_counted(
    runner: FlaskCliRunner, app: Flask
) -> None:
    root = ET.parse(DISQUS).getroot()
    n, dsq = "{http://disqus.com}", "{http://disqus.com/disqus-internals}"
    threads = {t.get(dsq + "id") for t in root.findall(n + "thread")}
    posts = root.findall(n + "post")
    orphans = [p for p in posts if p.find(n + "thread").get(dsq + "id") not in threads]  # type: ignore[union-attr]
    assert len(orphans) == 1

    kept = [p for p in posts if p not in orphans and p.findtext(n + "isDeleted") != "true"]
    pages = {p.find(n + "thread").get(dsq + "id") for p in kept}  # type: ignore[union-attr]

    output = run(runner, "import", "disqus", str(DISQUS))
    assert f"imported {len(kept)} entries into {len(pages)} articles" in output, output
    assert f"{len(orphans)}  its thread is not in the file" in output
    stored = entries(app)
    assert sorted(e.author for e in stored) == sorted(p.findtext(f"{n}author/{n}name") or "" for p in kept)
    forum = {t.get(dsq + "id"): t.findtext(n + "forum") for t in root.findall(n + "thread")}
    assert {e.origin for e in stored} == {
        f"disqus:{forum[p.find(n + 'thread').get(dsq + 'id')]}:{p.get(dsq + 'id')}"  # type: ignore[union-attr]
        for p in kept
    }


def test_a_file_given_to_the_wrong_importer_is_refused_in_one_line(runner: FlaskCliRunner, app: Flask) -> None:
    refused = run(runner, "import", "disqus", str(WPCOM), expect=1)
    assert refused.strip().splitlines() == [
        "Error: Disqus export: this is a WordPress export (WXR), not a Disqus export; use `import wordpress`"
        " - nothing of it was imported"
    ]
    assert "use `import disqus`" in run(runner, "import", "wordpress", str(DISQUS), expect=1)
    assert "use `import commento`" in run(runner, "import", "remark42", str(COMMENTO), expect=1)
    assert "use `import remark42`" in run(runner, "import", "commento", str(REMARK42), expect=1)
    assert "use `import disqus`" in run(runner, "import", "isso", str(DISQUS), expect=1)
    with app.app_context():
        assert stored_entries() == 0
    # An export that really has no comments says so, and it is no error.
    assert ET.parse(EMPTY_WXR).getroot().find(".//{http://wordpress.org/export/1.2/}comment") is None
    assert run(runner, "import", "wordpress", str(EMPTY_WXR)).strip() == (
        "WordPress export: it holds no comments; nothing to import"
    )


def test_a_remark42_backup_is_imported(runner: FlaskCliRunner, app: Flask, api: Api) -> None:
    lines = [json.loads(line) for line in REMARK42.read_text().splitlines() if line.strip()]
    header, comments = lines[0], lines[1:]
    blocked = {u["id"] for u in header["users"] if u["blocked"]["status"]}
    output = run(runner, "import", "remark42", str(REMARK42))
    hidden = sum(1 for c in comments if c["user"]["id"] in blocked)
    assert f"imported {len(comments)} entries into 2 articles" in output, output
    assert f"{len(comments) - hidden} approved, {hidden} rejected" in output
    home = api.thread("home")["items"]
    assert [(c["author"], c["created_at"]) for c in home] == [("user name", "2017-12-20T21:18:22+00:00")]
    assert home[0]["body_html"] == '<p>some text, <a href="http://radio-t.com" rel="nofollow ugc noopener">link</a></p>'
    assert {e.origin for e in entries(app)} == {f"remark42:radio-t:{c['id']}" for c in comments}
    assert "imported 0 entries" in run(runner, "import", "remark42", str(REMARK42))


def test_a_commento_export_is_imported(runner: FlaskCliRunner, app: Flask, api: Api) -> None:
    document = json.loads(COMMENTO.read_text())
    names = {c["commenterHex"]: c["name"] for c in document["commenters"]}
    comments = document["comments"]
    urls = {c["url"] for c in comments}
    output = run(runner, "import", "commento", str(COMMENTO))
    assert f"imported {len(comments)} entries into {len(urls)} articles" in output, output
    for url in urls:
        thread = api.thread(url.strip("/").replace("/", "-"))["items"]
        here = [c for c in comments if c["url"] == url]
        assert [(c["author"], [r["author"] for r in c["replies"]]) for c in thread] == [
            (
                names.get(c["commenterHex"], "Anonymous"),
                [names[r["commenterHex"]] for r in here if r["parentHex"] == c["commentHex"]],
            )
            for c in sorted(here, key=lambda c: c["creationDate"])
            if c["parentHex"] == "root"
        ]
        assert [c["body_html"] for c in thread] == [
            f"<p>{c['markdown']}</p>" for c in sorted(here, key=lambda c: c["creationDate"]) if c["parentHex"] == "root"
        ]
        assert "@" not in json.dumps(thread)
    assert "imported 0 entries" in run(runner, "import", "commento", str(COMMENTO))


def test_a_comentario_v3_export_is_imported(runner: FlaskCliRunner, app: Flask, api: Api) -> None:
    document = json.loads(gzip.decompress(COMENTARIO.read_bytes()))
    assert document["version"] == 3
    pages = {p["id"]: p for p in document["pages"]}
    names = {c["id"]: c["name"] for c in document["commenters"]}
    kept = [c for c in document["comments"] if not c["isDeleted"]]
    approved = [c for c in kept if c["isApproved"]]
    output = run(runner, "import", "commento", str(COMENTARIO))
    articles = len({c["pageId"] for c in kept})
    assert f"imported {len(kept)} {'entry' if len(kept) == 1 else 'entries'} into {articles} article" in output, output
    assert f"; {len(approved)} approved)" in output, output
    thread = api.thread("home")["items"]  # the page's path is "/"
    roots = [c for c in approved if not c.get("parentId")]
    assert [(c["author"], c["body_html"], c["created_at"], c["replies"]) for c in thread] == [
        (names[c["userCreated"]], f"<p>{c['markdown']}</p>", c["createdTime"].replace(".000Z", "+00:00"), [])
        for c in roots
    ]
    assert "@" not in json.dumps(thread)
    assert {e.origin for e in entries(app)} == {f"comentario:{pages[c['pageId']]['domainId']}:{c['id']}" for c in kept}
    assert "imported 0 entries" in run(runner, "import", "commento", str(COMENTARIO))
    assert len(entries(app)) == len(kept)


def test_comentario_statuses_and_threads_on_a_variant_of_the_real_export(
    runner: FlaskCliRunner, app: Flask, api: Api, tmp_path: Path
) -> None:
    # Comentario's fixtures hold no reply and no unapproved comment: its one comment, copied
    # with Comentario's own fields changed, makes a reply, a pending, a rejected and a deleted one.
    document = json.loads(gzip.decompress(COMENTARIO.read_bytes()))
    (real,) = document["comments"]
    variants = {
        "reply": {"parentId": real["id"], "markdown": "a *reply*"},
        "pending": {"isApproved": False, "isPending": True},
        "rejected": {"isApproved": False, "isPending": False},
        "deleted": {"isDeleted": True, "markdown": ""},
    }
    document["comments"] += [real | {"id": f"{name}-{real['id'][len(name) + 1 :]}"} | v for name, v in variants.items()]
    variant = tmp_path / "comentario-variant.json"
    variant.write_text(json.dumps(document))
    output = run(runner, "import", "commento", str(variant))
    assert "imported 4 entries into 1 article " in output, output
    assert "2 approved, 1 pending, 1 rejected" in output, output
    assert "1  deleted at the source" in output, output
    (top,) = api.thread("home")["items"]
    assert [(r["author"], r["body_html"]) for r in top["replies"]] == [("Bugs Bunny", "<p>a <em>reply</em></p>")]
    assert "imported 0 entries" in run(runner, "import", "commento", str(variant))


def test_a_comentario_export_elsewhere_is_refused_and_an_empty_one_says_so(runner: FlaskCliRunner, app: Flask) -> None:
    refused = run(runner, "import", "remark42", str(COMENTARIO), expect=1)
    assert refused.strip().splitlines() == [
        "Error: Remark42 backup: this is a Commento or Comentario export, not a Remark42 backup;"
        " use `import commento` - nothing of it was imported"
    ]
    with app.app_context():
        assert stored_entries() == 0
    assert json.loads(gzip.decompress(EMPTY_COMENTARIO.read_bytes())) == {"version": 3}
    assert run(runner, "import", "commento", str(EMPTY_COMENTARIO)).strip() == (
        "Commento export: it holds no comments; nothing to import"
    )


def _isso(isso_python: Path, path: Path, comments: list[dict[str, Any]]) -> dict[str, Any]:
    made = subprocess.run(
        [str(isso_python), "-c", ISSO_API, str(path), json.dumps({"comments": comments})],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    return json.loads(made.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_isso_databases_keep_names_markdown_and_every_entry_of_two_sources(
    runner: FlaskCliRunner, app: Flask, api: Api, tmp_path: Path, isso_python: Path
) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    a = _isso(
        isso_python,
        first,
        [
            {
                "key": "m",
                "uri": "/2024/05/storm/",
                "text": "Hi *there*\n\n<script>alert(1)</script>",
                "author": "<b>Mallory</b>",
            },
            {
                "key": "r",
                "uri": "/2024/05/storm/",
                "text": "A [link](https://river.example/)",
                "author": "Bo & Co",
                "parent": "m",
            },
        ],
    )
    b = _isso(
        isso_python,
        second,
        [
            {"key": "x", "uri": "/2024/05/storm/", "text": "Another site's first comment", "author": "Cy"},
            {"key": "y", "uri": "/about/", "text": "~~struck~~ and **bold**", "author": "Dee"},
        ],
    )
    assert a["ids"]["m"] == b["ids"]["x"] == 1  # every Isso database numbers from 1

    assert "imported 2 entries" in run(runner, "import", "isso", str(first))
    assert "imported 2 entries" in run(runner, "import", "isso", str(second))
    stored = entries(app)
    assert len(stored) == 4  # two sources into one database keep every entry
    storm = api.thread("2024-05-storm")["items"]
    assert [(c["author"], [r["author"] for r in c["replies"]]) for c in storm] == [
        ("<b>Mallory</b>", ["Bo & Co"]),  # unescaped: plain text here, shown as typed
        ("Cy", []),
    ]
    # Rendered as Isso renders it (compared with what Isso itself answered), then sanitized.
    for item, key, made in ((storm[0], "m", a), (storm[0]["replies"][0], "r", a), (storm[1], "x", b)):
        expected = sanitizing.to_safe_html(made["html"][key]).replace(">\n<", "><")
        assert item["body_html"] == expected
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in storm[0]["body_html"]
    assert "imported 0 entries" in run(runner, "import", "isso", str(first))
    assert "imported 0 entries" in run(runner, "import", "isso", str(second))

    # A deployment that imported the first database before origins named their database
    # (as "isso:<id>"): re-importing it after the upgrade brings nothing twice.
    with app.app_context():
        for entry in stored[:2]:
            old = "isso:" + str(entry.origin).rsplit(":", 1)[1]
            db.session.execute(update(Entry).where(Entry.id == entry.id).values(origin=old))
            db.session.execute(update(ImportedOrigin).where(ImportedOrigin.origin == entry.origin).values(origin=old))
        db.session.commit()
    again = run(runner, "import", "isso", str(first))
    assert "imported 0 entries" in again and "2  already imported" in again
    assert len(entries(app)) == 4
