"""The API's error shape: every error is JSON with a stable `code` and a human `detail`."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.exceptions import (
    AliasError,
    AliasLimitReached,
    AliasUnavailable,
    CustomAliasNotAllowed,
    InvalidAliasPrefix,
)

log = logging.getLogger(__name__)

VALIDATION_ERROR = "validation_error"

# alias rule refusal -> (HTTP status, stable code); InvalidAliasPrefix is a validation error of `prefix`
ALIAS_ERRORS = {
    AliasLimitReached: (status.HTTP_403_FORBIDDEN, "alias_limit_reached"),
    CustomAliasNotAllowed: (status.HTTP_403_FORBIDDEN, "custom_alias_not_allowed"),
    AliasUnavailable: (status.HTTP_409_CONFLICT, "alias_unavailable"),
}


class NotFound(exceptions.NotFound):
    """404 with our wording."""

    default_detail = "Not found."


def _field_errors(detail, field: str | None = None) -> list[dict]:
    """Flatten DRF's nested ValidationError detail into [{field, code, detail}]."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            name = key if key != "non_field_errors" else None
            errors += _field_errors(value, f"{field}.{name}" if field and name else (name or field))
        return errors
    if isinstance(detail, list):
        return [error for item in detail for error in _field_errors(item, field)]
    return [{"field": field, "code": getattr(detail, "code", "invalid") or "invalid", "detail": str(detail)}]


def validation_error_body(errors: list[dict]) -> dict:
    """The body of a 400: a summary naming the first field, and every field error."""
    first = errors[0] if errors else {"field": None, "detail": "Invalid input."}
    summary = f"{first['field']}: {first['detail']}" if first["field"] else first["detail"]
    return {"code": VALIDATION_ERROR, "detail": summary, "errors": errors}


def _alias_error_response(error: AliasError) -> Response:
    if isinstance(error, InvalidAliasPrefix):
        body = validation_error_body([{"field": "prefix", "code": "invalid_prefix", "detail": str(error)}])
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    http_status, code = next(
        (value for cls, value in ALIAS_ERRORS.items() if isinstance(error, cls)),
        (status.HTTP_400_BAD_REQUEST, "alias_error"),
    )
    return Response({"code": code, "detail": str(error)}, status=http_status)


def exception_handler(exc, context):
    """DRF EXCEPTION_HANDLER: {"code", "detail"} for every error, plus "errors" naming fields on a 400."""
    if isinstance(exc, AliasError):
        return _alias_error_response(exc)
    if isinstance(exc, Http404):
        exc = NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling and logging take over
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_error_body(_field_errors(exc.detail))
        return response
    detail = exc.detail
    if isinstance(detail, dict):  # e.g. a permission with a dict message
        detail = detail.get("detail", "")
    if isinstance(detail, list):
        detail = detail[0] if detail else ""
    code = getattr(detail, "code", None) or exc.default_code
    response.data = {"code": str(code), "detail": str(detail) or str(exc.default_detail)}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response.data["retry_after"] = int(response.headers.get("Retry-After", 0) or 0)
    return response


@csrf_exempt  # no session is used under /api/: an unknown path is a JSON 404 whatever the method
def api_not_found(request, *args, **kwargs):
    """JSON 404 for any other path under /api/."""
    return JsonResponse({"code": "not_found", "detail": "No such API endpoint."}, status=404)
