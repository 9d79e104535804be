"""`{% form_field %}` writes a field in Python: it must read exactly as `_field.html` with
Django's form templates did (tests/views/field_reference.html), with and without errors;
only runs of white space may differ."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory

from requests_app import models
from requests_app.casework.filters import FoiRequestFilter, PublicBodyFilter
from requests_app.casework.forms import EventForm, ResponseEventForm
from requests_app.chasers.forms import chaser_rule_form
from requests_app.mail.forms import ConfirmKindForm, MessageForm, RequestMailUploadForm
from requests_app.models import FoiRequest, PublicBody
from requests_app.search.filters import SearchFilterSet

INCLUDED = Template((Path(__file__).parent / "field_reference.html").read_text())
WRITTEN = Template("{% load form_fields %}{% form_field field %}")


class Everything(forms.Form):
    """Widgets the request page does not use yet, and the corners of labels and help."""

    agree = forms.BooleanField(help_text="Tick <b>this</b> & go.")
    why = forms.CharField(label="Why?", widget=forms.Textarea, initial="Because <then>")
    count = forms.IntegerField(required=False, help_text="A <i>number</i>")
    colour = forms.ChoiceField(
        choices=[("Warm", [("red", "Red & <hot>")]), ("blue", "Blue")], initial="red"
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)
    radio = forms.ChoiceField(choices=[("x", "X")], widget=forms.RadioSelect)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


class EveryKind(forms.Form):
    """The filter forms' kinds of field: a date, a set of checkboxes, a suffixed label."""

    name = forms.CharField(label="Name?", help_text="As <b>spoken</b>.", max_length=20)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    kinds = forms.MultipleChoiceField(
        choices=[("a", "A & B"), ("Group", [("c", "<C>")])],
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick any.",
    )
    agree = forms.BooleanField(label="I agree", help_text="Say <yes>.")
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False, label_suffix=" —")


def markup(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def same_markup(fields: Any) -> None:
    for field in fields:
        context = Context({"field": field})
        assert markup(WRITTEN.render(context)) == markup(INCLUDED.render(context)), field.name


def forms_on_the_request_page(foi_request: models.FoiRequest) -> list[forms.BaseForm]:
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
def test_each_field_of_the_request_page_reads_as_the_form_templates_wrote_it(
    alice_request: models.FoiRequest,
) -> None:
    fields = [field for form in forms_on_the_request_page(alice_request) for field in form]
    same_markup(fields)
    assert any(field.errors for field in fields)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"name": 'x" onfocus="alert(1)', "when": "not a date", "kinds": ["a", "zzz"]},
        {"name": "ok", "when": "2026-01-15", "kinds": ["c"], "agree": "on", "hidden": "<x>"},
    ],
)
def test_every_kind_of_field_matches_djangos_markup(data: Any) -> None:
    same_markup(EveryKind(data))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filterset", "model", "query"),
    [
        (FoiRequestFilter, FoiRequest, {}),
        (FoiRequestFilter, FoiRequest, {"status": ["refused", "bogus"], "public_body": "none"}),
        (FoiRequestFilter, FoiRequest, {"overdue": "on", "sent_after": "2026-02-30", "q": "<a>"}),
        (SearchFilterSet, FoiRequest, {"q": "x", "kind": ["page", "nope"], "date_from": "x"}),
        (SearchFilterSet, FoiRequest, {"request": "ABC-1", "sort": "date"}),
        (PublicBodyFilter, PublicBody, {"q": "council", "nation": "nowhere"}),
    ],
)
def test_the_filter_forms_match_djangos_markup(
    filterset: Any, model: Any, query: dict[str, Any], user: Any, campaign_request: Any
) -> None:
    request = RequestFactory().get("/", query)
    request.user = user
    found = filterset(request.GET or None, queryset=model.objects.all(), request=request)
    found.is_valid()
    same_markup(found.form)
