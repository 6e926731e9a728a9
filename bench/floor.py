"""The floor under our light endpoints: the same gunicorn, config and request line, answering fixed bytes.

`bench/run.py` serves this beside us (the "gunicorn floor" rows of discovery and the JWKS): what a request costs
before any of our code runs. No Django request, no view; one JSON log line per request, as the Dockerfile's logs.
"""

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simplelogin.settings")
django.setup()

from simplelogin.logs import request_id_choose, request_id_var, request_log  # noqa: E402

BODY = (
    b'{"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid":"'
    + b"k" * 43
    + b'","n":"'
    + b"n" * 342
    + b'","e":"AQAB"}]}'
)
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY))), ("Cache-Control", "no-store")]


def application(environ, start_response):
    """Fixed bytes, a request id and the request line."""
    started = time.perf_counter()
    request_id = request_id_choose(environ.get("HTTP_X_REQUEST_ID", ""))
    start_response("200 OK", [*HEADERS, ("X-Request-ID", request_id)])
    token = request_id_var.set(request_id)
    try:
        request_log(method=environ["REQUEST_METHOD"], path=environ["PATH_INFO"], status=200, started=started)
    finally:
        request_id_var.reset(token)
    return [BODY]
