"""HTML from outside: nothing that runs, nothing that calls home unless asked."""

from __future__ import annotations

import pytest

from requests_app.mail.sanitise import displayable_html, has_remote_images, sanitise_html

HOSTILE = [
    "<script>alert(1)</script><p>text</p>",
    '<img src="x" onerror="alert(1)">',
    '<body onload="alert(1)"><p>text</p></body>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="https://evil.example"><button>Go</button></form>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<base href="https://evil.example/">',
    '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</p>',
]


@pytest.mark.parametrize("markup", HOSTILE)
def test_nothing_that_runs_survives_sanitising(markup: str) -> None:
    cleaned = displayable_html(sanitise_html(markup)).lower()
    for dangerous in (
        "<script",
        "onerror",
        "onload",
        "javascript:",
        "<iframe",
        "<form",
        "<object",
        "<embed",
        "<meta",
        "<base",
        "<svg",
        "data:text",
    ):
        assert dangerous not in cleaned


def test_ordinary_formatting_and_links_stay() -> None:
    cleaned = displayable_html(
        '<p style="color: red; position: fixed">A <b>bold</b> <a href="https://gov.example/">link</a></p>'
        "<table><tr><td colspan=2>cell</td></tr></table>"
    )
    assert '<p style="color:red">' in cleaned
    assert "<b>bold</b>" in cleaned
    assert (
        'href="https://gov.example/"' in cleaned and 'rel="noopener noreferrer nofollow"' in cleaned
    )
    assert '<td colspan="2">cell</td>' in cleaned


def test_remote_images_are_stored_but_only_shown_when_asked_for() -> None:
    stored = sanitise_html('<img src="https://tracker.example/p.gif" alt="logo">')
    assert "tracker.example" in stored
    assert has_remote_images(stored)
    assert "tracker.example" not in displayable_html(stored)
    assert "tracker.example" in displayable_html(stored, show_remote_images=True)


def test_a_nul_byte_does_not_reach_the_database() -> None:
    assert "\x00" not in sanitise_html("<p>a\x00b</p>")
