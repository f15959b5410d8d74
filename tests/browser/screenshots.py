"""Refresh the README's screenshots (docs/widget.png, docs/moderation.png) from a real
gunicorn on a fresh SQLite database: `.venv/bin/python -m tests.browser.screenshots`.
Not a test; uses the same servers and Chromium as the browser tests."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from ..servers import ROOT
from ..servers import gunicorn
from ..servers import server_env
from .conftest import migrated_sqlite
from .support import Service
from .support import sign_in

STORY = "demo-2"  # "Flood defences hold as the river peaks a metre above normal"
THREAD = [
    (
        "Mbali Khumalo",
        "I live two streets from the embankment. The new barriers went up on Monday and the water "
        "stopped a hand's width below the top. First dry cellar in <b>four</b> winters.",
        None,
    ),
    ("Jonas Weber", "Good to hear. Does anyone know whether the footpath along the river reopens this weekend?", None),
    (
        "Ines Duarte",
        "The council's page says Saturday morning, once the silt is cleared: https://example.org/council/flood-updates",
        1,
    ),
    ("Priya Raman", "Credit to the volunteers who filled sandbags all night. <i>Thank you.</i>", None),
]
QUEUE = [
    ("Tom Okafor", "The barrier at the old mill leaked again. Nobody reported that part.", None),
    ("Sam Rivers", "Good to see the barriers <b>held</b>. Thanks for the coverage.", None),
    (
        "Lena Berg",
        "<blockquote>Residents were told to stay alert</blockquote>We were never told anything on "
        "Mill Lane. Who decides which streets get the text alerts?",
        0,
    ),
]


def reply_to(ids: list[int], parent: int | None) -> dict[str, int]:
    return {} if parent is None else {"parent_id": ids[parent]}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = migrated_sqlite(Path(tmp) / "shots.db")
        with gunicorn(server_env(url), workers=1) as base:
            service = Service(base)
            ids: list[int] = []
            for author, body, parent in THREAD:
                entry = service.comment(STORY, author=author, body=body, **reply_to(ids, parent))
                service.approve(entry)
                ids.append(entry)
            for author, rating, title, body in (
                ("Ruth Adler", 5, "Clear and calm", "Exactly what we needed to know overnight."),
                ("Karim Haddad", 4, "Useful map", "The flood map helped; the times could be clearer."),
            ):
                service.approve(service.review(STORY, author=author, rating=rating, title=title, body=body))
            for author, body, parent in QUEUE:
                service.comment(STORY, author=author, body=body, **reply_to(ids, parent))
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=shutil.which("chromium"))
                page = browser.new_page(viewport={"width": 680, "height": 1200}, device_scale_factor=1)
                page.goto(f"{base}/demo/articles/{STORY}")
                widget = page.locator(f'[data-comments-for="{STORY}"]')
                widget.locator(".thread li.c").first.wait_for()
                form = widget.get_by_role("form", name="Comments")
                form.get_by_label("Name").fill("Ada Nkemelu")
                form.get_by_label("Comment", exact=True).fill("Will the ferry run again before the bridge opens?")
                form.get_by_role("button", name="Post comment").click()
                widget.locator(".pending").wait_for()
                top = widget.evaluate("el => el.getBoundingClientRect().top + window.scrollY")
                page.screenshot(
                    path=str(ROOT / "docs" / "widget.png"),
                    full_page=True,
                    clip={"x": 0, "y": top - 16, "width": 680, "height": 1150},
                )

                admin = browser.new_page(viewport={"width": 1200, "height": 860})
                sign_in(admin, base)
                admin.locator(".item").first.wait_for()
                admin.keyboard.press("x")
                admin.keyboard.press("j")
                admin.keyboard.press("x")
                admin.screenshot(path=str(ROOT / "docs" / "moderation.png"))
                browser.close()


if __name__ == "__main__":
    main()
