"""The specs' errors as classes, each knowing its response: token (JSON), bearer (RFC 6750), authorization, page."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from oauth_provider import responses

# RFC 6749 5.2 / RFC 7617: the challenge sent with every 401 invalid_client.
BASIC_CHALLENGE = 'Basic realm="SimpleLogin", charset="UTF-8"'
BEARER_REALM = "SimpleLogin"


def no_store(response: HttpResponse) -> HttpResponse:
    """Responses carrying tokens, claims or errors about them are never cached (RFC 6749 5.1, OIDC Core 5.3.2)."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def token_response_finish(response: HttpResponse) -> HttpResponse:
    """What every answer of a client-authenticated endpoint adds: no-store, and the Basic challenge on a 401."""
    if response.status_code == 401:
        response["WWW-Authenticate"] = BASIC_CHALLENGE
    return no_store(response)


class TokenError(Exception):
    """An error of the token, introspection or revocation endpoint (RFC 6749 5.2): JSON; invalid_client is 401."""

    def __init__(self, error: str, description: str = "", status: int | None = None):
        super().__init__(description or error)
        self.error, self.description = error, description
        self.status = status or (401 if error == "invalid_client" else 400)

    def response(self) -> HttpResponse:
        """The JSON error response."""
        body = {"error": self.error, **({"error_description": self.description} if self.description else {})}
        return token_response_finish(JsonResponse(body, status=self.status))


class BearerTokenError(Exception):
    """An error of a protected resource (RFC 6750 3): JSON plus a `WWW-Authenticate: Bearer` challenge."""

    def __init__(self, error: str, description: str, status: int = 401):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def response(self) -> HttpResponse:
        """The error response with its challenge."""
        response = JsonResponse({"error": self.error, "error_description": self.description}, status=self.status)
        response["WWW-Authenticate"] = (
            f'Bearer realm="{BEARER_REALM}", error="{self.error}", error_description="{self.description}"'
        )
        return no_store(response)


class RegistrationError(Exception):
    """An error of the registration endpoints (RFC 7591 3.2.2): 400 JSON, e.g. invalid_client_metadata."""

    INVALID_REDIRECT_URI = "invalid_redirect_uri"
    INVALID_CLIENT_METADATA = "invalid_client_metadata"

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error, self.description = error, description

    def response(self) -> HttpResponse:
        """The JSON error response."""
        return no_store(JsonResponse({"error": self.error, "error_description": self.description}, status=400))


class AuthorizeError(Exception):
    """An error sent back to a validated redirect_uri, in the request's response mode (RFC 6749 4.1.2.1)."""

    def __init__(self, *, error: str, redirect_uri: str, mode: str, description: str = "", state: str | None = None):
        super().__init__(description or error)
        self.error, self.description = error, description
        self.redirect_uri, self.mode, self.state = redirect_uri, mode, state

    def response(self, request) -> HttpResponse:
        """The redirect (or form_post page) carrying error, error_description, state and iss."""
        return responses.authorization_error(
            request=request,
            redirect_uri=self.redirect_uri,
            mode=self.mode,
            error=self.error,
            description=self.description,
            state=self.state,
        )


def error_page(request, *, error: str, description: str = "", status: int = 400) -> HttpResponse:
    """An HTML error for a request that must not be redirected: unknown client, bad redirect_uri (RFC 6749 4.1.2.1)."""
    response = render(request, "oauth_provider/error.html", {"error": error, "description": description}, status=status)
    return no_store(response)
