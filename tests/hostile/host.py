"""A news site on its own loopback origin that shows what the service serves, the way the
widget does: ``body_html`` through ``innerHTML``, ``author`` and ``title`` as text. No CSP
and no Trusted Types: the sanitized output alone must be safe on a careless site.

Three pages: ``/harness`` renders the public API itself (the widget's rules, in a few
lines); ``/widget`` embeds the real ``/embed.js``; ``/fragment`` includes the service's
server-rendered ``comments.html`` in the page's own HTML, as a server-side include does.
Each shows the articles ``article`` lists (comma-separated), one after the other, as a
site's front page with several threads would, and hooks ``alert``/``confirm``/``prompt``/
``print`` before any other script runs, so a payload that runs leaves ``window.__pwned``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import requests

CANARY = """<script>
window.__pwned = 0; window.__calls = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = function (...args) { window.__pwned += 1; window.__calls.push(name + ":" + args.join(",")); };
}
</script>"""

HARNESS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>harness</title>%(canary)s</head>
<body><main id="out"></main>
<script>
(async () => {
  const q = new URLSearchParams(location.search);
  const kind = q.get("kind");
  function render(item, parent) {
    const el = document.createElement("article");
    el.dataset.id = item.id;
    const who = document.createElement("span");
    who.className = "who"; who.textContent = item.author; el.append(who);
    if (item.title) { const t = document.createElement("h3"); t.textContent = item.title; el.append(t); }
    const body = document.createElement("div");
    body.className = "body"; body.innerHTML = item.body_html; el.append(body);
    for (const reply of item.replies || []) render(reply, el);
    parent.append(el);
  }
  let rendered = 0;
  for (const article of q.get("article").split(",")) {
    const r = await fetch(q.get("api") + "/api/v1/articles/" + article + "/" + kind + "?limit=200");
    const data = await r.json();
    const section = document.createElement("section");
    data.items.forEach((item) => render(item, section));
    document.getElementById("out").append(section);
    rendered += data.items.length;
  }
  window.__rendered = rendered;
})();
</script></body></html>"""

# A server-side include: the site fetched the service's HTML fragment and put it in its
# page as it is, so the page's own parser reads it (scripts in it would run).
FRAGMENT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fragment</title>%(canary)s</head>
<body><main>%(fragment)s</main></body></html>"""

WIDGET = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>widget</title>%(canary)s</head>
<body>%(widgets)s
<script src="%(api)s/embed.js" async></script></body></html>"""


@dataclass(frozen=True)
class HostSite:
    origin: str

    def page(self, renderer: str, api: str, articles: Sequence[str], kind: str) -> str:
        return f"{self.origin}/{renderer}?api={api}&article={','.join(articles)}&kind={kind}"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        articles = query.get("article", "").split(",")
        values = {"canary": CANARY, "api": escape(query.get("api", ""))}
        if url.path == "/harness":
            body = HARNESS % values
        elif url.path == "/widget":
            widgets = "".join(f'<div data-comments-for="{escape(article)}"></div>' for article in articles)
            body = WIDGET % {**values, "widgets": widgets}
        elif url.path == "/fragment" and query.get("api", "").startswith("http://127.0.0.1:"):
            fragments = []
            for article in articles:
                included = requests.get(
                    f"{query['api']}/api/v1/articles/{article}/comments.html", params={"limit": 200}, timeout=30
                )
                fragments.append(included.text if included.status_code == 200 else "")
            body = FRAGMENT % {**values, "fragment": "\n".join(fragments)}
        else:
            self.send_error(404)
            return
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def host_site() -> Iterator[HostSite]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield HostSite(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
