"""Routes of accounts."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/name", views.settings_name, name="settings_name"),
    path("settings/avatar", views.settings_avatar, name="settings_avatar"),
    path("settings/delete", views.settings_delete, name="settings_delete"),
    path("accounts/resend-verification/", views.resend_verification, name="resend_verification"),
]
