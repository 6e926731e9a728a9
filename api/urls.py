"""Routes of the JSON API, its documentation, and the API key section of the settings page."""

from django.urls import path, re_path

from api import docs_views, settings_views, views

urlpatterns = [
    path("api/v1/me", views.MeView.as_view(), name="api_me"),
    path("api/v1/aliases", views.AliasListView.as_view(), name="api_aliases"),
    path("api/v1/aliases/random", views.AliasRandomCreateView.as_view(), name="api_alias_create_random"),
    path("api/v1/aliases/custom", views.AliasCustomCreateView.as_view(), name="api_alias_create_custom"),
    path("api/v1/aliases/<int:alias_id>", views.AliasDetailView.as_view(), name="api_alias"),
    path("api/v1/apps", views.AppListView.as_view(), name="api_apps"),
    path("api/v1/apps/<int:authorization_id>", views.AppDetailView.as_view(), name="api_app"),
    path("api/schema/", docs_views.SchemaView.as_view(), name="schema"),
    path("api/docs/", docs_views.SwaggerView.as_view(url_name="schema"), name="api_docs"),
    path("api/redoc/", docs_views.RedocView.as_view(url_name="schema"), name="api_redoc"),
    re_path(r"^api/", views.api_not_found),
    path("settings/api-keys/", settings_views.api_key_create, name="api_key_create"),
    path("settings/api-keys/<int:api_key_id>/delete", settings_views.api_key_delete, name="api_key_delete"),
]
