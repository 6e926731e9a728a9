"""Load benchmark of alias forwarding: `run_mail_handler` on PostgreSQL in front of a sink SMTP relay.

Usage: .venv/bin/python bench/mail.py [--messages 400] [--clients 4] [--kib 20]
       [--database-url postgres://postgres@127.0.0.1:5432/sl_bench_mail]
Sends forwards (and owner replies) with concurrent smtplib clients; prints throughput and latency; asserts nothing.
"""

import argparse
import os
import smtplib
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    """Set up the database, start the sink and the handler, send, report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kib", type=int, default=20, help="body size of each message")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/sl_bench_mail")
    args = parser.parse_args()

    import psycopg2
    from aiosmtpd.controller import Controller

    name = urlsplit(args.database_url).path.lstrip("/")
    admin = psycopg2.connect(args.database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()

    class Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.count += 1
            return "250 OK"

    sink = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    sink.start()
    handler_port = free_port()
    os.environ.update(
        DATABASE_URL=args.database_url,
        DEBUG="false",
        SECRET_KEY="bench-only-" + "x" * 40,
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="simplelogin.settings",
        EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
        EMAIL_DOMAIN="sl.local",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.forwarding.services import reverse_alias_get_or_create
    from tests.factories import AliasFactory

    call_command("migrate", verbosity=0)
    aliases = [AliasFactory() for _ in range(20)]
    reverses = [reverse_alias_get_or_create(alias_id=a.pk, sender="jane@example.org") for a in aliases]
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "run_mail_handler", "--port", str(handler_port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    server.stdout.readline()
    body = ("x" * 76 + "\r\n") * (args.kib * 1024 // 78)

    def send(i: int) -> float:
        alias, reverse = aliases[i % len(aliases)], reverses[i % len(reverses)]
        if i % 4 == 3:  # one in four is an owner's reply through a reverse alias
            mail_from, rcpt, head = alias.user.email, reverse.email, f"From: {alias.user.email}\r\nTo: {reverse.email}"
        else:
            mail_from, rcpt, head = (
                f"s{i}@example.org",
                alias.email,
                f"From: Sender {i} <s{i}@example.org>\r\nTo: {alias.email}",
            )
        message = f"{head}\r\nSubject: bench {i}\r\nMessage-ID: <b{i}@example.org>\r\n\r\n{body}".encode()
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", handler_port, timeout=30) as smtp:
            smtp.sendmail(mail_from, [rcpt], message)
        return time.perf_counter() - start

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            latencies = sorted(pool.map(send, range(args.messages)))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
        sink.stop()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"messages={args.messages} clients={args.clients} body_kib={args.kib} delivered={Sink.count}")
    print(
        f"throughput={args.messages / elapsed:.1f} msg/s  p50={statistics.median(latencies) * 1000:.1f} ms  "
        f"p95={p95 * 1000:.1f} ms  max={latencies[-1] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
