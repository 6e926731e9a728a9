"""Faults survived: PostgreSQL restarted under load, Redis stopped, the SMTP relay down, Stripe unreachable.

Usage: .venv/bin/python bench/faults.py [--only postgres,redis,smtp,stripe] [--seconds 20]
       [--database-url postgres://postgres@127.0.0.1:5432/sl_bench_faults] [--redis-url redis://127.0.0.1:6379/5]
This machine's PostgreSQL and Redis are shared: the postgres scenario restarts the cluster once (a second or two),
the redis one stops Redis for --seconds/2 and starts it again with the same options. Loopback only.
Prints one table per scenario; exits 1 when a check fails.
"""

import argparse
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

PG_RESTART = "pg_ctlcluster --skip-systemctl-redirect {version} main restart"
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def report(title: str, rows: list[tuple[str, bool, str]]) -> bool:
    """Print a scenario's checks; True when all passed."""
    print(f"\n{title}\n{'check':<48}{'result':<8}detail")
    for name, ok, detail in rows:
        print(f"{name:<48}{'ok' if ok else 'FAILED':<8}{detail}")
    return all(ok for _, ok, _ in rows)


def postgres_scenario(env: dict, data: dict, base: str, seconds: float) -> bool:
    """Writers create aliases through the API while the cluster restarts; every acknowledged alias must exist."""
    import requests

    events: list[tuple[float, int, int | None]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(token: str) -> None:
        http = requests.Session()
        while not stop.is_set():
            try:
                response = http.post(
                    base + "/api/v1/aliases/random", headers={"Authorization": f"Bearer {token}"}, timeout=30
                )
                status = response.status_code
                alias_id = response.json().get("id") if status == 201 else None
            except requests.RequestException:
                status, alias_id = 0, None
            with lock:
                events.append((time.monotonic(), status, alias_id))
            time.sleep(0.02)

    threads = [threading.Thread(target=writer, args=(u["api_token"],)) for u in data["users"]]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 4)
    version = subprocess.run(["ls", "/etc/postgresql"], capture_output=True, text=True).stdout.split()[0]
    down = time.monotonic()
    subprocess.run(PG_RESTART.format(version=version).split(), check=True, capture_output=True)
    up = time.monotonic()
    time.sleep(seconds / 2)
    stop.set()
    for thread in threads:
        thread.join()
    failures = [(t, s) for t, s, _ in events if s != 201]
    last_failure = max((t for t, _ in failures), default=up)
    recovery = max(0.0, last_failure - up)
    acknowledged = [alias_id for _, s, alias_id in events if s == 201]
    found = int(
        stack.manage(
            env,
            "shell",
            "-c",
            f"from accounts.models import Alias; print(Alias.objects.filter(id__in={acknowledged!r}).count())",
        )
        .strip()
        .splitlines()[-1]
    )
    statuses = sorted({s for _, s in failures})
    return report(
        "PostgreSQL restarted under load (API alias creation, 2 gunicorn workers)",
        [
            (
                "no 500 (503 while it was down)",
                not any(s == 500 or s == 0 for _, s in failures),
                f"{len(events)} requests; non-201 statuses: {statuses or 'none'} ({len(failures)} responses)",
            ),
            (
                "recovery within 5 s of the restart",
                recovery <= 5,
                f"restart took {up - down:.1f} s; last failure {recovery:.1f} s after it",
            ),
            (
                "no acknowledged write lost",
                found == len(acknowledged),
                f"{len(acknowledged)} aliases acknowledged with 201, {found} in the database",
            ),
        ],
    )


def redis_scenario(data: dict, base: str, client: dict, redis_url: str, seconds: float) -> bool:
    """Stop Redis while people browse, sign in and mistype passwords; start it again."""
    tally = stack.Tally()
    subprocess.run(["redis-cli", "-u", redis_url, "FLUSHDB"], capture_output=True)
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
    stopped = time.monotonic()
    try:
        signed_in = 0
        for user in data["users"][1:]:
            person = stack.Person(base, user["email"], tally)
            ok = person.login().status_code == 302
            code = person.authorize(client)
            tokens = person.exchange(client, code) if code else None
            if ok and tokens and person.userinfo(tokens["access_token"]) and person.alias_create():
                signed_in += 1
        mistyper = stack.Person(base, data["users"][0]["email"], tally)
        limited_at = None
        for attempt in range(1, 16):
            if "Too many failed" in mistyper.login(password="wrong-password").text:
                limited_at = attempt
                break
        remaining = seconds / 2 - (time.monotonic() - stopped)
        if remaining > 0:
            time.sleep(remaining)
    finally:
        subprocess.run(REDIS_START, check=True, capture_output=True)
    outage = time.monotonic() - stopped
    time.sleep(11)  # the fallback retries Redis every 10 s
    after = stack.Person(base, data["users"][1]["email"], tally)
    back = after.login().status_code == 302
    pong = subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True, text=True).stdout.strip()
    return report(
        f"Redis stopped for {outage:.0f} s (pages, sign-ins, failed log-ins; 2 gunicorn workers)",
        [
            (
                "no 500 while Redis was down",
                tally.count(lambda s: s >= 500) == 0,
                f"{tally.count()} responses, {tally.count(lambda s: s >= 500)} 5xx",
            ),
            (
                "people sign in, authorize, create aliases",
                signed_in == len(data["users"]) - 1,
                f"{signed_in}/{len(data['users']) - 1} complete flows during the outage",
            ),
            (
                "failed log-ins still limited (per worker)",
                limited_at is not None and limited_at <= 11,
                f"refused from wrong password #{limited_at} (limit 5 per worker, 2 workers)",
            ),
            ("Redis back, sign-in works", back and pong == "PONG", f"redis-cli ping: {pong}"),
        ],
    )


def smtp_scenario(env: dict, data: dict) -> bool:
    """Mail to an alias while the relay is down gets 451 (the sender keeps it); once the relay is back it passes."""
    from aiosmtpd.controller import Controller

    relay_port, handler_port = stack.free_port(), stack.free_port()
    handler_env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{relay_port}", "EMAIL_TIMEOUT": "3"}
    work = Path(tempfile.mkdtemp(prefix="sl-bench-mail-"))
    handler = stack.Server(
        [sys.executable, "manage.py", "run_mail_handler", "--host", "127.0.0.1", "--port", str(handler_port)],
        env=handler_env,
        port=handler_port,
        log=work / "handler.log",
    )
    received = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content)
            return "250 OK"

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "sender@example.org", data["users"][0]["alias"], "hello"
    message.set_content("marker-7f3a: a message that must not be lost")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", handler_port, timeout=5).quit()
                break
            except OSError:
                time.sleep(0.3)
        first = second = None
        try:
            with smtplib.SMTP("127.0.0.1", handler_port, timeout=30) as smtp:
                smtp.send_message(message)
                first = "250"
        except smtplib.SMTPDataError as error:
            first = f"{error.smtp_code} {error.smtp_error.decode()[:60]}"
        sink = Controller(Sink(), hostname="127.0.0.1", port=relay_port)
        sink.start()
        try:
            with smtplib.SMTP("127.0.0.1", handler_port, timeout=30) as smtp:  # the sender's retry
                smtp.send_message(message)
                second = "250"
        except smtplib.SMTPException as error:
            second = str(error)
        finally:
            sink.stop()
    finally:
        handler.stop()
    delivered = sum(b"marker-7f3a" in content for content in received)
    return report(
        "SMTP relay down (run_mail_handler forwarding to an alias)",
        [
            ("relay down: 451, so the sender keeps the mail", (first or "").startswith("451"), f"answer: {first}"),
            (
                "relay back: the retry is delivered once",
                second == "250" and delivered == 1,
                f"answer: {second}; copies at the relay: {delivered}",
            ),
        ],
    )


def stripe_scenario(env: dict, data: dict, client: dict, work: Path) -> bool:
    """Billing configured but Stripe unreachable: billing says so, everything else works."""
    port = stack.free_port()
    base = f"http://127.0.0.1:{port}"
    stripe_env = {
        **env,
        "URL": base,
        "STRIPE_TEST_SECRET_KEY": "sk_test_unreachable0123456789",
        "STRIPE_PRICE_MONTHLY": "price_monthly",
        "STRIPE_PRICE_YEARLY": "price_yearly",
        "STRIPE_API_BASE": f"http://127.0.0.1:{stack.free_port()}",
    }
    server = stack.gunicorn(stripe_env, port=port, log=work / "stripe.log")
    tally = stack.Tally()
    try:
        person = stack.Person(base, data["users"][2]["email"], tally)
        person.login()
        token = person.csrf("pricing", "/pricing")
        checkout = person._send(
            "checkout", "POST", "/billing/checkout", data={"csrfmiddlewaretoken": token, "plan": "monthly"}
        )
        page = person._send("pricing", "GET", "/pricing").text
        said = "Stripe failed" in page and "Nothing was charged" in page
        code = person.authorize(client)
        tokens = person.exchange(client, code) if code else None
        rest = bool(tokens and person.userinfo(tokens["access_token"]) and person.alias_create())
        settings_page = person._send("settings", "GET", "/settings/").status_code
    finally:
        server.stop()
    return report(
        "Stripe unreachable (billing configured, API base a closed port)",
        [
            (
                "checkout says Stripe failed, nothing charged",
                checkout.status_code == 302 and said,
                f"checkout answered {checkout.status_code} then the pricing page shows the message: {said}",
            ),
            (
                "sign-in, userinfo, aliases, settings work",
                rest and settings_page == 200,
                f"flow complete: {rest}; settings page {settings_page}",
            ),
            ("no 5xx", tally.count(lambda s: s >= 500) == 0, f"{tally.count()} responses"),
        ],
    )


def main() -> None:
    """Set up one database, run the chosen scenarios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="postgres,redis,smtp,stripe")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/sl_bench_faults")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sl-bench-faults-"))
    port = stack.free_port()
    base = f"http://127.0.0.1:{port}"
    env = stack.app_env(database_url=args.database_url, url=base, REDIS_URL=args.redis_url, KEYS_DIR=work / "keys")
    stack.postgres_migrated(args.database_url, env)
    stack.manage(env, "generate_signing_key")
    data = stack.seed(env, users=8, clients=1, tokens=True, aliases=True)
    client = data["clients"][0]
    results = []
    server = stack.gunicorn(env, port=port, log=work / "gunicorn.log")
    try:
        chosen = args.only.split(",")
        if "postgres" in chosen:
            results.append(postgres_scenario(env, data, base, args.seconds))
        if "redis" in chosen:
            results.append(redis_scenario(data, base, client, args.redis_url, args.seconds))
        if "smtp" in chosen:
            results.append(smtp_scenario(env, data))
        if "stripe" in chosen:
            results.append(stripe_scenario(env, data, client, work))
    finally:
        server.stop()
        stack.postgres_drop(args.database_url)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
