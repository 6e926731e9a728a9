"""The sign-in buttons under /sign-in/, allauth under /accounts/, social-auth under /social/, the user as JSON at /me."""

from django.urls import include, path

from tests.clients.django_rp import views

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("social/", include("social_django.urls", namespace="social")),
    path("sign-in/<str:library>/<str:provider>", views.sign_in),
    path("me", views.me),
    path("health", views.health),
]
