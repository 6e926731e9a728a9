"""Signing keys: kid is the RFC 7638 thumbprint, rotation keeps the old key published until its tokens expire."""

import base64
import json
import os
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from jwcrypto import jwk, jwt

from oauth_provider import keys
from tests.factories import AuthorizationFactory
from tests.oauth_provider.conftest import authorize_url, exchange, response_params


def kids(client):
    return [k["kid"] for k in client.get("/jwks").json()["keys"]]


def id_token_for(http, app):
    code = response_params(http.get(authorize_url(app)))["code"]
    return exchange(http, app, code).json()["id_token"]


def header(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))


def test_kid_is_the_rfc7638_thumbprint(client, signing_key_dir):
    key = jwk.JWK.from_pem((signing_key_dir / "jwtRS256.key").read_bytes())
    assert kids(client) == [key.thumbprint()]


def test_rotation_signs_with_the_new_key_and_keeps_the_old_one_published(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    old_token = id_token_for(signed_in, app)
    old_kid = header(old_token)["kid"]
    out = StringIO()
    call_command("rotate_signing_key", stdout=out)
    new_token = id_token_for(signed_in, app)
    new_kid = header(new_token)["kid"]
    assert new_kid != old_kid and f"kid={new_kid}" in out.getvalue()
    published = {k["kid"]: k for k in signed_in.get("/jwks").json()["keys"]}
    assert set(published) == {old_kid, new_kid}
    for token in (old_token, new_token):  # both still verify against the JWKS
        jwt.JWT(key=jwk.JWK(**published[header(token)["kid"]]), jwt=token)


def test_rotation_drops_retired_keys_once_their_tokens_expired(client, signing_key_dir):
    call_command("rotate_signing_key", stdout=StringIO())
    retired = next((signing_key_dir / "retired").iterdir())
    long_ago = time.time() - 3 * 24 * 3600
    os.utime(retired, (long_ago, long_ago))
    call_command("rotate_signing_key", stdout=StringIO())
    assert not retired.exists()
    assert len(kids(client)) == 2  # current + the one retired just now


def test_generate_signing_key_never_overwrites(signing_key_dir):
    before = (signing_key_dir / "jwtRS256.key").read_bytes()
    out = StringIO()
    call_command("generate_signing_key", stdout=out)
    assert "left unchanged" in out.getvalue() and (signing_key_dir / "jwtRS256.key").read_bytes() == before


def test_keys_are_private_files(signing_key_dir):
    call_command("rotate_signing_key", stdout=StringIO())
    assert oct((signing_key_dir / "jwtRS256.key").stat().st_mode & 0o777) == "0o600"
    assert keys.signing_kid() in kids_from_module()


def kids_from_module():
    return [k["kid"] for k in keys.jwks()["keys"]]


def test_rotation_with_a_wrong_keys_dir_refuses_instead_of_starting_a_fresh_key(settings, tmp_path):
    settings.KEYS_DIR = tmp_path / "typo"
    with pytest.raises(CommandError, match="No signing key at .*typo.*check KEYS_DIR"):
        call_command("rotate_signing_key", stdout=StringIO())
    assert not (tmp_path / "typo").exists()
