"""The header's navigation and account menu, written in Python, read as base.html wrote them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import resolve

from tests.factories import UserFactory

# base.html's own markup before the header's links were written in Python.
TEMPLATE_NAV = """{% load foi_tags %}{% nav_section as nav %}
<nav aria-label="Main" class="site-nav">
  <ul class="nav">
    <li><a href="{% url 'dashboard' %}"{% if nav == 'dashboard' %} aria-current="page"{% endif %}>Dashboard</a></li>
    <li><a href="{% url 'request_list' %}"{% if nav == 'requests' %} aria-current="page"{% endif %}>Requests</a></li>
    <li><a href="{% url 'body_list' %}"{% if nav == 'bodies' %} aria-current="page"{% endif %}>Bodies</a></li>
    <li><a href="{% url 'campaign_list' %}"{% if nav == 'campaigns' %} aria-current="page"{% endif %}>Campaigns</a></li>
    <li><a href="{% url 'batch_list' %}"{% if nav == 'batches' %} aria-current="page"{% endif %}>Batches</a></li>
    <li><a href="{% url 'insights' %}"{% if nav == 'insights' %} aria-current="page"{% endif %}>Insights</a></li>
    <li><a href="{% url 'deadline_calendar' %}"{% if nav == 'calendar' %} aria-current="page"{% endif %}>Calendar</a></li>
    <li><a href="{% url 'mail_unmatched' %}"{% if nav == 'mail' %} aria-current="page"{% endif %}>Unmatched mail</a></li>
    <li><a class="button" href="{% url 'request_create' %}">New request</a></li>
  </ul>
</nav>"""  # noqa: E501
TEMPLATE_MENU = """
<li><a href="{% url 'account' %}">Your account</a></li>
<li><a href="{% url 'alert_preferences' %}">Alert settings</a></li>
<li><a href="{% url 'mail_import' %}">Import mail</a></li>
<li><a href="{% url 'spreadsheet_import' %}">Import a spreadsheet</a></li>
<li><a href="{% url 'whatdotheyknow_import' %}">Import from WhatDoTheyKnow</a></li>
{% if user.is_staff %}<li><a href="{% url 'bodies_import' %}">Import public bodies</a></li>{% endif %}
<li><a href="{% url 'api_tokens' %}">API tokens</a></li>
<li><a href="{% url 'two_factor_setup' %}">Two-factor login</a></li>
<li><a href="{% url 'password_change' %}">Change password</a></li>"""  # noqa: E501


def squeezed(markup: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", markup)).strip()


def context_at(path: str, user: Any) -> Context:
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    return Context({"request": request, "user": user})


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/requests/", "/bodies/", "/calendar/", "/search/"])
def test_the_navigation_reads_as_the_template_wrote_it(path: str) -> None:
    context = context_at(path, UserFactory())
    ours = Template("{% load foi_tags %}{% site_nav %}").render(context)
    assert squeezed(ours) == squeezed(Template(TEMPLATE_NAV).render(context))


@pytest.mark.django_db
@pytest.mark.parametrize("is_staff", [False, True])
def test_the_account_menu_reads_as_the_template_wrote_it(is_staff: bool) -> None:
    context = context_at("/", UserFactory(is_staff=is_staff))
    ours = Template("{% load foi_tags %}{% account_menu_links %}").render(context)
    assert squeezed(ours) == squeezed(Template(TEMPLATE_MENU).render(context))
    assert ("Import public bodies" in ours) == is_staff
