"""Property-based proof of the text policy (service/domain/sanitizing.py): for any input,
what we serve parses, as a browser parses it, into allowlisted markup only."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import strategies as st

from service.domain.sanitizing import MAX_NESTING
from service.domain.sanitizing import normalize
from service.domain.sanitizing import plain_text
from service.domain.sanitizing import to_safe_html

from .budget import examples
from .safety import href_scheme
from .safety import nesting
from .safety import violations
from .safety import visible_text

pytestmark = pytest.mark.slow  # among the slowest: `make test` prints them (--durations)

PROPERTY = examples(300)

TAGS = [
    "p", "br", "b", "strong", "i", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "script", "style", "img", "svg", "math", "iframe", "object", "embed", "form", "input", "button",
    "textarea", "title", "noscript", "template", "table", "select", "option", "xmp", "noembed",
    "noframes", "plaintext", "listing", "mglyph", "mtext", "foreignObject", "desc", "animate", "set",
    "use", "image", "base", "meta", "link", "details", "video", "audio", "source", "body", "html",
    "frameset", "isindex", "marquee", "keygen", "annotation-xml", "div", "span", "x",
]  # fmt: skip
ATTRIBUTES = [
    "href", "title", "rel", "style", "onclick", "onerror", "onload", "onmouseover", "ONFOCUS", "src",
    "srcdoc", "action", "formaction", "xlink:href", "xmlns", "data", "background", "dynsrc", "lowsrc",
    "target", "class", "id", "autofocus", "open", "ontoggle", "attributeName", "values", "to", "from",
    "begin", "poster", "is", "encoding",
]  # fmt: skip
SCHEMES = [
    "javascript:", "JaVaScRiPt:", "java\tscript:", "java&#x09;script:", "java&#9;script:", "&#106;avascript:",
    "&#x6A;avascript:", "javascript&colon;", "jav&#x0A;ascript:", " \x01javascript:", "\x00javascript:",
    "vbscript:", "data:", "data:text/html;base64,", "livescript:", "feed:", "file:", "ftp:", "mhtml:",
    "http:", "https:", "mailto:", "HTTPS:", "//", "/", "./", "?", "#", "", "http&#58;", "https&colon;",
    "&Tab;javascript:", "javascript&#58;", "javascript&#0000058", "javascript&#x3a", "\u2028javascript:",
]  # fmt: skip
FRAGMENTS = [
    "<", ">", "</", "/>", "=", '"', "'", "`", "&", "&amp;", "&lt;", "&gt;", "&quot;", "&#", "&#x", ";",
    "<!--", "-->", "--!>", "<!", "<![CDATA[", "]]>", "<?", "?>", " ", "\n", "\n\n", "\t", "\r", "\x00",
    "\x0b", "\x0c", "\u0000", "\ufeff", "\u202e", "alert(1)", "www.", "example.com", ".com/", "@",
    "http://", "https://x.org/", "mailto:a@b.c", "\\", "/*", "*/", "{", "}", "(", ")", "\u00a0",
]  # fmt: skip

urls = st.builds(
    lambda s, rest: s + rest, st.sampled_from(SCHEMES), st.sampled_from(["alert(1)", "x.org/a", "", "//x"])
)


@st.composite
def attribute(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(ATTRIBUTES))
    value = draw(st.one_of(urls, st.sampled_from(FRAGMENTS), st.text(max_size=8)))
    quote = draw(st.sampled_from(['"', "'", "", "`"]))
    return f" {name}={quote}{value}{quote}"


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    if draw(st.booleans()):
        tag = tag.upper() if draw(st.booleans()) else tag.title()
    attrs = "".join(draw(st.lists(attribute(), max_size=3)))
    children = draw(st.lists(markup(depth + 1), max_size=3)) if depth < 3 else []
    close = draw(st.sampled_from([f"</{tag}>", "", "</p>", f"</{tag}"]))
    slash = draw(st.sampled_from(["", "/", " /"]))
    return f"<{tag}{attrs}{slash}>{''.join(children)}{close}"


def markup(depth: int = 0) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=6),
        st.sampled_from(FRAGMENTS),
        urls,
        element(depth),
    )


hostile = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(TAGS), urls, st.text(max_size=4)), max_size=40).map(
        "".join
    ),
    st.lists(markup(), min_size=1, max_size=6).map("".join),
)


@PROPERTY
@given(hostile)
@example('<a href="java&#x09;script:alert(1)">x</a>')
@example('<a href="&#x6A;avascript:alert(1)">x</a>')
@example("<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>")
@example('<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">')
@example('<noscript><p title="</noscript><img src=x onerror=alert(1)>">')
@example("<a href=https://x.org onclick=alert(1) style=x>y</a>")
def test_output_is_only_allowlisted_markup(text: str) -> None:
    html = to_safe_html(text)
    assert violations(html) == [], html


@PROPERTY
@given(hostile)
def test_output_stays_safe_when_a_browser_serializes_and_reparses_it(text: str) -> None:
    """Mutation XSS: innerHTML read back and written again must not turn into markup."""
    import html5lib

    from .safety import parse_fragment

    reserialized = html5lib.serialize(parse_fragment(to_safe_html(text)), tree="etree")
    assert violations(reserialized) == [], reserialized


@PROPERTY
@given(hostile)
@example("<p>a</p>\n\n<b>b")
@example("www.example.com www.example.com")
@example("<pre>a\n\nb</pre>")
def test_sanitizing_twice_equals_sanitizing_once(text: str) -> None:
    once = to_safe_html(text)
    assert to_safe_html(once) == once


plain = st.text(st.characters(blacklist_characters="<&"))


@PROPERTY
@given(plain)
@example("a > b, see www.example.com/x?y=1 or mail a@b.c")
@example("one\ntwo\n\n\nthree")
@example("e\u0301 \U0001f600 \u05d0\u05d1 \u202ereversed")
def test_visible_text_of_plain_input_is_preserved(text: str) -> None:
    assert visible_text(to_safe_html(text)) == " ".join(normalize(text).split())


@pytest.mark.parametrize("text", ["a < b", "x<3", "<< not a tag", "1 <2", "a <= b & c"])
def test_less_than_signs_in_prose_are_kept(text: str) -> None:
    assert visible_text(to_safe_html(text)) == text


@PROPERTY
@given(st.text())
@example("e\u200b\u0301")
@example("\u202eevil\u202c Bob")
@example("A\u0000d\ud800min\u2066\u200d")
def test_plain_text_is_one_clean_nfc_line(text: str) -> None:
    out = plain_text(text)
    assert unicodedata.is_normalized("NFC", out)
    assert out == out.strip() and "  " not in out
    for ch in out:
        assert unicodedata.category(ch) not in ("Cc", "Cs"), repr(out)
        assert ch not in "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
    assert plain_text(out) == out


@PROPERTY
@given(urls)
def test_links_keep_only_http_https_and_mailto(url: str) -> None:
    html = to_safe_html(f'<a href="{url}">link</a>')
    assert violations(html) == []
    assert "link" in visible_text(html)
    if 'href="' in html:
        from .safety import parse_fragment

        (a,) = [n for n in parse_fragment(html).iter() if n.tag == "a"]
        assert href_scheme(a.attrib["href"]) in {"http", "https", "mailto"}
        assert "nofollow" in a.attrib["rel"].split()


NESTING_TAGS = ["blockquote", "ul", "ol", "li", "p", "pre", "b"]
nested_blocks = st.recursive(
    st.sampled_from(["x", "y z", " ", "\n", "<br>", "\n\n"]),
    lambda inner: st.builds(
        lambda tag, children, closed: f"<{tag}>{''.join(children)}{f'</{tag}>' if closed else ''}",
        st.sampled_from(NESTING_TAGS),
        st.lists(inner, max_size=3),
        st.booleans(),
    ),
    max_leaves=40,
)


@PROPERTY
@given(nested_blocks)
@example("<ul><li>" * 8 + "a<ul><li>b</li></ul>c<blockquote>d</blockquote>")
def test_blocks_are_nested_at_most_max_nesting_deep_and_keep_every_word(text: str) -> None:
    html = to_safe_html(text)
    assert nesting(html) <= MAX_NESTING, html
    assert visible_text(html).split() == visible_text(text).split()
    assert to_safe_html(html) == html
