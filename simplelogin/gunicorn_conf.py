"""gunicorn's settings (the Dockerfile's CMD: `--config python:simplelogin.gunicorn_conf`).

The access log is off unless asked for (`--access-logfile -`, or GUNICORN_CMD_ARGS); when on, its lines carry the
path without the query string and without the Referer: either can hold an access token (RFC 6750 2.3), a code or a
state. The request log of simplelogin.logs already writes one line per request, also without the query. A key in
the path (a password-reset or email-confirmation link) is written `<key>` there and here (logger_class).
"""

from gunicorn.glogging import Logger

from simplelogin.logs import path_redact


class RedactingLogger(Logger):
    """gunicorn's logger with the path's reset or confirmation key redacted (simplelogin.logs.path_redact)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = path_redact(atoms["U"] or "")
        return atoms


logger_class = RedactingLogger

# gunicorn's default with %(U)s (the path) for %(r)s (the request line) and no %(f)s (the Referer).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
