from __future__ import annotations

from django.urls import URLPattern, path

from requests_app.accounts import views

urlpatterns: list[URLPattern] = [
    path("account/", views.account, name="account"),
    path("account/checklist/", views.checklist, name="account_checklist"),
    path("account/checklist/done/", views.finish_checklist, name="account_checklist_done"),
    path("account/test-alert/", views.test_alert, name="account_test_alert"),
    path("account/demo/", views.load_demo, name="account_load_demo"),
    path(
        "account/confirm-email/<str:token>/",
        views.confirm_email_address,
        name="account_confirm_email",
    ),
]
