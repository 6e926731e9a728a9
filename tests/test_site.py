"""Site-wide behaviour: health, error pages, CSRF, security headers, admin access."""

import re
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from simplelogin.urls import urlpatterns as site_urls
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("kaboom")


def _database_down(request):
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    path("boom/", _boom),
    path("db-down/", _database_down),
    path("oauth2/db-down", _database_down),
    *site_urls,
]
handler400 = "simplelogin.views.bad_request"
handler403 = "simplelogin.views.permission_denied"
handler404 = "simplelogin.views.page_not_found"
handler500 = "simplelogin.views.server_error"


def test_health_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_503_when_database_is_down(client):
    with mock.patch(
        "simplelogin.views.connection.cursor", side_effect=OperationalError("server closed the connection")
    ):
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


def test_health_answers_behind_https_and_any_allowed_hosts(client, settings):
    settings.ALLOWED_HOSTS = ["login.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/health", HTTP_HOST="10.0.3.7:7777")  # a container probe: plain http, any Host
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert client.get("/accounts/login/", HTTP_HOST="10.0.3.7:7777").status_code == 400


def test_database_down_is_a_503_with_retry_after_not_a_500(settings):
    settings.ROOT_URLCONF = "tests.test_site"
    client = Client(raise_request_exception=False)
    page = client.get("/db-down/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "cannot reach its database" in page.content.decode() and "Connection refused" not in page.content.decode()
    protocol = client.get("/oauth2/db-down")
    assert protocol.status_code == 503 and protocol.json() == {"error": "temporarily_unavailable"}


def test_400_page_for_disallowed_host(client):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")
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


@pytest.mark.parametrize(
    ("method", "url", "data", "expected"),
    [
        ("get", "/dashboard/", {"q": "a\x00b"}, "400 · Bad request"),
        ("get", "/api/v1/aliases", {"search": "\x00"}, '"code": "invalid_request"'),
        ("post", "/oauth/token", {"grant_type": "authorization_code", "code": "x\x00"}, '"error": "invalid_request"'),
        ("post", "/accounts/login/", {"login": "a\x00@example.com", "password": "x"}, "400 · Bad request"),
    ],
)
def test_nul_characters_get_a_clear_400_not_a_500(client, user, method, url, data, expected):
    client.force_login(user)
    if method == "post":
        response = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
    else:
        response = client.get(url, data)
    assert response.status_code == 400
    assert expected in response.content.decode()


def test_nul_characters_in_multipart_forms_get_a_400(client, user):
    client.force_login(user)
    response = client.post("/settings/name", {"name": "Eve\x00"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert "\x00" not in user.name


@pytest.mark.parametrize("how", ["one", "bulk"])
def test_admin_deletes_aliases_and_people_through_the_services(client, how):
    from accounts.models import Alias, DeletedAlias, User
    from tests.factories import AliasFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    alias, person_alias = AliasFactory(), AliasFactory()
    person = person_alias.user
    if how == "one":
        client.post(f"/admin/accounts/alias/{alias.pk}/delete/", {"post": "yes"})
        client.post(f"/admin/accounts/user/{person.pk}/delete/", {"post": "yes"})
    else:
        client.post(
            "/admin/accounts/alias/", {"action": "delete_selected", "_selected_action": [alias.pk], "post": "yes"}
        )
        client.post(
            "/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"}
        )
    assert not Alias.objects.filter(pk__in=[alias.pk, person_alias.pk]).exists()
    assert not User.objects.filter(pk=person.pk).exists()
    # the addresses can never be handed to someone else
    assert set(DeletedAlias.objects.values_list("email", flat=True)) == {alias.email, person_alias.email}


def test_admin_deletes_a_person_whose_alias_an_app_uses_and_who_holds_tokens(client):
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    from accounts.models import DeletedAlias, User
    from tests.factories import AliasFactory, AuthorizationFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    alias = AliasFactory()
    person = alias.user
    authorization = AuthorizationFactory(user=person, alias=alias)
    AccessToken.objects.create(
        user=person,
        application=authorization.client,
        token="tok-admin-delete",
        scope="openid",
        expires=timezone.now() + timedelta(hours=1),
    )
    confirm = client.get(f"/admin/accounts/user/{person.pk}/delete/")
    assert confirm.status_code == 200
    assert "Cannot delete" not in confirm.content.decode()
    client.post(f"/admin/accounts/user/{person.pk}/delete/", {"post": "yes"})
    assert not User.objects.filter(pk=person.pk).exists()
    assert not AccessToken.objects.filter(user_id=person.pk).exists()
    assert DeletedAlias.objects.filter(email=alias.email).exists()


def test_a_person_added_in_the_admin_is_onboarded(client):
    from accounts.models import Alias, User
    from billing.models import Membership, Plan

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "added@example.com",
            "name": "Added",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "usable_password": "true",
            "membership-TOTAL_FORMS": "0",
            "membership-INITIAL_FORMS": "0",
            "membership-MIN_NUM_FORMS": "0",
            "membership-MAX_NUM_FORMS": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = User.objects.get(email="added@example.com")
    assert Membership.objects.get(user=person).plan == Plan.TRIAL
    assert Alias.objects.filter(user=person).count() == 1


def _personal_pages(user):
    """(path, client setup) for pages that show the person's data."""
    from tests.factories import ClientFactory

    user.is_developer = user.is_staff = user.is_superuser = True
    user.save()
    app = ClientFactory(user=user)
    consent = (
        f"/oauth2/authorize?client_id={app.client_id}&redirect_uri=https://app.example/callback"
        "&response_type=code&scope=openid&state=s"
    )
    return [
        "/dashboard/",
        "/settings/",
        "/apps/",
        "/developer/",
        f"/developer/clients/{app.client_id}/",
        consent,
        "/accounts/password/change/",
        "/accounts/email/",
        "/admin/",
        "/admin/accounts/user/",
        "/pricing",
    ]


def test_pages_with_personal_data_are_never_stored_in_a_cache(client, user, signing_key_dir):
    client.force_login(user)
    for url in _personal_pages(user):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_api_answers_are_never_stored_in_a_cache(user):
    from rest_framework.test import APIClient

    from accounts.services import api_key_create

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_create(user=user, name='k')[1]}")
    for url in ("/api/v1/me", "/api/v1/aliases", "/api/v1/apps"):
        assert "no-store" in api.get(url)["Cache-Control"], url


def test_public_documents_keep_their_own_caching(client, user, signing_key_dir):
    client.force_login(user)
    assert client.get("/.well-known/openid-configuration")["Cache-Control"] == "public, max-age=3600"
