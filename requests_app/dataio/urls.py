"""Import and export pages. Fixed paths come before the ones that take a reference."""

from __future__ import annotations

from django.urls import URLPattern, path

from requests_app.dataio import views

urlpatterns: list[URLPattern] = [
    path("import/spreadsheet/", views.spreadsheet_upload, name="spreadsheet_import"),
    path(
        "import/spreadsheet/template.xlsx",
        views.spreadsheet_template,
        name="spreadsheet_template",
    ),
    path("import/spreadsheet/<slug:token>/", views.spreadsheet_map, name="spreadsheet_import_map"),
    path("import/whatdotheyknow/", views.whatdotheyknow_import, name="whatdotheyknow_import"),
    path("import/bodies/", views.bodies_import, name="bodies_import"),
    path("import/bodies/suggested/", views.body_suggestions, name="body_suggestions"),
    path("requests/export.xlsx", views.requests_export_xlsx, name="request_export_xlsx"),
    path(
        "requests/<str:reference>/export.zip",
        views.request_export_zip,
        name="request_export_zip",
    ),
]
