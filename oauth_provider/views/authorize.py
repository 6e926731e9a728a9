"""`/oauth2/authorize`: the sign-in page, consent, and every response type and mode (OIDC Core 3.1.2, 3.2.2, 3.3.2)."""

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from oauth2_provider import views as dot_views
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauthlib.common import urldecode

from oauth_provider import request_objects, responses, selectors, services
from oauth_provider.constants import Acr, Prompt, ResponseType, Scope, response_type_normalize
from oauth_provider.errors import AuthorizeError, error_page
from oauth_provider.exceptions import ConsentError
from oauth_provider.forms import ConsentForm
from oauth_provider.sessions import (
    STEP_UP_SESSION_KEY,
    acr_values_require_mfa,
    fresh_login_required,
    reauth_mark,
    second_factor_url,
    session_authentication,
)
from simplelogin.middleware import language_choose

log = logging.getLogger(__name__)
SCOPE_LABELS = dict(Scope.choices)
# Parameters that make a POST an authorization request rather than the consent form (OIDC Core 3.1.2.1).
REQUEST_PARAMETERS = ("client_id", "response_type", "request", "request_uri")


def query_replace(request, query: list[tuple[str, str]]) -> None:
    """Make `query` the request's query string, for oauthlib and for the view alike."""
    request.META["QUERY_STRING"] = urlencode(query)
    request.GET = QueryDict(request.META["QUERY_STRING"])


def relying_party_post(request) -> bool:
    """A form-serialized authorization request POSTed by an app: no CSRF token, authorization parameters."""
    return (
        request.method == "POST"
        and request.content_type == "application/x-www-form-urlencoded"
        and "csrfmiddlewaretoken" not in request.POST
        and any(name in request.POST for name in REQUEST_PARAMETERS)
    )


@method_decorator(csrf_exempt, name="dispatch")  # the consent form's POST is checked in consent_post
class AuthorizeView(dot_views.AuthorizationView):
    """`/oauth2/authorize`: sign-in page, consent, and every response type and mode."""

    template_name = "oauth_provider/authorize.html"
    http_method_names = ["get", "post", "head", "options"]

    def setup(self, request, *args, **kwargs):
        """Apply a request object, then put response_type values in one order (OAuth 2.0 Multiple Response Types 5)."""
        super().setup(request, *args, **kwargs)
        self.request_object_apply(request)
        values = request.GET.getlist("response_type")
        if len(values) == 1 and (normalized := response_type_normalize(values[0])) != values[0]:
            query = [
                (key, normalized if key == "response_type" else value)
                for key, value in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
            ]
            query_replace(request, query)

    def request_object_apply(self, request):
        """A valid request object's parameters replace the query's (OIDC Core 6.3.3); rules.py refuses others."""
        query = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
        if sum(key in ("request", "request_uri") for key, _ in query) != 1:
            return
        client = selectors.client_get_by_client_id(client_id=request.GET.get("client_id", ""))
        if client is None:
            return
        try:
            query_replace(request, request_objects.request_object_apply(client=client, params=query))
        except request_objects.RequestObjectError:
            return  # left in place: rules.py answers invalid_request_object at the validated redirect_uri
        language_choose(request, fallback=True)  # the object's ui_locales, read too late for the locale middleware

    def dispatch(self, request, *args, **kwargs):
        if not self.query_decodable(request):
            # RFC 6749 4.1.2.1: parameters that cannot be read name no redirect_uri to send the error to
            description = _(
                "The request's parameters are not valid URL encoding: the app that sent you here made a mistake."
            )
            return error_page(request, error="invalid_request", description=description)
        if relying_party_post(request):
            # OIDC Core 3.1.2.1: POST is accepted; the same request by GET follows (303), before any log-in check.
            query = "&".join(part for part in (request.META.get("QUERY_STRING", ""), request.POST.urlencode()) if part)
            response = HttpResponseRedirect(f"{request.path}?{query}")
            response.status_code = 303
            return response
        return super().dispatch(request, *args, **kwargs)

    def query_decodable(self, request) -> bool:
        """Whether oauthlib can read the query as DOT hands it over (an escape such as %zz made it raise)."""
        try:
            urldecode(urlsplit(self.get_oauthlib_core()._get_escaped_full_path(request)).query)
        except ValueError:
            return False
        return True

    def get(self, request, *args, **kwargs):
        return self.authorize(consent=None)

    def post(self, request, *args, **kwargs):
        return self.consent_post(request)

    @method_decorator(csrf_protect)
    def consent_post(self, request):
        """The consent form (its CSRF token checked here, the view being exempt for relying parties' POSTs)."""
        return self.authorize(consent=request.POST)

    # --- errors ---

    def oauth_error(self, error: OAuthToolkitError) -> HttpResponse:
        """Fatal errors (client, redirect_uri) render a page; others go back to the validated redirect_uri."""
        oauthlib_error = error.oauthlib_error
        if isinstance(error, FatalClientError) or not oauthlib_error.redirect_uri:
            return error_page(self.request, error=oauthlib_error.error, description=oauthlib_error.description or "")
        response_type = self.request.GET.get("response_type")
        mode, _chosen = responses.response_mode_choose(
            requested=self.request.GET.get("response_mode"), response_type=response_type
        )
        code, description = oauthlib_error.error, oauthlib_error.description or ""
        if code == "unauthorized_client" and response_type_normalize(response_type) not in ResponseType.values:
            code, description = "unsupported_response_type", "Unsupported response_type."  # RFC 6749 4.1.2.1
        return AuthorizeError(
            error=code,
            description=description,
            redirect_uri=oauthlib_error.redirect_uri,
            mode=mode,
            state=oauthlib_error.state,
        ).response(self.request)

    def validated(self):
        """(scopes, credentials, mode, error response or None) for the request in the URL (rules.py runs inside)."""
        try:
            scopes, credentials = self.validate_authorization_request(self.request)
        except OAuthToolkitError as error:
            return None, None, None, self.oauth_error(error)
        mode, _chosen = responses.response_mode_choose(
            requested=self.request.GET.get("response_mode"), response_type=credentials["response_type"]
        )
        return scopes, credentials, mode, None

    def error_to_client(self, credentials, mode, error, description=""):
        """An error for the validated redirect_uri, in the request's response mode, with its state."""
        return AuthorizeError(
            error=error,
            description=description,
            redirect_uri=credentials["redirect_uri"],
            mode=mode,
            state=credentials.get("state"),
        ).response(self.request)

    # --- signed out ---

    def handle_no_permission(self):
        """Signed out: login_required for prompt=none, otherwise the log-in page, which names the app."""
        scopes, credentials, mode, error = self.validated()
        if error:
            return error
        if Prompt.NONE in set(self.request.GET.get("prompt", "").split()):
            return self.error_to_client(credentials, mode, "login_required")
        return redirect_to_login(self.next_url(drop_prompt=Prompt.LOGIN))

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
        next_url = self.next_url(drop_prompt=Prompt.LOGIN)
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
        authentication = session_authentication(request)
        if fresh_login_required(request=request, prompt=prompt, auth_time=authentication.auth_time):
            if Prompt.NONE in prompt:
                return self.error_to_client(credentials, mode, "login_required")
            return self.login_again()
        client = selectors.client_get_by_client_id(client_id=credentials["client_id"])
        if acr_values_require_mfa(request.GET.get("acr_values")) and authentication.acr != Acr.MFA:
            if Prompt.NONE in prompt:
                return self.error_to_client(credentials, mode, "interaction_required")  # OIDC Core 3.1.2.6
            return self.step_up(client)
        request.session.pop(STEP_UP_SESSION_KEY, None)
        authorization = selectors.authorization_get(user=request.user, client=client)
        if consent is None:
            # A scope the person has not granted yet needs their consent, even for a known app.
            if authorization is not None and Prompt.CONSENT not in prompt and authorization.covers(scopes):
                return self.issue(scopes, credentials, mode, authorization, authentication)
            if Prompt.NONE in prompt:
                return self.error_to_client(credentials, mode, "consent_required")
            return self.consent_page(client, scopes, credentials, authorization=authorization)
        if consent.get("action") == "switch":
            log.info("account switch on consent user_id=%s client_id=%s", request.user.pk, client.pk)
            return self.login_again()
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
                return self.issue(scopes, credentials, mode, authorization, authentication)
        return self.consent_page(client, scopes, credentials, form=form, authorization=authorization, status=400)

    def step_up(self, client):
        """The app asks for two factors: the second one now, or set one up first and come back (OIDC Core 3.1.2.1)."""
        next_url = self.request.get_full_path()
        url = second_factor_url(user=self.request.user)
        if url:
            return redirect(f"{url}?{urlencode({'next': next_url})}")
        self.request.session[STEP_UP_SESSION_KEY] = {"next": next_url, "client": client.name}
        messages.info(
            self.request,
            _(
                "%(client)s asks for two-factor authentication. Set up an authenticator "
                "app or a security key, then continue signing in."
            )
            % {"client": client.name},
        )
        return redirect("mfa_index")

    def consent_page(self, client, scopes, credentials, *, form=None, authorization=None, status=200):
        """Render the consent page, the privacy-preserving choice preselected; its CSP lets the redirect reach the client."""
        user = self.request.user
        options = selectors.consent_options(user=user, client=client, authorization=authorization)
        if form is None:
            source = authorization or user
            form = ConsentForm(
                initial={
                    "email": options.default,
                    "name": source.name,
                    "share_avatar": authorization.share_avatar if authorization else bool(user.avatar),
                }
            )
        response = render(
            self.request,
            self.template_name,
            {
                "client": client,
                "form": form,
                "scopes": scopes,
                "options": options,
                "scope_descriptions": [SCOPE_LABELS.get(scope, scope) for scope in scopes],
                "selected": form["email"].value() or "",
            },
            status=status,
        )
        # Chrome applies form-action to the redirect that follows the POST.
        response._csp_update = {"form-action": [responses.origin(credentials["redirect_uri"])]}
        return response

    def issue(self, scopes, credentials, mode, authorization, authentication):
        """Let oauthlib mint the code/tokens (fragment-encoded), then answer in the requested mode."""
        credentials = {
            **credentials,
            "response_mode": responses.FRAGMENT,
            "auth_time": authentication.auth_time,
            "amr": list(authentication.amr),
            "acr": authentication.acr,
        }
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
