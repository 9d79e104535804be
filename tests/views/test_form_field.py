"""`form_field` writes the same field markup as _field.html did with Django's form templates
(kept as tests/views/field_reference.html)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory

from requests_app.casework.filters import FoiRequestFilter, PublicBodyFilter
from requests_app.models import FoiRequest, PublicBody
from requests_app.search.filters import SearchFilterSet
from requests_app.templatetags.form_fields import form_field

DJANGOS = Template((Path(__file__).parent / "field_reference.html").read_text())


class EveryKind(forms.Form):
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


def djangos(field: Any) -> str:
    return DJANGOS.render(Context({"field": field}))


def same_markup(form: forms.Form) -> None:
    for field in form:
        # Only runs of white space may differ: collapse them.
        ours = re.sub(r"\s+", " ", form_field(field)).strip()
        theirs = re.sub(r"\s+", " ", djangos(field)).strip()
        assert ours == theirs, field.name


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
