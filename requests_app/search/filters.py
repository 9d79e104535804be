"""The search page's filters: a django-filter FilterSet that validates the query string.

The search itself runs in the index, not on a queryset: the FilterSet checks and cleans
each parameter (offering only the bodies, campaigns and requests the user may see) and
turns them into `SearchFilters`.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.functional import cached_property

from requests_app.casework.filters import (
    DATE_INPUT,
    BodyField,
    BodyFilter,
    ListedModelChoiceFilter,
    NamedModelChoiceFilter,
    visible_bodies,
    visible_campaigns,
)
from requests_app.forms import QuickSelect, QuickSelectMultiple
from requests_app.models import Exemption, FoiRequest, Status
from requests_app.models.bodies import regime_choices
from requests_app.search.plan import (
    FILE_TYPE_LABELS,
    KIND_LABELS,
    RELEVANCE,
    SORT_LABELS,
    SearchFilters,
)
from requests_app.search.query import MAX_QUERY_CHARS


def visible_requests(request: HttpRequest | None) -> QuerySet[FoiRequest]:
    if request is None:
        return FoiRequest.objects.none()
    return FoiRequest.objects.visible_to(request.user)


class SearchFilterSet(django_filters.FilterSet):
    # The box takes anything: the query parser, not the form, deals with odd input, and
    # one too long is shortened there with a note rather than refused.
    q = django_filters.CharFilter(
        label="Search for",
        method="unfiltered",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_CHARS * 20}),
    )
    kind = django_filters.MultipleChoiceFilter(
        label="Show",
        choices=list(KIND_LABELS.items()),
        method="unfiltered",
        widget=forms.CheckboxSelectMultiple,
    )
    body = BodyFilter(
        label="Public body",
        queryset=visible_bodies,
        method="unfiltered",
        help_text="Its name or short name.",
    )
    campaign = NamedModelChoiceFilter(
        queryset=visible_campaigns, method="unfiltered", widget=QuickSelect
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        method="unfiltered",
        widget=QuickSelectMultiple(attrs={"size": 4}),
    )
    regime = django_filters.ChoiceFilter(
        label="Law", choices=regime_choices, method="unfiltered", widget=QuickSelect
    )
    date_from = django_filters.DateFilter(label="From", widget=DATE_INPUT, method="unfiltered")
    date_to = django_filters.DateFilter(label="To", widget=DATE_INPUT, method="unfiltered")
    file_type = django_filters.ChoiceFilter(
        label="File type",
        choices=list(FILE_TYPE_LABELS.items()),
        method="unfiltered",
        widget=QuickSelect,
    )
    exemption = ListedModelChoiceFilter(
        label="Exemption cited",
        queryset=Exemption.objects.all(),
        method="unfiltered",
        widget=QuickSelect,
    )
    sort = django_filters.ChoiceFilter(
        label="Order",
        choices=list(SORT_LABELS.items()),
        empty_label=None,
        method="unfiltered",
        widget=QuickSelect,
    )
    request = django_filters.ModelChoiceFilter(
        label="Within request",
        queryset=visible_requests,
        to_field_name="reference",
        widget=forms.HiddenInput,
        method="unfiltered",
        error_messages={"invalid_choice": "That request was not found."},
    )

    class Meta:
        model = FoiRequest
        fields: list[str] = []

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet[FoiRequest] | None = None,
        *,
        request: HttpRequest | None = None,
        prefix: str | None = None,
    ) -> None:
        # FilterSet's own, but for its copy of every filter (their fields' arguments,
        # widgets and querysets): a search uses none of them, its form being built once
        # and the search run in the index rather than on a queryset. `filters` copies
        # them for whatever does ask.
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset if queryset is not None else FoiRequest.objects.none()
        self.request = request
        self.form_prefix = prefix

    @cached_property
    def filters(self) -> dict[str, django_filters.Filter]:
        filters = copy.deepcopy(self.base_filters)
        for filter_ in filters.values():
            filter_.model = FoiRequest
            filter_.parent = self
        return filters

    # The form's fields are the same for every search but for the choices that depend on
    # who is asking: the class is built once, and each form is given those choices.
    # Building it per search (a dozen fields and their widgets, and the querysets of
    # every choice whether or not the search used it) cost more than reading the choices.
    _form_class: ClassVar[type[forms.Form] | None] = None

    def get_form_class(self) -> type[forms.Form]:
        cls = type(self)
        if cls.__dict__.get("_form_class") is None:  # a subclass builds its own
            form_class = super(SearchFilterSet, cls(request=None)).get_form_class()
            form_class.base_fields = SharedFields(form_class.base_fields)
            cls._form_class = form_class
        return cls.__dict__["_form_class"]

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = self.get_form_class()(
                self.data if self.is_bound else None, prefix=self.form_prefix
            )
            for name, choices in CHOICES_OF_THE_USER.items():
                if name in SHOWN_CHOICES or self.data.get(name):
                    field = form.fields[name]
                    field.queryset = choices(self.request)  # type: ignore[attr-defined]
                    if isinstance(field, BodyField):
                        # The box looks a body up in `chosen_from` when it has one: the
                        # class's, built for no user, would find none.
                        field.chosen_from = None
            self._form = form
        return self._form

    def unfiltered(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset

    @property
    def cleaned(self) -> dict[str, Any]:
        return self.form.cleaned_data if self.is_valid() else {}

    def query_text(self) -> str:
        return str(self.cleaned.get("q") or "")

    def sort_order(self) -> str:
        return str(self.cleaned.get("sort") or RELEVANCE)

    def within(self) -> FoiRequest | None:
        found = self.cleaned.get("request")
        return found if isinstance(found, FoiRequest) else None

    def search_filters(self) -> SearchFilters:
        data = self.cleaned
        within = self.within()
        return SearchFilters(
            kinds=tuple(data.get("kind") or ()),
            public_body_id=_pk(data.get("body")),
            campaign_id=_pk(data.get("campaign")),
            statuses=tuple(data.get("status") or ()),
            regime=data.get("regime") or None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            file_type=data.get("file_type") or None,
            exemption_id=_pk(data.get("exemption")),
            request_id=within.pk if within else None,
        )


# The choices offered that depend on the user: (field, queryset of a request's user).
# The body is typed in a box and the request is a hidden field: their querysets are
# needed only to check a value given, the campaigns' to list them.
CHOICES_OF_THE_USER = {
    "body": visible_bodies,
    "campaign": visible_campaigns,
    "request": visible_requests,
}
SHOWN_CHOICES = {"campaign"}


class SharedFields(dict[str, forms.Field]):
    """A form class's fields, of which each form copies only those whose choices come from
    the database (it is given the user's own, or reads them for the filter panel).

    Django copies every field for every form, a few hundred objects deep (each choice of
    each select): the others (the box, the dates, the fixed lists of kinds, statuses, laws,
    file types and orders) are never changed once built, and every form uses them as they are.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {
            name: copy.deepcopy(field, memo) if isinstance(field, forms.ModelChoiceField) else field
            for name, field in self.items()
        }


def _pk(value: Any) -> int | None:
    return int(value.pk) if value is not None else None
