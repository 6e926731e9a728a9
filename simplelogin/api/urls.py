"""Routes of the JSON API under /api/: each endpoint lives next to the models it serves; docs and schema here."""

from django.urls import path, re_path

from accounts import api as accounts_api
from oauth_provider import api as provider_api
from simplelogin.api import docs
from simplelogin.api.exceptions import api_not_found

urlpatterns = [
    path("api/v1/me", accounts_api.MeView.as_view(), name="api_me"),
    path("api/v1/aliases", accounts_api.AliasListView.as_view(), name="api_aliases"),
    path("api/v1/aliases/random", accounts_api.AliasRandomCreateView.as_view(), name="api_alias_create_random"),
    path("api/v1/aliases/custom", accounts_api.AliasCustomCreateView.as_view(), name="api_alias_create_custom"),
    path("api/v1/aliases/<int:alias_id>", accounts_api.AliasDetailView.as_view(), name="api_alias"),
    path("api/v1/apps", provider_api.AppListView.as_view(), name="api_apps"),
    path("api/v1/apps/<int:authorization_id>", provider_api.AppDetailView.as_view(), name="api_app"),
    path("api/schema/", docs.SchemaView.as_view(), name="schema"),
    path("api/docs/", docs.SwaggerView.as_view(url_name="schema"), name="api_docs"),
    path("api/redoc/", docs.RedocView.as_view(url_name="schema"), name="api_redoc"),
    re_path(r"^api/", api_not_found),
]
