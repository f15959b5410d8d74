"""What the browser tests share: a host site on another origin, the service's API through
plain HTTP, and the checks every page must pass (no script ran that should not)."""

from __future__ import annotations

import html
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Page
from playwright.sync_api import expect

from ..helpers import ADMIN_TOKENS
from ..servers import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "browser"
TOKEN = ADMIN_TOKENS["alice"]
ADMIN = {"Authorization": f"Bearer {TOKEN}"}

# Runs before any page script, in every frame, and is not subject to the page's CSP: records
# dialogs, CSP violations and uncaught errors where the tests can read them.
WATCH = """
window.__alerts = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (message) => { window.__alerts.push(String(message)); };
}
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""

# The deepest focused element, through shadow roots.
ACTIVE = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el ? {tag: el.tagName.toLowerCase(), name: el.getAttribute("name"), type: el.getAttribute("type"),
               text: (el.textContent || "").trim(), outline: getComputedStyle(el).outlineStyle} : null;
}"""


def article_id() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def shot(page: Page, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def host_csp(service: str) -> str:
    """What a careful news site sends: only the service may run scripts or be fetched."""
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src {service}",
            f"connect-src {service}",
            "style-src 'self'",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "require-trusted-types-for 'script'",
            "trusted-types comments-widget",
        )
    )


# A host stylesheet that tries hard to break whatever it can reach.
HOSTILE_CSS = """
* { color: #f0f !important; font-family: "Comic Sans MS", cursive !important; letter-spacing: 3px; }
div, form, input, textarea, button, label { display: inline !important; padding: 40px !important; }
button { visibility: hidden !important; }
[data-comments-for] {
  --comments-accent: #0a7d3b; --comments-accent-dark: #3ddc84;
  font-size: 30px; line-height: 4; text-transform: uppercase;
}
"""


@dataclass
class HostSite:
    """A tiny static site on its own origin, standing in for a newspaper's pages."""

    origin: str
    pages: dict[str, tuple[bytes, dict[str, str]]] = field(default_factory=dict)

    def put(self, path: str, body: str, content_type: str = "text/html", csp: str | None = None) -> str:
        headers = {"Content-Type": f"{content_type}; charset=utf-8", "Cache-Control": "no-store"}
        if csp:
            headers["Content-Security-Policy"] = csp
        self.pages[path] = (body.encode("utf-8"), headers)
        return self.origin + path

    def article(
        self,
        service: str,
        article: str,
        badges: tuple[str, ...] = (),
        head: str = "",
        attrs: str = "",
        csp: bool = True,
        widget: bool = True,
    ) -> str:
        """The embed snippet of API.md on a page of this site; returns its URL."""
        links = "".join(f'<li><a href="#" data-comments-count="{html.escape(b)}">Comments</a></li>' for b in badges)
        body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host article</title>
<link rel="icon" href="data:,">{head}</head>
<body><h1>A story on another site</h1><ul>{links}</ul>
{f'<div data-comments-for="{html.escape(article)}"{attrs}></div>' if widget else ""}
<script src="{service}/embed.js" async></script>
</body></html>"""
        return self.put(f"/{uuid.uuid4().hex[:8]}.html", body, csp=host_csp(service) if csp else None)


@contextmanager
def host_site() -> Iterator[HostSite]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    site = HostSite(f"http://127.0.0.1:{server.server_address[1]}")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's name)
            found = site.pages.get(self.path.split("?")[0])
            if found is None:
                self.send_error(404)
                return
            body, headers = found
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class Service:
    """The service's API over real HTTP, to arrange data and check outcomes."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def _post(self, path: str, body: Any, headers: dict[str, str] | None = None, expect: int = 202) -> Any:
        response = self.http.post(f"{self.base}/api/v1{path}", json=body, headers=headers, timeout=10)
        assert response.status_code == expect, response.text
        return response.json()

    def comment(self, article: str, **fields: Any) -> int:
        body = {"author": "Ann", "body": f"A comment ({uuid.uuid4().hex[:6]}).", **fields}
        return int(self._post(f"/articles/{article}/comments", body)["id"])

    def review(self, article: str, **fields: Any) -> int:
        body = {"author": "Rae", "body": f"A review ({uuid.uuid4().hex[:6]}).", "rating": 4, **fields}
        return int(self._post(f"/articles/{article}/reviews", body)["id"])

    def approve(self, *ids: int) -> None:
        results = self._post("/admin/entries/bulk", {"action": "approve", "ids": list(ids)}, ADMIN, 200)["results"]
        assert all(r.get("status") == "approved" for r in results), results

    def entry(self, entry_id: int) -> dict[str, Any]:
        response = self.http.get(f"{self.base}/api/v1/admin/entries/{entry_id}", headers=ADMIN, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def queue(self, article: str, status: str = "pending") -> list[dict[str, Any]]:
        params: dict[str, str | int] = {"article_id": article, "status": status, "limit": 200}
        response = self.http.get(f"{self.base}/api/v1/admin/queue", params=params, headers=ADMIN, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["items"]  # type: ignore[no-any-return]


def sign_in(page: Page, service: str, token: str = TOKEN) -> None:
    """Open the moderation page and sign in, as a moderator would: type, Enter, wait."""
    page.goto(f"{service}/admin/")
    expect(page.get_by_label("Moderator token")).to_be_focused()
    page.keyboard.type(token)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def show_article(page: Page, article: str) -> None:
    """Filter the queue by article with the keyboard; waits for the queue to load."""
    page.keyboard.press("/")
    page.keyboard.type(article)
    page.keyboard.press("Enter")
    expect(page.locator("#queue")).not_to_have_attribute("aria-busy", "true")


def assert_clean(page: Page) -> None:
    """No dialog opened, no CSP violation, on the page and in its frames."""
    alerts = page.evaluate("window.__alerts")
    violations = page.evaluate("window.__violations")
    assert alerts == [], f"a script opened a dialog: {alerts}"
    assert violations == [], f"CSP violations: {violations}"


# axe-core from npm (tests/browser/package.json, installed by `make .venv/.test-installed`).
AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every axe-core violation on the page as it is now, shadow roots included."""
    assert AXE_JS.exists(), "axe-core is missing: npm ci --prefix tests/browser"
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text("utf-8"))
    return page.evaluate(AXE_RUN)  # type: ignore[no-any-return]


def scroll_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))
