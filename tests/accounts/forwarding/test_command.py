"""`python manage.py run_mail_handler` serves SMTP on the configured port and stops cleanly on SIGTERM."""

import signal
import smtplib
import subprocess
import sys
from pathlib import Path

from tests.conftest import free_port

MANAGE = Path(__file__).resolve().parents[3] / "manage.py"


def test_command_serves_smtp_until_sigterm():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(MANAGE), "run_mail_handler", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == f"mail handler listening on 127.0.0.1:{port} for @sl.local"
        with smtplib.SMTP(timeout=10) as smtp:
            code, banner = smtp.connect("127.0.0.1", port)
            assert code == 220 and banner.endswith(b"SimpleLogin mail handler")
            smtp.ehlo()
            assert smtp.esmtp_features["size"] == str(25 * 1024 * 1024)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert process.stdout.read().strip() == "mail handler stopped"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_taken_port_is_a_one_line_error_without_traceback():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(MANAGE), "run_mail_handler", "--host", "127.0.0.1", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"CommandError: 127.0.0.1:{port} is already in use: stop what listens there, or set MAIL_HANDLER_PORT (or --port)."
    )
    assert "Traceback" not in result.stderr
