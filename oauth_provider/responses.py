"""Authorization responses: response_mode (query, fragment, form_post) and the RFC 9207 `iss` parameter."""

from urllib.parse import urlencode, urlsplit

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from oauth_provider.claims import issuer
from oauth_provider.constants import ResponseMode, ResponseType, response_type_normalize

QUERY, FRAGMENT, FORM_POST = ResponseMode.QUERY, ResponseMode.FRAGMENT, ResponseMode.FORM_POST


def response_mode_default(response_type: str | None) -> str:
    """`query` for `code`, `fragment` for anything that returns a token in the front channel."""
    normalized = response_type_normalize(response_type)
    return QUERY if normalized == ResponseType.CODE or not normalized else FRAGMENT


def response_mode_choose(*, requested: str | None, response_type: str | None) -> tuple[str, str | None]:
    """The response mode to use and, when the request is not acceptable, why."""
    default = response_mode_default(response_type)
    if not requested:
        return default, None
    if requested not in ResponseMode.values:
        return default, "Unsupported response_mode."
    if requested == QUERY and default == FRAGMENT:
        # OAuth 2.0 Multiple Response Type Encoding Practices 5: tokens never go in the query string.
        return default, "response_mode=query cannot carry tokens; use fragment or form_post."
    return requested, None


def origin(uri: str) -> str:
    """scheme://host[:port] of a URI, for a CSP source."""
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


def authorization_response(*, request, redirect_uri: str, params: list[tuple[str, str]], mode: str) -> HttpResponse:
    """Send the parameters to the client's validated redirect_uri, with `iss` (RFC 9207)."""
    params = [(k, v) for k, v in params if k != "iss" and v is not None] + [("iss", issuer())]
    if mode == FORM_POST:
        # OAuth 2.0 Form Post Response Mode 2: an auto-submitting form (static JS, no inline script).
        response = render(request, "oauth_provider/form_post.html", {"action": redirect_uri, "params": params})
        response._csp_update = {"form-action": [origin(redirect_uri)]}
    elif mode == FRAGMENT:
        response = HttpResponseRedirect(f"{redirect_uri}#{urlencode(params)}")
    else:
        separator = "&" if "?" in redirect_uri else "?"
        response = HttpResponseRedirect(f"{redirect_uri}{separator}{urlencode(params)}")
    response["Cache-Control"] = "no-store"
    return response


def authorization_error(*, request, redirect_uri: str, mode: str, error: str, description: str = "", state=None):
    """An error sent back to a validated redirect_uri (RFC 6749 4.1.2.1, OIDC Core 3.1.2.6)."""
    params = [("error", error)]
    if description:
        params.append(("error_description", description))
    if state:
        params.append(("state", state))
    return authorization_response(request=request, redirect_uri=redirect_uri, params=params, mode=mode)
