"""Code sits in the area it belongs to: the top of the app holds only what all areas share."""

from __future__ import annotations

import inspect

from django import forms as django_forms

from requests_app import forms as shared_forms
from tests.architecture.source import APP, calls

# The app's wiring, the audit trail every area writes, the shared form fields, the health
# check, the seed data, and the small helpers of the lowest layer (readings kept per page
# view, links reversed once per page). Anything else belongs in an area's package.
TOP_LEVEL_MODULES = {
    "__init__.py",
    "admin.py",
    "admin_audit.py",
    "apps.py",
    "audit.py",
    "files.py",
    "forms.py",
    "health.py",
    "links.py",
    "per_request.py",
    "queueing.py",
    "seed_data.py",
}


def test_the_top_of_the_app_holds_only_what_every_area_shares() -> None:
    assert {path.name for path in APP.glob("*.py")} - TOP_LEVEL_MODULES == set()


def test_only_the_sites_own_template_tags_are_kept_apart_from_the_areas() -> None:
    assert {path.name for path in (APP / "templatetags").glob("*.py")} == {
        "__init__.py",
        "foi_tags.py",
        "form_fields.py",
    }


def test_the_shared_forms_module_holds_fields_and_widgets_not_an_areas_forms() -> None:
    classes = inspect.getmembers(shared_forms, inspect.isclass)
    own = [cls for _, cls in classes if cls.__module__ == shared_forms.__name__]
    assert own and not [cls for cls in own if issubclass(cls, django_forms.BaseForm)]


def test_the_report_pages_share_one_helper() -> None:
    pages = {(call.module, call.function) for call in calls({"report_page"})}
    assert pages == {
        ("requests_app/reports/views.py", "request_bundle"),
        ("requests_app/reports/views.py", "campaign_report"),
        ("requests_app/batches/views.py", "batch_report"),
    }
