"""Discovery and the JWKS answered in front of Django: the same answer as Django's, refusals and new keys included."""

from io import StringIO

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import set_script_prefix
from werkzeug.test import Client

from oauth_provider.wsgi import PublicDocuments

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_key_dir")]
DOCUMENTS = ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/jwks"]


@pytest.fixture
def wsgi(settings):
    """Our WSGI stack and Django's alone, as gunicorn calls them (the test transaction kept open across requests)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    django = WSGIHandler()
    yield Client(PublicDocuments(django)), Client(django)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    set_script_prefix("/")  # Django's handler set it from the last request's SCRIPT_NAME


def answer(client, path, **kwargs):
    """Status, headers (but the request id, new each time) and body."""
    kwargs.setdefault("base_url", "http://testserver")
    response = client.open(path, **kwargs)
    headers = sorted((k.lower(), v) for k, v in response.headers.items() if k != "X-Request-ID")
    return response.status_code, headers, response.get_data()


@pytest.mark.parametrize("path", DOCUMENTS)
@pytest.mark.parametrize(
    "request_kwargs",
    [
        {},
        {"method": "HEAD"},
        {"headers": {"Origin": "https://spa.example"}},
        {"base_url": "https://testserver"},
        {"base_url": "http://localhost:8000"},
    ],
    ids=["get", "head", "cors", "https", "other-host"],
)
def test_every_answer_is_the_one_django_gives(wsgi, path, request_kwargs):
    ours, django = wsgi
    first, second, alone = (answer(c, path, **request_kwargs) for c in (ours, ours, django))
    assert first == second == alone
    assert first[0] == 200
    if request_kwargs.get("headers"):
        assert ("access-control-allow-origin", "*") in first[1]


def test_a_matching_etag_gets_304_every_time_and_another_the_document(wsgi):
    ours, django = wsgi
    etag = ours.get("/jwks", base_url="http://testserver").headers["ETag"]
    not_modified = [answer(c, "/jwks", headers={"If-None-Match": etag}) for c in (ours, ours, django)]
    assert not_modified[0] == not_modified[1] == not_modified[2] and not_modified[0][0] == 304
    assert not_modified[0][2] == b""
    assert answer(ours, "/jwks", headers={"If-None-Match": '"other"'})[0] == 200


@pytest.mark.parametrize(
    "request_kwargs, status",
    [
        ({"base_url": "http://evil.example"}, 400),  # ALLOWED_HOSTS
        ({"method": "POST"}, 405),
        ({"query_string": "a=%00"}, 400),  # a NUL in a parameter
    ],
    ids=["refused-host", "post", "nul-in-query"],
)
def test_what_django_refuses_is_refused_every_time(wsgi, request_kwargs, status):
    ours, _ = wsgi
    assert [answer(ours, "/jwks", **request_kwargs)[0] for _ in range(3)] == [status] * 3


@pytest.mark.parametrize(
    "headers",
    [{"If-Match": '"other"'}, {"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}],
    ids=["if-match", "if-unmodified-since"],
)
def test_other_conditional_headers_get_djangos_answer_every_time(wsgi, headers):
    ours, django = wsgi
    answers = [answer(c, "/jwks", headers=headers) for c in (ours, ours, django)]
    assert answers[0] == answers[1] == answers[2] and answers[0][0] == 412


def test_an_app_mounted_under_a_prefix_gets_djangos_answer(wsgi):
    ours, django = wsgi
    first, second, alone = (
        answer(c, "/.well-known/openid-configuration", base_url="http://testserver/auth") for c in (ours, ours, django)
    )
    assert first == second == alone and first[0] == 200


def test_https_redirect_is_kept(wsgi, settings):
    settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS = True, 3600
    ours = Client(PublicDocuments(WSGIHandler()))  # SecurityMiddleware reads the setting when it is built
    for _ in range(2):
        response = ours.get("/jwks", base_url="http://testserver")
        assert response.status_code == 301 and response.headers["Location"] == "https://testserver/jwks"
    secure = ours.get("/jwks", base_url="https://testserver")
    assert secure.status_code == 200 and "Strict-Transport-Security" in secure.headers


def test_a_rotated_in_key_is_published_at_once(wsgi):
    ours, _ = wsgi
    before = {key["kid"] for key in ours.get("/jwks", base_url="http://testserver").get_json()["keys"]}
    call_command("rotate_signing_key", stdout=StringIO())
    after = ours.get("/jwks", base_url="http://testserver").get_json()
    assert before < {key["kid"] for key in after["keys"]}


def test_a_missing_key_file_is_djangos_error_page_not_a_crash(wsgi, signing_key_dir):
    ours, _ = wsgi
    assert ours.get("/jwks", base_url="http://testserver").status_code == 200
    for path in signing_key_dir.iterdir():
        path.unlink()
    assert ours.get("/jwks", base_url="http://testserver").status_code == 500  # the JSON 500 page, logged
    assert ours.get("/.well-known/openid-configuration", base_url="http://testserver").status_code == 200


def test_each_answer_is_logged_with_its_own_request_id(wsgi, caplog):
    ours, _ = wsgi
    caplog.set_level("INFO", logger="simplelogin.request")
    ids = [ours.get("/jwks", base_url="http://testserver").headers["X-Request-ID"] for _ in range(2)]
    given = ours.get("/jwks", base_url="http://testserver", headers={"X-Request-ID": "proxy-given-id-1"})
    assert given.headers["X-Request-ID"] == "proxy-given-id-1"
    lines = [r for r in caplog.records if r.name == "simplelogin.request"]
    assert [(r.path, r.status, r.request_id) for r in lines] == [
        ("/jwks", 200, ids[0]),
        ("/jwks", 200, ids[1]),
        ("/jwks", 200, "proxy-given-id-1"),
    ]
    assert ids[0] != ids[1]


def test_database_keys_another_instance_rotated_in_are_published_as_django_would(
    wsgi, settings, django_assert_num_queries
):
    from datetime import timedelta

    from cryptography.fernet import Fernet
    from django.utils import timezone
    from jwcrypto import jwk

    from oauth_provider import keys
    from oauth_provider.models import SigningKey

    ours, _ = wsgi
    settings.KEY_ENCRYPTION_KEY, settings.SIGNING_KEY_REFRESH_SECONDS = Fernet.generate_key().decode(), 5
    call_command("generate_signing_key", stdout=StringIO())
    ours.get("/jwks", base_url="http://testserver")
    with django_assert_num_queries(0):  # between two checks of the key list: no query, Django not called
        for _ in range(3):
            assert ours.get("/jwks", base_url="http://testserver").status_code == 200
    pem = keys.rsa_private_pem_generate()
    upcoming = jwk.JWK.from_pem(pem).thumbprint()
    SigningKey.objects.create(  # what rotate_signing_key on another machine writes
        kid=upcoming,
        private_key_encrypted=Fernet(settings.KEY_ENCRYPTION_KEY).encrypt(pem).decode(),
        signs_from=timezone.now() + timedelta(seconds=10),
    )
    keys._cache["checked"] -= 6  # a refresh period later
    published = ours.get("/jwks", base_url="http://testserver").get_json()["keys"]
    assert upcoming in [key["kid"] for key in published]


def test_an_answer_that_sets_a_cookie_is_never_repeated(db):
    from oauth_provider import keys

    calls = []

    def application(environ, start_response):
        calls.append(environ["PATH_INFO"])
        body, etag = keys.jwks_document()
        start_response("200 OK", [("ETag", etag), ("Set-Cookie", f"session={len(calls)}")])
        return [body]

    ours = Client(PublicDocuments(application))
    cookies = [ours.get("/jwks", base_url="http://testserver").headers["Set-Cookie"] for _ in range(3)]
    assert cookies == ["session=1", "session=2", "session=3"] and len(calls) == 3
