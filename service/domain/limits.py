"""Sizes of what readers send, in characters: the API refuses more (422), imports cut
to them, and the database columns hold exactly them. (The widget's form repeats them in
``widget/static/embed.js``.)"""

from __future__ import annotations

AUTHOR = 80
TITLE = 120
BODY = 10_000
EMAIL = 254
MODERATOR = 80  # a moderator's name (COMMENTS_ADMIN_TOKENS) and the audit log's column
PAGE_URL = 500  # the canonical URL of the page a submission came from
PAGE_TITLE = 200  # that page's title
