"""Signing keys in the database (KEY_ENCRYPTION_KEY set): encrypted at rest, shared, rotated for every instance."""

import base64
import json
from datetime import timedelta
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from jwcrypto import jwk, jwt

from oauth_provider import keys
from oauth_provider.models import SigningKey
from tests.factories import AuthorizationFactory
from tests.oauth_provider.conftest import authorize_url, exchange, response_params


@pytest.fixture
def kek(settings):
    """The database store, with a fresh key-encryption key; every call re-reads the key list."""
    settings.KEY_ENCRYPTION_KEY = Fernet.generate_key().decode()
    settings.SIGNING_KEY_REFRESH_SECONDS = 0
    return settings.KEY_ENCRYPTION_KEY


def kids(client):
    return [k["kid"] for k in client.get("/jwks").json()["keys"]]


def kid_of(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]


def id_token_for(http, app):
    code = response_params(http.get(authorize_url(app)))["code"]
    return exchange(http, app, code).json()["id_token"]


def test_generate_stores_an_encrypted_key_that_signs_id_tokens(kek, signed_in, app, user, tmp_path, settings):
    settings.KEYS_DIR = tmp_path / "empty"
    call_command("generate_signing_key", stdout=StringIO())
    row = SigningKey.objects.get()
    assert "PRIVATE KEY" not in row.private_key_encrypted
    assert Fernet(kek).decrypt(row.private_key_encrypted.encode()).startswith(b"-----BEGIN PRIVATE KEY-----")
    assert not (tmp_path / "empty").exists()  # nothing written to disk
    AuthorizationFactory(user=user, client=app)
    token = id_token_for(signed_in, app)
    assert kid_of(token) == row.kid and kids(signed_in) == [row.kid]


def test_generate_imports_the_keys_of_keys_dir_so_issued_tokens_stay_valid(kek, db, signing_key_dir, settings):
    settings.KEY_ENCRYPTION_KEY = ""
    call_command("rotate_signing_key", stdout=StringIO())  # a file store with a current and a retired key
    file_kids = [k["kid"] for k in keys.jwks()["keys"]]
    file_signing = keys.signing_kid()
    settings.KEY_ENCRYPTION_KEY = kek
    out = StringIO()
    call_command("generate_signing_key", stdout=out)
    assert "imported" in out.getvalue()
    assert keys.signing_kid() == file_signing
    assert sorted(k["kid"] for k in keys.jwks()["keys"]) == sorted(file_kids)
    call_command("generate_signing_key", stdout=out)
    assert SigningKey.objects.count() == 2 and "left unchanged" in out.getvalue()


def test_rotation_signs_with_the_new_key_and_keeps_the_old_one_published(kek, signed_in, app, user):
    call_command("generate_signing_key", stdout=StringIO())
    AuthorizationFactory(user=user, client=app)
    old_token = id_token_for(signed_in, app)
    out = StringIO()
    call_command("rotate_signing_key", stdout=out)
    new_token = id_token_for(signed_in, app)
    assert kid_of(new_token) != kid_of(old_token) and f"kid={kid_of(new_token)}" in out.getvalue()
    published = {k["kid"]: k for k in signed_in.get("/jwks").json()["keys"]}
    assert set(published) == {kid_of(old_token), kid_of(new_token)}
    for token in (old_token, new_token):
        jwt.JWT(key=jwk.JWK(**published[kid_of(token)]), jwt=token)


def test_another_instances_rotation_is_published_at_once_and_signs_after_every_instance_saw_it(kek, db, settings):
    settings.SIGNING_KEY_REFRESH_SECONDS = 5
    call_command("generate_signing_key", stdout=StringIO())
    first = keys.signing_kid()
    pem = keys.rsa_private_pem_generate()
    upcoming = jwk.JWK.from_pem(pem).thumbprint()
    SigningKey.objects.create(  # what rotate_signing_key on another machine writes
        kid=upcoming,
        private_key_encrypted=Fernet(kek).encrypt(pem).decode(),
        signs_from=timezone.now() + timedelta(seconds=10),
    )
    assert upcoming not in [k["kid"] for k in keys.jwks()["keys"]]  # this process checks at most every 5 s
    keys._cache["checked"] -= 6
    assert upcoming in [k["kid"] for k in keys.jwks()["keys"]] and keys.signing_kid() == first
    SigningKey.objects.filter(kid=upcoming).update(signs_from=timezone.now() - timedelta(seconds=1))
    keys._cache["checked"] -= 6
    assert keys.signing_kid() == upcoming


def test_reading_the_keys_costs_no_query_between_checks(kek, db, settings, django_assert_num_queries):
    settings.SIGNING_KEY_REFRESH_SECONDS = 5
    call_command("generate_signing_key", stdout=StringIO())
    keys.signing_key()
    with django_assert_num_queries(0):
        for _ in range(100):
            keys.signing_key()
            keys.jwks()


def test_rotation_prunes_keys_retired_longer_than_id_tokens_live(kek, db):
    call_command("generate_signing_key", stdout=StringIO())
    call_command("rotate_signing_key", stdout=StringIO())
    SigningKey.objects.filter(retired_at__isnull=False).update(retired_at=timezone.now() - timedelta(days=3))
    out = StringIO()
    call_command("rotate_signing_key", stdout=out)
    assert "Removed expired key" in out.getvalue()
    assert SigningKey.objects.count() == 2


def test_a_wrong_key_encryption_key_says_so(kek, db, settings):
    call_command("generate_signing_key", stdout=StringIO())
    settings.KEY_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(ImproperlyConfigured, match="KEY_ENCRYPTION_KEY does not decrypt"):
        keys.jwks()


def test_the_old_key_encryption_key_still_decrypts_after_adding_a_new_one(kek, db, settings):
    call_command("generate_signing_key", stdout=StringIO())
    kid = keys.signing_kid()
    settings.KEY_ENCRYPTION_KEY = Fernet.generate_key().decode() + "," + kek
    keys._cache["fingerprint"] = None
    assert keys.signing_kid() == kid


def test_rotation_refuses_an_empty_database(kek, db):
    with pytest.raises(CommandError, match="No signing key in the database"):
        call_command("rotate_signing_key", stdout=StringIO())
    assert not SigningKey.objects.exists()
