"""Site-wide behaviour: health, error pages, CSRF, security headers, admin access."""

import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from simplelogin.urls import urlpatterns as site_urls
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("kaboom")


urlpatterns = [path("boom/", _boom), *site_urls]
handler400 = "simplelogin.views.bad_request"
handler403 = "simplelogin.views.permission_denied"
handler404 = "simplelogin.views.page_not_found"


def test_health_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_503_when_database_is_down(client):
    with mock.patch("simplelogin.views.connection.cursor", side_effect=OperationalError("server closed the connection")):
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_404_page_in_site_look(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404 · Page not found" in response.content.decode()
    assert "/static/css/site" in response.content.decode()


def test_500_page_in_site_look_without_stack_trace(settings):
    settings.ROOT_URLCONF = "tests.test_site"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "kaboom" not in body and "Traceback" not in body


def test_400_page_for_disallowed_host(client):
    response = client.get("/health", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "400 · Bad request" in response.content.decode()


def test_wrong_method_on_health_is_405(client):
    assert client.post("/health").status_code == 405


def test_form_post_without_csrf_token_is_refused(user, password):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()
    assert "_auth_user_id" not in strict.session


def test_signed_in_form_post_without_csrf_token_is_refused(user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post("/settings/name", {"name": "Mallory"})
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.name != "Mallory"


def test_pages_cannot_be_framed_and_have_a_csp(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_load_nothing_from_other_hosts(client, user):
    pages = [client.get("/accounts/login/"), client.get("/accounts/signup/")]
    client.force_login(user)
    pages += [client.get("/dashboard/"), client.get("/settings/")]
    for response in pages:
        assets = re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', response.content.decode())
        assert assets
        assert all(not re.match(r"^(https?:)?//", url) or "//testserver/" in url for url in assets), assets


def test_admin_is_for_staff_only(client):
    person = UserFactory()
    client.force_login(person)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_user_admin_searches_by_email_and_filters_by_plan(client):
    staff = UserFactory(is_staff=True, is_superuser=True, email="boss@example.com")
    UserFactory(email="findme@example.com", plan="monthly")
    UserFactory(email="other@example.com", plan="free")
    client.force_login(staff)
    body = client.get("/admin/accounts/user/", {"q": "findme"}).content.decode()
    assert "findme@example.com" in body and "other@example.com" not in body
    body = client.get("/admin/accounts/user/", {"membership__plan__exact": "free"}).content.decode()
    assert "other@example.com" in body and "findme@example.com" not in body
    body = client.get("/admin/accounts/user/", {"emailaddress__verified__exact": "1"}).content.decode()
    assert "findme@example.com" in body
