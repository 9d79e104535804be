"""`{% form_field %}` writes a field in Python: it must read exactly as `_field.html` with
Django's form templates did (tests/views/field_reference.html), with and without errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template

from requests_app import models
from requests_app.casework.forms import EventForm, ResponseEventForm
from requests_app.chasers.forms import chaser_rule_form
from requests_app.mail.forms import ConfirmKindForm, MessageForm, RequestMailUploadForm

INCLUDED = Template((Path(__file__).parent / "field_reference.html").read_text())
WRITTEN = Template("{% load form_fields %}{% form_field field %}")


class Everything(forms.Form):
    """Widgets the page does not use yet, and the corners of labels and help."""

    agree = forms.BooleanField(help_text="Tick <b>this</b> & go.")
    why = forms.CharField(label="Why?", widget=forms.Textarea, initial="Because <then>")
    count = forms.IntegerField(required=False, help_text="A <i>number</i>")
    colour = forms.ChoiceField(
        choices=[("Warm", [("red", "Red & <hot>")]), ("blue", "Blue")], initial="red"
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)
    radio = forms.ChoiceField(choices=[("x", "X")], widget=forms.RadioSelect)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def markup(html: str) -> str:
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


def forms_on_the_page(foi_request: models.FoiRequest) -> list[forms.BaseForm]:
    return [
        MessageForm(auto_id="message_%s"),
        MessageForm({"direction": "sideways", "sent_at": "never"}, auto_id="message_%s"),
        EventForm(kind=models.EventKind.SENT, foi_request=foi_request, auto_id="sent_%s"),
        EventForm({"on": "soon"}, kind=models.EventKind.SENT, foi_request=foi_request),
        ResponseEventForm(kind=models.EventKind.RESPONSE, foi_request=foi_request),
        chaser_rule_form(foi_request),
        ConfirmKindForm(auto_id="confirm_1_%s"),
        ConfirmKindForm({"kind": "nonsense"}, auto_id="confirm_1_%s"),
        RequestMailUploadForm(auto_id="mail_%s"),
        Everything(),
        Everything({"why": "", "count": "many", "colour": "green"}),
        Everything(auto_id=False),
    ]


@pytest.mark.django_db
def test_each_field_reads_as_the_form_templates_wrote_it(
    alice_request: models.FoiRequest,
) -> None:
    fields = [field for form in forms_on_the_page(alice_request) for field in form]
    for field in fields:
        context = Context({"field": field})
        assert markup(WRITTEN.render(context)) == markup(INCLUDED.render(context)), field.name
    assert any(field.errors for field in fields)
