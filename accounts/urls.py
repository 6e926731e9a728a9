"""Routes of accounts."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/aliases/random", views.alias_create_random, name="alias_create_random"),
    path("dashboard/aliases/custom", views.alias_create_custom, name="alias_create_custom"),
    path("dashboard/aliases/<int:alias_id>/toggle", views.alias_toggle, name="alias_toggle"),
    path("dashboard/aliases/<int:alias_id>/note", views.alias_note, name="alias_note"),
    path("dashboard/aliases/<int:alias_id>/delete", views.alias_delete, name="alias_delete"),
    path("dashboard/aliases/<int:alias_id>/test-email", views.alias_test_email, name="alias_test_email"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/name", views.settings_name, name="settings_name"),
    path("settings/language", views.settings_language, name="settings_language"),
    path("settings/avatar", views.settings_avatar, name="settings_avatar"),
    path("settings/delete", views.settings_delete, name="settings_delete"),
    path("settings/api-keys/", views.api_key_create, name="api_key_create"),
    path("settings/api-keys/<int:api_key_id>/delete", views.api_key_delete, name="api_key_delete"),
    path("partner/", views.partner, name="partner"),
    path("partner/code", views.partner_code, name="partner_code"),
    path("accounts/resend-verification/", views.resend_verification, name="resend_verification"),
]
