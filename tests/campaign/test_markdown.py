import pytest

from core.markdown import render_markdown

XSS_PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<div style="background:url(javascript:alert(1))" onclick="alert(1)">text</div>',
    '<body onload="alert(1)">',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example/"><input name=x></form>',
    '<p onmouseover="alert(1)">hover</p>',
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_script_event_handlers_and_javascript_urls_are_inert(payload):
    html = str(render_markdown(payload)).lower()

    assert "<script" not in html
    assert "javascript:" not in html
    assert "data:text/html" not in html
    assert " on" not in html.replace("noopener", "").replace("nofollow", "")  # no onload=, onerror=, onclick=…
    assert "<iframe" not in html
    assert "<style" not in html
    assert "<form" not in html
    assert "<svg" not in html
    assert "style=" not in html


def test_markdown_renders_headings_lists_emphasis_and_safe_links():
    html = render_markdown("## Why\n\n* one\n* two\n\n**bold** and [site](https://example.org/a?b=1&c=2)")

    assert html == (
        "<h2>Why</h2>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        '<p><strong>bold</strong> and <a href="https://example.org/a?b=1&amp;c=2" '
        'rel="noopener noreferrer nofollow">site</a></p>'
    )


def test_script_content_is_removed_not_shown_as_text():
    assert render_markdown("before <script>alert('gotcha')</script> after") == "<p>before  after</p>"


def test_empty_and_none_render_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
