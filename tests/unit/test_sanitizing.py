import pytest

from service.domain.sanitizing import has_visible_text
from service.domain.sanitizing import normalize
from service.domain.sanitizing import plain_text
from service.domain.sanitizing import to_safe_html


def test_plain_text_becomes_paragraphs_and_line_breaks() -> None:
    assert to_safe_html("one\ntwo\n\nthree") == "<p>one<br>two</p><p>three</p>"


def test_allowlisted_markup_survives() -> None:
    html = (
        "<p><b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <code>c</code></p>"
        "<blockquote>q</blockquote><ul><li>x</li></ul><ol><li>y</li></ol><pre>p</pre>"
    )
    assert to_safe_html(html) == html


def test_bare_urls_become_nofollow_links() -> None:
    assert to_safe_html("see https://example.org/a?b=1") == (
        '<p>see <a href="https://example.org/a?b=1" rel="nofollow ugc noopener">https://example.org/a?b=1</a></p>'
    )


def test_links_get_our_rel_whatever_the_reader_wrote() -> None:
    out = to_safe_html('<a href="https://x.org" rel="follow" target="_blank" onclick="x()">x</a>')
    assert out == '<p><a href="https://x.org" rel="nofollow ugc noopener">x</a></p>'


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java&#x09;script:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "/relative",
        "//evil.example/x",
        "ftp://x.org",
    ],
)
def test_links_other_than_http_https_mailto_lose_their_href(href: str) -> None:
    out = to_safe_html(f'<a href="{href}">click</a>')
    assert "href" not in out
    assert "click" in out


def test_mailto_links_are_kept() -> None:
    assert 'href="mailto:desk@example.org"' in to_safe_html('<a href="mailto:desk@example.org">desk</a>')


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<iframe src=x>",
        '<p style="color:red" onmouseover="x()">t</p>',
        "<math><mi xlink:href=javascript:x>m</mi></math>",
        "<!-- <script>x</script> -->",
        "<![CDATA[<script>x</script>]]>",
    ],
)
def test_dangerous_markup_never_survives(payload: str) -> None:
    out = to_safe_html(payload).lower()
    for bad in (
        "<script",
        "<img",
        "<svg",
        "<iframe",
        "onerror",
        "onload",
        "onmouseover",
        "style=",
        "<math",
        "javascript",
    ):
        assert bad not in out


def test_control_characters_and_lone_surrogates_are_removed_and_text_is_nfc() -> None:
    assert normalize("a\x00b\x07c\ud800d\u0065\u0301\r\n") == "abcd\u00e9\n"


def test_astral_characters_are_kept() -> None:
    assert "😀" in to_safe_html("smile 😀")


def test_names_are_plain_single_line_text_without_invisible_characters() -> None:
    assert plain_text("  Ann\u202e\u200b  <b>Lee</b>\n\tX ") == "Ann <b>Lee</b> X"


def test_markup_only_bodies_have_no_visible_text() -> None:
    assert not has_visible_text(to_safe_html("<script></script><p> </p>"))
    assert has_visible_text(to_safe_html("<b>x</b>"))


def test_sanitizing_is_idempotent() -> None:
    once = to_safe_html("a <b>b\n\nc</b> https://x.org <script>y</script>")
    assert to_safe_html(once) == once
