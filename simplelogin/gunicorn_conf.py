"""gunicorn's settings (the Dockerfile's CMD: `--config python:simplelogin.gunicorn_conf`).

The access log is off unless asked for (`--access-logfile -`, or GUNICORN_CMD_ARGS); when on, its lines carry the
path without the query string and without the Referer: either can hold an access token (RFC 6750 2.3), a code or a
state. The request log of simplelogin.logs already writes one line per request, also without the query.
"""

# gunicorn's default with %(U)s (the path) for %(r)s (the request line) and no %(f)s (the Referer).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
