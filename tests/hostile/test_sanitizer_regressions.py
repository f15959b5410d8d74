"""Bugs the property tests found in the text policy, each pinned by the smallest input
that showed it (service/domain/sanitizing.py)."""

from __future__ import annotations

import pytest

from service.domain.sanitizing import MAX_NESTING
from service.domain.sanitizing import plain_text
from service.domain.sanitizing import to_safe_html

from .safety import nesting
from .safety import violations
from .safety import visible_text


@pytest.mark.parametrize(
    "text",
    ["data:0.org", "DATA:0.ORG", "ftp://x.org/a", "feed:x.org", "ssh://x.org", "urn:x.org"],
)
def test_the_linkifier_makes_no_link_to_a_scheme_we_refuse(text: str) -> None:
    """bleach's linkifier knows ~20 schemes and its links skip the attribute filter:
    "data:0.org" became <a href="data:0.org">."""
    html = to_safe_html(text)
    assert violations(html) == [], html
    assert "href" not in html


def test_bare_http_links_and_mailto_are_still_linked() -> None:
    html = to_safe_html("see https://x.org/a, www.y.org and mailto:desk@x.org")
    assert html.count('rel="nofollow ugc noopener"') == 3


@pytest.mark.parametrize("href", ["https&colon;//x.org", "https:&sol;&sol;x.org", "http&colon;x.org"])
def test_a_link_is_judged_as_the_browser_will_read_it(href: str) -> None:
    """bleach escapes the "&" of character references it does not know (&colon;), so the
    browser reads a relative URL where our check had decoded https://: refused now."""
    html = to_safe_html(f'<a href="{href}">x</a>')
    assert html == "<p>x</p>"


def test_character_references_bleach_keeps_still_make_a_link() -> None:
    assert 'href="https&#58;//x.org"' in to_safe_html('<a href="https&#58;//x.org">x</a>')


@pytest.mark.parametrize(
    "text",
    ["<P", "<p", "<ul", "<A>0.ORG", "<a>www.x.org</a>", "<a href=javascript:x>www.x.org</a>", "<pre", "x <li"],
)
def test_sanitizing_the_output_again_changes_nothing(text: str) -> None:
    """ "<P" is text, not a paragraph, but was taken for block markup, so the second pass
    wrapped it; a link that lost its href kept the linkifier off its text until then."""
    once = to_safe_html(text)
    assert to_safe_html(once) == once


def test_a_link_whose_href_was_refused_is_plain_text_and_its_urls_are_linked() -> None:
    html = to_safe_html('<a href="javascript:alert(1)">www.x.org</a> and <a>text</a>')
    assert html == '<p><a href="http://www.x.org" rel="nofollow ugc noopener">www.x.org</a> and text</p>'


def test_a_name_is_composed_again_once_invisible_characters_are_gone() -> None:
    """ "e", a zero-width space, then a combining acute: removing the space left "e\u0301"
    in a name that should be NFC ("é")."""
    assert plain_text("Ren\u200be\u0301e") == "Ren\u00e9e"


@pytest.mark.parametrize(
    ("open_", "close"),
    [
        ("<blockquote>", "</blockquote>"),
        ("<ul><li>", "</li></ul>"),
        ("<ol><li>", "</li></ol>"),
        ("<blockquote><ul><li>", "</li></ul></blockquote>"),
    ],
)
def test_hundreds_of_nested_blocks_are_cut_to_a_few_levels_and_keep_their_text(open_: str, close: str) -> None:
    """300 nested blockquotes (or lists) indented the widget 40 px a level, 4,849 px wide:
    beyond MAX_NESTING levels the wrappers go, their text stays."""
    text = "".join(f"{open_}level{i} " for i in range(300)) + "bottom" + close * 300
    html = to_safe_html(text)
    assert nesting(html) == MAX_NESTING
    assert visible_text(html).split() == [f"level{i}" for i in range(300)] + ["bottom"]
    assert to_safe_html(html) == html
    assert violations(html) == []


def test_blocks_within_the_limit_are_untouched() -> None:
    text = "<blockquote><p>a</p><ul><li>b<ol><li>c<blockquote>d</blockquote></li></ol></li><li>e</li></ul></blockquote>"
    assert nesting(text) == MAX_NESTING
    assert to_safe_html(text) == text


def test_items_and_quotes_past_the_limit_stay_apart() -> None:
    """Unwrapped list items and quotes are not run together: each ends its line."""
    deep = "<ul><li>" * MAX_NESTING
    html = to_safe_html(f"{deep}top<ul><li>one</li><li>two</li></ul>mid<blockquote>three</blockquote>end")
    assert visible_text(html).split() == ["top", "one", "two", "mid", "three", "end"]
    assert "one<br>two<br>mid<br>three<br>end" in html
    assert nesting(html) == MAX_NESTING and to_safe_html(html) == html


@pytest.mark.parametrize("text", ["<pre>\n\nx</pre>", "<pre>\n\n\nx</pre>", "<pre><span>\n</span>\nx</pre>"])
def test_a_pre_that_begins_with_a_newline_keeps_it(text: str) -> None:
    """The parser drops the newline right after <pre>, so a pre whose text begins with one
    must be written with another: "<pre>\\n\\nx" came out as "<pre>\\nx", then "<pre>x"."""
    once = to_safe_html(text)
    assert to_safe_html(once) == once
    assert once.startswith("<pre>\n\n")
