from __future__ import annotations

from django.urls import URLPattern, path

from requests_app.search import views

urlpatterns: list[URLPattern] = [
    path("search/", views.search_page, name="search"),
    path("search/saved/", views.saved_search_list, name="saved_search_list"),
    path("search/saved/new/", views.saved_search_create, name="saved_search_create"),
    path("search/saved/<int:pk>/delete/", views.saved_search_delete, name="saved_search_delete"),
]
