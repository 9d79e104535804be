"""HTML from outside, made safe with nh3 before it is stored and again before it is shown.

What is stored keeps remote images (so a person can still ask to see them); what is shown
drops them unless asked, because a remote image tells the sender when and where the mail
was read. Scripts, event handlers, forms, frames and javascript: links never survive.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "address", "b", "blockquote", "br", "caption", "center", "cite", "code",
    "col", "colgroup", "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "small",
    "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul",
}  # fmt: skip
CELL_ATTRIBUTES = {"align", "valign", "colspan", "rowspan", "width", "style"}
ALLOWED_ATTRIBUTES = {
    "*": {"dir", "lang", "title", "style"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "font": {"color"},
    "table": {"align", "border", "cellpadding", "cellspacing", "width"},
    "td": CELL_ATTRIBUTES,
    "th": CELL_ATTRIBUTES,
    "col": {"span", "width"},
    "ol": {"start", "type"},
}
# Layout and type only: nothing that can load a URL (background, list-style-image) or
# lay a fake page over ours (position).
ALLOWED_STYLES = {
    "color", "background-color", "font-family", "font-size", "font-style", "font-weight",
    "text-align", "text-decoration", "vertical-align", "white-space", "width", "height",
    "margin", "margin-top", "margin-bottom", "margin-left", "margin-right", "padding",
    "padding-top", "padding-bottom", "padding-left", "padding-right", "border",
    "border-collapse",
}  # fmt: skip
LINK_SCHEMES = {"http", "https", "mailto"}
# Images inside the message (cid:) cannot be loaded by a browser either; they are attachments.
IMAGE_SCHEMES = {"http", "https"}


def sanitise_html(markup: str) -> str:
    """The HTML to store: no scripts, handlers or javascript: links; remote images kept."""
    return _clean(markup, show_remote_images=True)


def displayable_html(stored: str, *, show_remote_images: bool = False) -> str:
    """Stored HTML ready to render: cleaned again, remote images only when asked for."""
    return _clean(stored, show_remote_images=show_remote_images)


def has_remote_images(stored: str) -> bool:
    return _clean(stored, show_remote_images=True) != _clean(stored, show_remote_images=False)


def _clean(markup: str, *, show_remote_images: bool) -> str:
    def keep_attribute(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return value if show_remote_images and _is_remote(value) else None
        return value

    return nh3.clean(
        markup.replace("\x00", ""),
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "title", "head", "template", "noscript"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep_attribute,
        filter_style_properties=ALLOWED_STYLES,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _is_remote(url: str) -> bool:
    try:
        return urlsplit(url.strip()).scheme.lower() in IMAGE_SCHEMES
    except ValueError:
        return False
