"""`{% extraction_status attachment %}`: an attachment's extraction badge and progress bar."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from requests_app.extraction.progress import attachment_progress
from requests_app.models import Attachment

register = template.Library()

SCRIPT_INCLUDED = "extraction_progress_script"


@register.simple_tag(takes_context=True)
def extraction_status(
    context: template.Context,
    attachment: Attachment,
    show_link: bool = True,
    reload_when_done: bool = False,
) -> SafeString:
    """The status badge, a progress bar while work is queued or running (updated by
    static/js/extraction-progress.js) and a link to the text. No database query."""
    progress = attachment_progress(attachment)
    include_script = progress.running and not context.render_context.get(SCRIPT_INCLUDED)
    if include_script:
        context.render_context[SCRIPT_INCLUDED] = True
    return render_to_string(
        "requests_app/extraction/_status.html",
        {
            "attachment": attachment,
            "progress": progress,
            "show_link": show_link,
            "reload_when_done": reload_when_done,
            "include_script": include_script,
        },
    )
