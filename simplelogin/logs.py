"""Request ids and the one log line per request (JSON in production: LOG_FORMAT)."""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.utils.functional import empty
from pythonjsonlogger.json import JsonFormatter as LibraryJsonFormatter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
log = logging.getLogger("simplelogin.request")


class RequestIdFilter(logging.Filter):
    """Put the current request's id on every log record written while it is handled."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


QUERY_STRING = re.compile(r"\?[^\s\"]*")
# Paths that carry a secret themselves: allauth's password-reset link (uidb36-key) and email confirmation key.
SECRET_PATH = re.compile(r"(/accounts/(?:password/reset/key|confirm-email)/)(?!(?:[0-9a-z]+-)?set-password/)[^/\s\"?]+")


def path_redact(path: str) -> str:
    """A path as it may be logged: a reset or confirmation key replaced by `<key>` (whoever reads logs is not the
    mailbox owner); allauth's key-less `<uid>-set-password/` step is kept."""
    return SECRET_PATH.sub(r"\1<key>", path)


class QueryStringFilter(logging.Filter):
    """Drop query strings from a record: runserver's request lines (django.server) carry them in their arguments,
    django.request's warnings in their `request` extra (its repr, which the JSON formatter writes, is the full path).

    A query string can hold an access token (RFC 6750 2.3), a code or a state; none of them may reach a log.
    """

    def filter(self, record):
        if isinstance(record.args, tuple):
            record.args = tuple(
                path_redact(QUERY_STRING.sub("", arg)) if isinstance(arg, str) else arg for arg in record.args
            )
        request = getattr(record, "request", None)
        if hasattr(request, "get_full_path"):
            record.request = f"<{type(request).__name__}: {request.method} {path_redact(request.path)}>"
        return True


class PlainFormatter(logging.Formatter):
    """The development format: the request line's method, path, status and time follow its message."""

    def format(self, record):
        text = super().format(record)
        if record.name == log.name and hasattr(record, "path"):
            text += f" {record.method} {record.path} {record.status} {record.duration_ms} ms"
        return text


class JsonFormatter(LibraryJsonFormatter):
    """python-json-logger's format (LOG_FORMAT=json); the request line, one per request, is written directly.

    The library inspects every attribute of every record; the request line's fields are known, and this writes
    the same JSON object in a third of the time. The first request line is written both ways: if the two differ
    (the LOGGING options changed, a filter added a field), every line goes through the library.
    """

    REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "user_id")
    _direct: bool | None = None

    def format(self, record):
        if not self._is_plain_request_line(record):
            return super().format(record)
        if self._direct is None:  # the first request line, both ways
            line = super().format(record)
            self._direct = self._format_request(record) == line
            return line
        return self._format_request(record) if self._direct else super().format(record)

    def _is_plain_request_line(self, record) -> bool:
        """A request line carrying nothing but the fields _format_request writes."""
        if record.name != log.name or record.exc_info or record.stack_info or not hasattr(record, "duration_ms"):
            return False
        return all(key in _REQUEST_LINE_ATTRIBUTES for key in record.__dict__)

    def _format_request(self, record) -> str:
        data = {"level": record.levelname, "logger": record.name, "message": record.getMessage()}
        data["request_id"] = getattr(record, "request_id", None)
        for field in self.REQUEST_FIELDS:
            data[field] = getattr(record, field, None)
        data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat()
        return json.dumps(data)


_REQUEST_LINE_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "request_id",
    *JsonFormatter.REQUEST_FIELDS,
}


def _user_id(request):
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", empty)  # never load the user only to log it
    return wrapped.pk if wrapped is not empty and getattr(wrapped, "is_authenticated", False) else None


class RequestLogMiddleware:
    """One line per request: method, path (never the query string: it can carry codes and tokens; a key in the
    path is redacted), status, time.

    The id is the proxy's X-Request-ID when it looks like one, else a new one; it is sent back in the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_choose(request.headers.get("X-Request-ID", ""))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            request_log(
                method=request.method,
                path=request.path,
                status=response.status_code,
                started=started,
                user_id=_user_id(request),
            )
            return response
        finally:
            request_id_var.reset(token)


def request_id_choose(incoming: str) -> str:
    """The proxy's X-Request-ID when it looks like one, else a new one."""
    return incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def request_log(*, method: str, path: str, status: int, started: float, user_id=None) -> None:
    """The one line per request (the path without its query string, a key in it redacted), with its duration."""
    if log.isEnabledFor(logging.INFO):
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        log.info(
            "request",
            extra={
                "method": method,
                "path": path_redact(path),
                "status": status,
                "duration_ms": duration_ms,
                "user_id": user_id,
            },
        )
