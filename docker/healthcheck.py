"""Container health check: gunicorn's /health answers 200 (or, with --smtp, the mail handler greets with 220).

Standard library only and no Django start-up, so it costs a few milliseconds every interval.
"""

import os
import smtplib
import sys
import urllib.request


def web() -> str | None:
    """None when /health on this container's PORT answers 200, else why not."""
    url = f"http://127.0.0.1:{os.environ.get('PORT', '7777')}/health"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return None if response.status == 200 else f"{url} answered {response.status}"
    except OSError as error:  # HTTPError (503: the database is down) and URLError are OSErrors
        return f"{url}: {error}"


def smtp() -> str | None:
    """None when the mail handler on MAIL_HANDLER_PORT answers NOOP with 250, else why not."""
    port = int(os.environ.get("MAIL_HANDLER_PORT", "20381"))
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=4) as client:
            code, _ = client.noop()
            return None if code == 250 else f"mail handler answered {code}"
    except (OSError, smtplib.SMTPException) as error:
        return f"mail handler on port {port}: {error}"


if __name__ == "__main__":
    problem = smtp() if "--smtp" in sys.argv[1:] else web()
    if problem:
        print(f"unhealthy: {problem}")
    sys.exit(1 if problem else 0)
