"""Routes of the developer console, playground, discover and "apps I use" pages."""

from django.urls import path

from oauth_provider.console import views

urlpatterns = [
    path("developer/", views.console, name="developer_console"),
    path("developer/clients/new", views.client_create, name="developer_client_new"),
    path("developer/clients/<str:client_id>/", views.client_detail, name="developer_client"),
    path("developer/clients/<str:client_id>/settings", views.client_update, name="developer_client_update"),
    path("developer/clients/<str:client_id>/secret", views.client_secret_rotate, name="developer_client_secret"),
    path("developer/clients/<str:client_id>/delete", views.client_delete, name="developer_client_delete"),
    path("developer/clients/<str:client_id>/playground", views.playground_start, name="developer_playground"),
    path(
        "developer/clients/<str:client_id>/playground/redirect-uri",
        views.playground_uri_add,
        name="developer_playground_uri",
    ),
    path(
        "developer/clients/<str:client_id>/playground/refresh",
        views.playground_refresh,
        name="developer_playground_refresh",
    ),
    path("developer/playground/callback", views.playground_callback, name="developer_playground_callback"),
    path("discover/", views.discover, name="discover"),
    path("apps/", views.apps, name="apps"),
    path("apps/<str:client_id>/alias", views.app_alias, name="app_alias"),
    path("apps/<str:client_id>/revoke", views.app_revoke, name="app_revoke"),
]
