"""The playground: a real sign-in as one of the developer's clients, each protocol step kept for display.

The pending sign-in (state, nonce, PKCE verifier and, for confidential clients, the secret typed for this one
sign-in) lives in the person's session until the callback consumes it; the exchange and userinfo calls go to
our own endpoints in-process (developer.loopback).
"""

import base64
import hashlib
import json
import logging
import secrets
import time
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException

from oauth_provider.console import loopback
from oauth_provider.exceptions import PlaygroundError
from oauth_provider.models import Client
from oauth_provider.selectors import client_get_for_owner

log = logging.getLogger(__name__)
PLAYGROUND_CALLBACK_PATH = "/developer/playground/callback"


def playground_callback_uri() -> str:
    """The redirect URI of the playground, on this site's own host."""
    return f"{settings.URL.rstrip('/')}{PLAYGROUND_CALLBACK_PATH}"

SESSION_KEY = "developer_playground"
REFRESH_SESSION_KEY = "developer_playground_refresh"
MAX_PENDING = 5
PENDING_TTL_SECONDS = 15 * 60


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _cipher() -> Fernet:
    """Encrypts the secret waiting in the session (rows of the session table are plain data)."""
    key = hashlib.sha256(f"developer.playground.secret:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _secret_seal(secret: str) -> str:
    return _cipher().encrypt(secret.encode()).decode() if secret else ""


def _secret_open(sealed: str, ttl: int | None = PENDING_TTL_SECONDS) -> str:
    """The secret in clear, or "" once it is older than ttl seconds."""
    if not sealed:
        return ""
    try:
        return _cipher().decrypt(sealed.encode(), ttl=ttl).decode()
    except InvalidToken:
        return ""


def pkce_challenge(verifier: str) -> str:
    """S256 code_challenge of a verifier (RFC 7636 4.2)."""
    return _b64url(hashlib.sha256(verifier.encode()).digest())


def playground_start(
    *, session, client: Client, response_type: str, scopes: list[str], pkce: bool,
    response_mode: str = "", prompt: str = "", client_secret: str = "",
) -> str:
    """Remember a new sign-in in the session and return the authorize URL to send the browser to."""
    metadata = loopback.provider_metadata()
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(16)
    verifier = secrets.token_urlsafe(48) if pkce else ""
    params = {
        "client_id": client.client_id, "redirect_uri": playground_callback_uri(), "response_type": response_type,
        "scope": " ".join(scopes), "state": state, "nonce": nonce,
    }
    if verifier:
        params.update(code_challenge=pkce_challenge(verifier), code_challenge_method="S256")
    if response_mode:
        params["response_mode"] = response_mode
    if prompt:
        params["prompt"] = prompt
    authorize_url = f"{metadata['authorization_endpoint']}?{urlencode(params, quote_via=quote)}"
    now = time.time()
    pending = {
        key: value for key, value in session.get(SESSION_KEY, {}).items()
        if now - value.get("started_at", 0) < PENDING_TTL_SECONDS
    }
    for stale in sorted(pending, key=lambda key: pending[key]["started_at"])[: max(0, len(pending) - MAX_PENDING + 1)]:
        del pending[stale]
    pending[state] = {
        "client_id": client.client_id, "nonce": nonce, "verifier": verifier, "response_type": response_type,
        "scopes": scopes, "secret": _secret_seal(client_secret), "authorize_url": authorize_url, "started_at": now,
    }
    session[SESSION_KEY] = pending
    log.info("playground started client_id=%s response_type=%s pkce=%s", client.client_id, response_type, bool(verifier))
    return authorize_url


def _pretty(data) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False)


def _half_hash(value: str) -> str:
    """at_hash / c_hash for RS256 (OIDC Core 3.3.2.11)."""
    digest = hashlib.sha256(value.encode()).digest()
    return _b64url(digest[: len(digest) // 2])


def id_token_inspect(
    *, token: str, jwks: dict, issuer: str, client_id: str, nonce: str | None, access_token: str = "", code: str = ""
) -> dict:
    """Header and claims of an id_token, its signature checked against the JWKS and its claims validated."""
    report = {"raw": token, "header": None, "claims": None, "signature_ok": False, "kid": None, "checks": [], "times": []}
    parts = token.split(".")
    try:
        header = json.loads(_b64url_decode(parts[0]))
        claims = json.loads(_b64url_decode(parts[1]))
    except (IndexError, ValueError):
        report["checks"].append(("decode", False, "This is not a JWS compact serialization."))
        return report
    report.update(header=_pretty(header), claims=_pretty(claims), kid=header.get("kid"))
    report["times"] = [
        (name, datetime.fromtimestamp(claims[name], tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))
        for name in ("iat", "auth_time", "exp") if isinstance(claims.get(name), int | float)
    ]
    try:
        keyset = jwk.JWKSet.from_json(json.dumps(jwks))
        jwt.JWT(jwt=token, key=keyset, algs=["RS256"], check_claims=False, expected_type="JWS")
    except (JWException, ValueError, KeyError, TypeError) as error:
        report["checks"].append(("signature", False, f"Not verified with the published keys: {error}"))
    else:
        report["signature_ok"] = True
        report["checks"].append(("signature", True, f"RS256 signature verified with the JWKS key {header.get('kid')}."))
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    exp = claims.get("exp")
    exp_ok = isinstance(exp, int | float) and exp > time.time()
    report["checks"] += [
        ("iss", claims.get("iss") == issuer, f"iss is {claims.get('iss')!r}; expected {issuer!r}."),
        ("aud", client_id in audiences, f"aud is {audience!r}; it must contain the client id."),
        ("exp", exp_ok, "exp is in the future." if exp_ok else "The token has expired (or has no exp)."),
    ]
    if nonce is not None:
        nonce_ok = claims.get("nonce") == nonce
        report["checks"].append(
            ("nonce", nonce_ok, "nonce matches the one sent." if nonce_ok else "nonce does not match the one sent.")
        )
    if access_token and "at_hash" in claims:
        report["checks"].append(("at_hash", claims["at_hash"] == _half_hash(access_token), "at_hash matches the access token."))
    if code and "c_hash" in claims:
        report["checks"].append(("c_hash", claims["c_hash"] == _half_hash(code), "c_hash matches the code."))
    return report


def _basic_auth(client_id: str, secret: str) -> str:
    """client_secret_basic credentials (RFC 6749 2.3.1: form-urlencoded, then Base64)."""
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def _call_report(answer: loopback.LoopbackResponse) -> dict:
    data = answer.json()
    return {"status": answer.status, "json": data, "body": _pretty(data) if data is not None else answer.body}


def playground_finish(*, session, user, params: dict) -> dict:
    """Consume the pending sign-in named by `state` and run the remaining steps; PlaygroundError if there is none."""
    try:
        return _finish(session=session, user=user, params=params)
    except loopback.LoopbackError as error:
        raise PlaygroundError(f"The provider's endpoints could not be reached in-process: {error}") from error


def _finish(*, session, user, params: dict) -> dict:
    store = session.get(SESSION_KEY, {})
    pending = store.pop(params.get("state") or "", None)
    session[SESSION_KEY] = store
    if pending is not None and time.time() - pending.get("started_at", 0) >= PENDING_TTL_SECONDS:
        pending = None
    if pending is None:
        raise PlaygroundError(
            "No playground sign-in is waiting for this answer (unknown or already used state, or you logged out "
            "in between). Start again from your client's page."
        )
    try:
        client = client_get_for_owner(user=user, client_id=pending["client_id"])
    except Client.DoesNotExist:
        raise PlaygroundError("This client no longer exists.") from None
    metadata = loopback.provider_metadata()
    result = {
        "client": client, "authorize_url": pending["authorize_url"], "response_type": pending["response_type"],
        "callback": sorted(params.items()), "error": None, "iss": None, "token": None, "id_tokens": [], "userinfo": None,
    }
    if "iss" in params:  # RFC 9207 2.4
        result["iss"] = (params["iss"] == metadata["issuer"], params["iss"], metadata["issuer"])
    if params.get("error"):
        result["error"] = (params["error"], params.get("error_description", ""))
        return result
    jwks = loopback.request(method="GET", url=metadata["jwks_uri"]).json() or {"keys": []}
    inspect = {"jwks": jwks, "issuer": metadata["issuer"], "client_id": client.client_id, "nonce": pending["nonce"]}
    code = params.get("code", "")
    access_token = params.get("access_token", "")
    if params.get("id_token"):
        report = id_token_inspect(token=params["id_token"], access_token=access_token, code=code, **inspect)
        result["id_tokens"].append(("From the authorization response", report))
    if code:
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": playground_callback_uri()}
        if pending["verifier"]:
            data["code_verifier"] = pending["verifier"]
        access_token = _token_step(
            result, session=session, client=client, metadata=metadata, data=data, secret=_secret_open(pending["secret"]),
            inspect=inspect,
        ) or access_token
    if access_token:
        result["userinfo"] = _userinfo_step(metadata=metadata, access_token=access_token)
    log.info("playground finished client_id=%s token_status=%s", client.client_id, (result["token"] or {}).get("status"))
    return result


def _token_step(result: dict, *, session, client: Client, metadata: dict, data: dict, secret: str, inspect: dict) -> str:
    """POST to the token endpoint as the client; records the answer and id_token, keeps the refresh token. Returns the access token."""
    headers = {}
    if client.client_type == Client.CLIENT_CONFIDENTIAL:
        headers["Authorization"] = _basic_auth(client.client_id, secret)
    else:
        data = {**data, "client_id": client.client_id}
    result["token"] = _call_report(loopback.request(method="POST", url=metadata["token_endpoint"], data=data, headers=headers))
    tokens = result["token"]["json"] or {}
    if result["token"]["status"] != 200:
        return ""
    refresh_tokens = session.get(REFRESH_SESSION_KEY, {})
    if tokens.get("refresh_token"):
        refresh_tokens[client.client_id] = _secret_seal(tokens["refresh_token"])
    else:
        refresh_tokens.pop(client.client_id, None)
    session[REFRESH_SESSION_KEY] = refresh_tokens
    access_token = tokens.get("access_token", "")
    if tokens.get("id_token"):
        report = id_token_inspect(token=tokens["id_token"], access_token=access_token, **inspect)
        result["id_tokens"].append(("From the token response", report))
    return access_token


def _userinfo_step(*, metadata: dict, access_token: str) -> dict:
    return _call_report(loopback.request(
        method="GET", url=metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}
    ))


def playground_can_refresh(*, session, client: Client) -> bool:
    """True when the last playground sign-in of this client left a refresh token."""
    return client.client_id in session.get(REFRESH_SESSION_KEY, {})


def playground_refresh(*, session, client: Client, client_secret: str = "") -> dict:
    """Use the refresh token of the client's last playground sign-in (RFC 6749 6): new tokens, id_token, userinfo."""
    refresh_token = _secret_open(session.get(REFRESH_SESSION_KEY, {}).get(client.client_id, ""), ttl=None)
    if not refresh_token:
        raise PlaygroundError("There is no refresh token to use: run a sign-in with a code first.")
    try:
        metadata = loopback.provider_metadata()
        jwks = loopback.request(method="GET", url=metadata["jwks_uri"]).json() or {"keys": []}
        result = {
            "client": client, "authorize_url": None, "response_type": "refresh_token", "callback": [],
            "error": None, "iss": None, "token": None, "id_tokens": [], "userinfo": None,
        }
        inspect = {"jwks": jwks, "issuer": metadata["issuer"], "client_id": client.client_id, "nonce": None}
        access_token = _token_step(
            result, session=session, client=client, metadata=metadata, secret=client_secret, inspect=inspect,
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        )
        if access_token:
            result["userinfo"] = _userinfo_step(metadata=metadata, access_token=access_token)
    except loopback.LoopbackError as error:
        raise PlaygroundError(f"The provider's endpoints could not be reached in-process: {error}") from error
    log.info("playground refreshed client_id=%s token_status=%s", client.client_id, result["token"]["status"])
    return result


def curl_commands(*, client: Client, metadata: dict, redirect_uri: str) -> list[tuple[str, str]]:
    """Shell commands that walk through a code flow by hand with this client."""
    public = client.client_type == Client.CLIENT_PUBLIC
    params = {
        "client_id": client.client_id, "redirect_uri": redirect_uri, "response_type": "code",
        "scope": "openid email profile", "state": "STATE", "nonce": "NONCE",
    }
    if public:
        params.update(code_challenge="CHALLENGE", code_challenge_method="S256")
    authorize = f"{metadata['authorization_endpoint']}?{urlencode(params, quote_via=quote)}".replace("CHALLENGE", "$CHALLENGE")
    exchange = [f"curl -X POST {metadata['token_endpoint']}"]
    if public:
        exchange += [f"  -d client_id={client.client_id}", '  -d code_verifier="$VERIFIER"']
    else:
        exchange += [f"  -u '{client.client_id}:YOUR_CLIENT_SECRET'"]
    exchange += ["  -d grant_type=authorization_code", "  -d code=THE_CODE", f"  --data-urlencode redirect_uri={redirect_uri}"]
    commands = [("The provider's configuration", f"curl {metadata['issuer']}/.well-known/openid-configuration")]
    if public:
        commands.append(("Make a PKCE verifier and its S256 challenge", (
            "VERIFIER=$(openssl rand -base64 48 | tr -d '=+/\\n' | cut -c1-64)\n"
            "CHALLENGE=$(printf %s \"$VERIFIER\" | openssl dgst -sha256 -binary | openssl base64 | tr '+/' '-_' | tr -d '=\\n')"
        )))
    commands += [
        ("Open in a browser; you come back to the redirect URI with ?code=…", f'open "{authorize}"'),
        ("Exchange the code (valid 60 seconds) for tokens", " \\\n".join(exchange)),
        ("Ask who signed in", f'curl -H "Authorization: Bearer ACCESS_TOKEN" {metadata["userinfo_endpoint"]}'),
    ]
    return commands
