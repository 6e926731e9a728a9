"""The playground's steps: the authorize URL, then the callback's exchange, id_token checks, userinfo and refresh."""

import base64
import logging
import secrets
import time
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils.translation import gettext as _

from oauth_provider.console import loopback
from oauth_provider.console.playground import state as state_store
from oauth_provider.console.playground.inspect import id_token_inspect, pkce_challenge, pretty
from oauth_provider.exceptions import PlaygroundError
from oauth_provider.models import Client
from oauth_provider.selectors import client_get_for_owner

log = logging.getLogger(__name__)
PLAYGROUND_CALLBACK_PATH = "/developer/playground/callback"


def playground_callback_uri() -> str:
    """The redirect URI of the playground, on this site's own host."""
    return f"{settings.URL.rstrip('/')}{PLAYGROUND_CALLBACK_PATH}"


def playground_start(
    *,
    session,
    client: Client,
    response_type: str,
    scopes: list[str],
    pkce: bool,
    response_mode: str = "",
    prompt: str = "",
    client_secret: str = "",
) -> str:
    """Remember a new sign-in in the session and return the authorize URL to send the browser to."""
    metadata = loopback.provider_metadata()
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(16)
    verifier = secrets.token_urlsafe(48) if pkce else ""
    params = {
        "client_id": client.client_id,
        "redirect_uri": playground_callback_uri(),
        "response_type": response_type,
        "scope": " ".join(scopes),
        "state": state,
        "nonce": nonce,
    }
    if verifier:
        params.update(code_challenge=pkce_challenge(verifier), code_challenge_method="S256")
    if response_mode:
        params["response_mode"] = response_mode
    if prompt:
        params["prompt"] = prompt
    authorize_url = f"{metadata['authorization_endpoint']}?{urlencode(params, quote_via=quote)}"
    state_store.pending_add(
        session=session,
        state=state,
        now=time.time(),
        pending={
            "client_id": client.client_id,
            "nonce": nonce,
            "verifier": verifier,
            "response_type": response_type,
            "scopes": scopes,
            "secret": state_store.secret_seal(client_secret),
            "authorize_url": authorize_url,
        },
    )
    log.info(
        "playground started client_id=%s response_type=%s pkce=%s", client.client_id, response_type, bool(verifier)
    )
    return authorize_url


def _basic_auth(client_id: str, secret: str) -> str:
    """client_secret_basic credentials (RFC 6749 2.3.1: form-urlencoded, then Base64)."""
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def _call_report(answer: loopback.LoopbackResponse) -> dict:
    data = answer.json()
    return {"status": answer.status, "json": data, "body": pretty(data) if data is not None else answer.body}


def playground_finish(*, session, user, params: dict) -> dict:
    """Consume the pending sign-in named by `state` and run the remaining steps; PlaygroundError if there is none."""
    try:
        return _finish(session=session, user=user, params=params)
    except loopback.LoopbackError as error:
        raise PlaygroundError(
            _("The provider's endpoints could not be reached in-process: %(error)s") % {"error": error}
        ) from error


def _finish(*, session, user, params: dict) -> dict:
    pending = state_store.pending_pop(session=session, state=params.get("state") or "")
    if pending is None:
        raise PlaygroundError(
            _(
                "No playground sign-in is waiting for this answer (unknown or already used state, or you logged out "
                "in between). Start again from your client's page."
            )
        )
    try:
        client = client_get_for_owner(user=user, client_id=pending["client_id"])
    except Client.DoesNotExist:
        raise PlaygroundError(_("This client no longer exists.")) from None
    metadata = loopback.provider_metadata()
    result = {
        "client": client,
        "authorize_url": pending["authorize_url"],
        "response_type": pending["response_type"],
        "callback": sorted(params.items()),
        "error": None,
        "iss": None,
        "token": None,
        "id_tokens": [],
        "userinfo": None,
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
        result["id_tokens"].append((_("From the authorization response"), report))
    if code:
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": playground_callback_uri()}
        if pending["verifier"]:
            data["code_verifier"] = pending["verifier"]
        access_token = (
            _token_step(
                result,
                session=session,
                client=client,
                metadata=metadata,
                data=data,
                secret=state_store.secret_open(pending["secret"]),
                inspect=inspect,
            )
            or access_token
        )
    if access_token:
        result["userinfo"] = _userinfo_step(metadata=metadata, access_token=access_token)
    log.info(
        "playground finished client_id=%s token_status=%s", client.client_id, (result["token"] or {}).get("status")
    )
    return result


def _token_step(
    result: dict, *, session, client: Client, metadata: dict, data: dict, secret: str, inspect: dict
) -> str:
    """POST to the token endpoint as the client; records the answer and id_token, keeps the refresh token. Returns the access token."""
    headers = {}
    if client.client_type == Client.CLIENT_CONFIDENTIAL:
        headers["Authorization"] = _basic_auth(client.client_id, secret)
    else:
        data = {**data, "client_id": client.client_id}
    result["token"] = _call_report(
        loopback.request(method="POST", url=metadata["token_endpoint"], data=data, headers=headers)
    )
    tokens = result["token"]["json"] or {}
    if result["token"]["status"] != 200:
        return ""
    state_store.refresh_token_keep(
        session=session, client_id=client.client_id, refresh_token=tokens.get("refresh_token", "")
    )
    access_token = tokens.get("access_token", "")
    if tokens.get("id_token"):
        report = id_token_inspect(token=tokens["id_token"], access_token=access_token, **inspect)
        result["id_tokens"].append((_("From the token response"), report))
    return access_token


def _userinfo_step(*, metadata: dict, access_token: str) -> dict:
    return _call_report(
        loopback.request(
            method="GET", url=metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}
        )
    )


def playground_can_refresh(*, session, client: Client) -> bool:
    """True when the last playground sign-in of this client left a refresh token."""
    return state_store.refresh_token_exists(session=session, client_id=client.client_id)


def playground_refresh(*, session, client: Client, client_secret: str = "") -> dict:
    """Use the refresh token of the client's last playground sign-in (RFC 6749 6): new tokens, id_token, userinfo."""
    refresh_token = state_store.refresh_token_get(session=session, client_id=client.client_id)
    if not refresh_token:
        raise PlaygroundError(_("There is no refresh token to use: run a sign-in with a code first."))
    try:
        metadata = loopback.provider_metadata()
        jwks = loopback.request(method="GET", url=metadata["jwks_uri"]).json() or {"keys": []}
        result = {
            "client": client,
            "authorize_url": None,
            "response_type": "refresh_token",
            "callback": [],
            "error": None,
            "iss": None,
            "token": None,
            "id_tokens": [],
            "userinfo": None,
        }
        inspect = {"jwks": jwks, "issuer": metadata["issuer"], "client_id": client.client_id, "nonce": None}
        access_token = _token_step(
            result,
            session=session,
            client=client,
            metadata=metadata,
            secret=client_secret,
            inspect=inspect,
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        )
        if access_token:
            result["userinfo"] = _userinfo_step(metadata=metadata, access_token=access_token)
    except loopback.LoopbackError as error:
        raise PlaygroundError(
            _("The provider's endpoints could not be reached in-process: %(error)s") % {"error": error}
        ) from error
    log.info("playground refreshed client_id=%s token_status=%s", client.client_id, result["token"]["status"])
    return result
