"""Endpoints of the OpenID Connect provider: thin views over DOT, oauthlib and our services."""

import base64
import logging
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from oauth2_provider import views as dot_views
from oauth2_provider.exceptions import FatalClientError, InvalidOIDCClientError, OAuthToolkitError
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.common import Request as OauthlibRequest

from accounts.selectors import alias_list, user_can_create_alias
from billing.selectors import user_can_create_custom_alias
from oauth_provider import claims, keys, responses, selectors, services
from oauth_provider.exceptions import ConsentError
from oauth_provider.forms import ConsentForm
from oauth_provider.models import Client
from oauth_provider.oauth2_validator import RESPONSE_TYPE_GRANT, TOKEN_GRANT_TYPES, response_type_normalize
from oauth_provider.sessions import fresh_login_required, reauth_mark, session_auth_time

log = logging.getLogger(__name__)


def _repeated_parameter(params) -> str | None:
    """The first parameter sent more than once, or None (RFC 6749 3.1, 3.2: parameters MUST NOT repeat)."""
    return next((key for key, values in params.lists() if len(values) > 1), None)


def _basic_client_id(request) -> str | None:
    """The client_id of an HTTP Basic Authorization header (RFC 6749 2.3.1), or None."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except ValueError:
        return None
    client_id, separator, _secret = decoded.partition(":")
    return unquote_plus(client_id) if separator else None


def _error_page(request, *, error: str, description: str, status: int = 400) -> HttpResponse:
    """An HTML error for a request we must not redirect (bad client_id or redirect_uri)."""
    return render(request, "oauth_provider/error.html", {"error": error, "description": description}, status=status)


class AuthorizeView(dot_views.AuthorizationView):
    """`/oauth2/authorize`: sign-in page, consent, and every response type and mode."""

    template_name = "oauth_provider/authorize.html"
    http_method_names = ["get", "post", "head", "options"]

    def setup(self, request, *args, **kwargs):
        """Put response_type values in one order: it does not matter (OAuth 2.0 Multiple Response Types 5)."""
        super().setup(request, *args, **kwargs)
        values = request.GET.getlist("response_type")
        if len(values) == 1 and (normalized := response_type_normalize(values[0])) != values[0]:
            query = [(key, normalized if key == "response_type" else value)
                     for key, value in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)]
            request.META["QUERY_STRING"] = urlencode(query)
            request.GET = QueryDict(request.META["QUERY_STRING"])

    def get(self, request, *args, **kwargs):
        return self.authorize(consent=None)

    def post(self, request, *args, **kwargs):
        return self.authorize(consent=request.POST)

    # --- errors ---

    def oauth_error(self, error: OAuthToolkitError) -> HttpResponse:
        """Fatal errors (client, redirect_uri) render a page; others go back to the validated redirect_uri."""
        oauthlib_error = error.oauthlib_error
        if isinstance(error, FatalClientError) or not oauthlib_error.redirect_uri:
            return _error_page(self.request, error=oauthlib_error.error, description=oauthlib_error.description or "")
        response_type = self.request.GET.get("response_type")
        mode, _ = responses.response_mode_choose(requested=self.request.GET.get("response_mode"), response_type=response_type)
        code, description = oauthlib_error.error, oauthlib_error.description or ""
        if code == "unauthorized_client" and response_type_normalize(response_type) not in RESPONSE_TYPE_GRANT:
            code, description = "unsupported_response_type", "Unsupported response_type."  # RFC 6749 4.1.2.1
        return responses.authorization_error(
            request=self.request, redirect_uri=oauthlib_error.redirect_uri, mode=mode,
            error=code, description=description, state=oauthlib_error.state,
        )

    def validated(self):
        """(scopes, credentials, mode, error response or None) for the request in the URL."""
        try:
            scopes, credentials = self.validate_authorization_request(self.request)
        except OAuthToolkitError as error:
            return None, None, None, self.oauth_error(error)
        mode, problem = responses.response_mode_choose(
            requested=self.request.GET.get("response_mode"), response_type=credentials["response_type"]
        )
        if not problem and "id_token" in credentials["response_type"].split() and "openid" not in scopes:
            problem = "An id_token can only be returned for the openid scope."  # OIDC Core 3.2.2.1
        if not problem and credentials.get("code_challenge_method") == "plain":
            problem = 'The "plain" code_challenge_method is not supported; use "S256".'
        if not problem and len(credentials.get("nonce") or "") > 255:
            problem = "nonce is too long (255 characters at most)."
        challenge = credentials.get("code_challenge")
        if not problem and challenge is not None and not 43 <= len(challenge) <= 128:
            problem = "code_challenge must be 43 to 128 characters (RFC 7636 4.2)."
        max_age = self.request.GET.get("max_age", "0")
        if not problem and not (max_age.isascii() and max_age.isdigit()):
            problem = "max_age must be a number of seconds."
        if not problem and (repeated := _repeated_parameter(self.request.GET)):
            problem = f"The {repeated} parameter is repeated."
        if problem:
            return None, None, None, self.error_to_client(credentials, mode, "invalid_request", problem)
        for param in ("request", "request_uri", "registration"):
            if param in self.request.GET:  # OIDC Core 6.1, 6.2, 7.2.1: say so rather than ignore it
                return None, None, None, self.error_to_client(credentials, mode, f"{param}_not_supported")
        return scopes, credentials, mode, None

    def error_to_client(self, credentials, mode, error, description=""):
        """An error for the validated redirect_uri, in the request's response mode, with its state."""
        return responses.authorization_error(
            request=self.request, redirect_uri=credentials["redirect_uri"], mode=mode,
            error=error, description=description, state=credentials.get("state"),
        )

    # --- signed out ---

    def handle_no_permission(self):
        """Signed out: login_required for prompt=none, otherwise the app's sign-in page."""
        scopes, credentials, mode, error = self.validated()
        if error:
            return error
        if "none" in set(self.request.GET.get("prompt", "").split()):
            return self.error_to_client(credentials, mode, "login_required")
        client = selectors.client_get_by_client_id(client_id=credentials["client_id"])
        next_url = self.next_url(drop_prompt="login")
        return render(self.request, "oauth_provider/signed_out.html", {
            "client": client,
            "login_url": f"{reverse('account_login')}?{urlencode({'next': next_url})}",
            "signup_url": f"{reverse('account_signup')}?{urlencode({'next': next_url})}",
        })

    def next_url(self, *, drop_prompt: str) -> str:
        """This authorize URL without one prompt value, to come back to after logging in."""
        query = []
        for key, value in parse_qsl(self.request.META.get("QUERY_STRING", ""), keep_blank_values=True):
            if key == "prompt":
                value = " ".join(p for p in value.split() if p != drop_prompt)
                if not value:
                    continue
            query.append((key, value))
        return f"{self.request.path}?{urlencode(query)}"

    def login_again(self) -> HttpResponse:
        """Log out and send the person to log in, back here afterwards."""
        next_url = self.next_url(drop_prompt="login")
        logout(self.request)
        reauth_mark(self.request)
        return redirect_to_login(next_url)

    # --- signed in ---

    def authorize(self, *, consent):
        """Signed in: freshness (prompt/max_age), then the stored consent, the consent page, or the POSTed choice."""
        scopes, credentials, mode, error = self.validated()
        if error:
            return error
        request = self.request
        prompt = set(request.GET.get("prompt", "").split())
        auth_time = session_auth_time(request)
        if fresh_login_required(request=request, prompt=prompt, auth_time=auth_time):
            if "none" in prompt:
                return self.error_to_client(credentials, mode, "login_required")
            return self.login_again()
        client = selectors.client_get_by_client_id(client_id=credentials["client_id"])
        authorization = selectors.authorization_get(user=request.user, client=client)
        if consent is None:
            # A scope the person has not granted yet needs their consent, even for a known app.
            if authorization is not None and "consent" not in prompt and authorization.covers(scopes):
                return self.issue(scopes, credentials, mode, authorization, auth_time)
            if "none" in prompt:
                return self.error_to_client(credentials, mode, "consent_required")
            return self.consent_page(client, scopes, credentials, ConsentForm(initial=self.initial(authorization)))
        if consent.get("action") == "deny":
            log.info("authorization denied user_id=%s client_id=%s", request.user.pk, client.pk)
            return self.error_to_client(credentials, mode, "access_denied", "The person declined.")
        form = ConsentForm(data=consent)
        if form.is_valid():
            try:
                authorization = services.authorization_grant(
                    user=request.user, client=client, choice=form.choice(), scopes=scopes
                )
            except ConsentError as refusal:
                form.add_error(None, str(refusal))
            else:
                return self.issue(scopes, credentials, mode, authorization, auth_time)
        return self.consent_page(client, scopes, credentials, form, status=400)

    def initial(self, authorization):
        """Consent form defaults: the stored choice, else a new random alias when the plan allows."""
        user = self.request.user
        if authorization is not None:
            email = authorization.alias.email if authorization.alias_id else services.EMAIL_REAL
            return {"email": email, "name": authorization.name, "share_avatar": authorization.share_avatar}
        email = services.EMAIL_RANDOM if user_can_create_alias(user=user) else services.EMAIL_REAL
        return {"email": email, "name": user.name, "share_avatar": bool(user.avatar)}

    def consent_page(self, client, scopes, credentials, form, status=200):
        """Render the consent page; its CSP lets the form's redirect reach the client."""
        user = self.request.user
        response = render(self.request, self.template_name, {
            "client": client, "form": form, "scopes": scopes,
            "scope_descriptions": [oauth2_settings.SCOPES.get(scope, scope) for scope in scopes],
            "selected": form["email"].value() or "",
            "can_create_random": user_can_create_alias(user=user),
            "can_create_custom": user_can_create_custom_alias(user=user),
            "aliases": alias_list(user=user).filter(enabled=True)[:100],
        }, status=status)
        # Chrome applies form-action to the redirect that follows the POST.
        response._csp_update = {"form-action": [responses.origin(credentials["redirect_uri"])]}
        return response

    def issue(self, scopes, credentials, mode, authorization, auth_time):
        """Let oauthlib mint the code/tokens (fragment-encoded), then answer in the requested mode."""
        credentials = {**credentials, "response_mode": responses.FRAGMENT, "auth_time": auth_time}
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=self.request, scopes=" ".join(scopes), credentials=credentials, allow=True
            )
        except OAuthToolkitError as error:
            return self.oauth_error(error)
        services.authorization_touch(authorization=authorization)
        params = parse_qsl(urlsplit(uri).fragment, keep_blank_values=True)
        return responses.authorization_response(
            request=self.request, redirect_uri=credentials["redirect_uri"], params=params, mode=mode
        )


class TokenView(dot_views.TokenView):
    """`/oauth2/token`: DOT's endpoint; invalid_client answers 401 with a Basic challenge (RFC 6749 5.2)."""

    def post(self, request, *args, **kwargs):
        if repeated := _repeated_parameter(request.POST):
            return self.error(400, "invalid_request", f"The {repeated} parameter is repeated.")  # RFC 6749 3.2
        basic_id = _basic_client_id(request)
        if basic_id is not None and request.POST.get("client_id", basic_id) != basic_id:
            response = self.error(401, "invalid_client", "client_id differs from the authenticated client.")
            response["WWW-Authenticate"] = 'Basic realm="SimpleLogin", charset="UTF-8"'
            return response
        if request.POST.get("grant_type") not in TOKEN_GRANT_TYPES:
            # Before oauthlib: its password grant would check the password first (a guessing oracle).
            return self.error(400, "unsupported_grant_type")
        # One transaction: the tokens and the spent code are stored together, with one commit (one WAL flush).
        with transaction.atomic():
            _url, headers, body, status = self.create_token_response(request)
        response = HttpResponse(body, status=status, content_type="application/json")
        for key, value in headers.items():
            response[key] = value
        if status == 401:
            response["WWW-Authenticate"] = 'Basic realm="SimpleLogin", charset="UTF-8"'
        return response

    def error(self, status: int, error: str, description: str = "") -> JsonResponse:
        """A token error response (RFC 6749 5.2)."""
        response = JsonResponse({"error": error, **({"error_description": description} if description else {})},
                                status=status)
        response["Cache-Control"] = "no-store"
        return response


def _bearer_error(status: int, error: str, description: str) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["WWW-Authenticate"] = f'Bearer error="{error}", error_description="{description}"'
    response["Cache-Control"] = "no-store"
    return response


@method_decorator(csrf_exempt, name="dispatch")
class UserInfoView(View):
    """`/oauth2/userinfo` (also user_info, me): the claims, for a Bearer token in the header only."""

    def get(self, request, *args, **kwargs):
        return self.userinfo(request)

    def post(self, request, *args, **kwargs):
        return self.userinfo(request)

    def userinfo(self, request):
        """The claims for a live access token presented in the Authorization header."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if "access_token" in request.GET or scheme.lower() != "bearer" or not token.strip():
            # RFC 9700 4.3.2 / RFC 6750 2: the access token goes in the Authorization header.
            return _bearer_error(401, "invalid_request", "Send the access token in an Authorization: Bearer header.")
        row = selectors.userinfo_row(token=token.strip())
        if row is None:
            return _bearer_error(401, "invalid_token", "The access token is invalid or expired.")
        data = claims.claims_from_row(row)
        response = JsonResponse(data)
        response["Cache-Control"] = "no-store"
        return response


@method_decorator(csrf_exempt, name="dispatch")
class IntrospectView(OAuthLibMixin, View):
    """`/oauth2/introspect` (RFC 7662): an authenticated confidential client learns about its own tokens."""

    def post(self, request, *args, **kwargs):
        core = self.get_oauthlib_core()
        uri, method, body, headers = core._extract_params(request)
        oauthlib_request = OauthlibRequest(uri, method, body, headers)
        if not core.server.request_validator.authenticate_client(oauthlib_request) or (
            oauthlib_request.client.client_type != Client.CLIENT_CONFIDENTIAL
        ):
            response = JsonResponse({"error": "invalid_client"}, status=401)
            response["WWW-Authenticate"] = 'Basic realm="SimpleLogin", charset="UTF-8"'
            return response
        token = request.POST.get("token")
        if not token:
            return JsonResponse({"error": "invalid_request", "error_description": "token is required."}, status=400)
        data = selectors.token_introspect(client=oauthlib_request.client, token=token)
        response = JsonResponse(data)
        response["Cache-Control"] = "no-store"
        return response


class RevokeView(dot_views.RevokeTokenView):
    """`/oauth2/revoke` (RFC 7009): DOT's endpoint, scoped to the authenticated client's tokens."""


class LogoutView(dot_views.RPInitiatedLogoutView):
    """`/oauth2/end_session`: RP-initiated logout with id_token_hint and a registered post_logout_redirect_uri."""

    template_name = "oauth_provider/logout_confirm.html"
    http_method_names = ["get", "post", "head", "options"]
    token_deletion_client_types = []  # DOT would revoke the person's tokens at every app; do_logout scopes it

    def get_request_application(self, id_token, client_id):
        """The client named by client_id, else the hint's; an unknown client_id is invalid_request (400)."""
        if client_id:
            client = selectors.client_get_by_client_id(client_id=client_id)
            if client is None:
                raise InvalidOIDCClientError()
            return client
        return id_token.application if id_token else None

    def do_logout(self, application=None, post_logout_redirect_uri=None, state=None, token_user=None):
        """Revoke the signed-in person's tokens at the app that asked only, then log out.

        Without a session nothing is revoked: an old id_token_hint alone must not cut anyone's access.
        """
        person = self.request.user
        if application is not None and person.is_authenticated:
            services.tokens_revoke_for_user_client(user_id=person.pk, client_id=application.pk)
        return super().do_logout(application, post_logout_redirect_uri, state, token_user)


def _endpoint(name: str) -> str:
    return f"{claims.issuer()}{reverse(f'oauth_provider:{name}')}"


def _metadata() -> dict:
    """What both discovery documents share."""
    return {
        "issuer": claims.issuer(),
        "authorization_endpoint": _endpoint("authorize"),
        "token_endpoint": _endpoint("token"),
        "userinfo_endpoint": _endpoint("userinfo"),
        "jwks_uri": _endpoint("jwks"),
        "introspection_endpoint": _endpoint("introspect"),
        "revocation_endpoint": _endpoint("revoke"),
        "end_session_endpoint": _endpoint("end-session"),
        "scopes_supported": ["openid", "email", "profile", "name", "avatar_url"],
        "response_types_supported": [
            "code", "token", "id_token", "id_token token", "code id_token", "code token", "code id_token token",
        ],
        "response_modes_supported": list(responses.RESPONSE_MODES),
        "grant_types_supported": ["authorization_code", "implicit", "refresh_token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": list(claims.CLAIMS_SUPPORTED) + ["iss", "aud", "exp", "iat", "auth_time", "nonce",
                                                             "at_hash", "c_hash"],
        "prompt_values_supported": ["none", "login", "consent"],
        "authorization_response_iss_parameter_supported": True,
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    }


def _public_json(data: dict) -> JsonResponse:
    response = JsonResponse(data)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def openid_configuration(request):
    """`/.well-known/openid-configuration` (OpenID Connect Discovery 1.0)."""
    return _public_json(_metadata())


@require_GET
def authorization_server_metadata(request):
    """`/.well-known/oauth-authorization-server` (RFC 8414)."""
    return _public_json(_metadata())


@require_GET
def jwks(request):
    """`/jwks`: the public keys; the kid in id_token headers is one of them."""
    return _public_json(keys.jwks())

