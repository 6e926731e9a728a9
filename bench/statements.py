"""PostgreSQL's CPU per statement of a code exchange: where the database part of the bench's figure goes.

.venv/bin/python bench/statements.py [--exchanges 2000] [--no-analyze]

Makes a fresh database (sl_bench_statements), mints codes as the bench does, and exchanges them one after another
through Django's test client in this process (the same view, validator and SQL as under gunicorn). The backend's
CPU is read from /proc/<pid>/schedstat (nanoseconds) around every statement, and around each whole request: what is
left is the transaction's BEGIN and COMMIT, with the deferred foreign-key checks that run at COMMIT. The first 50
exchanges warm the connection and are not counted. --no-analyze skips the ANALYZE after minting (autovacuum's work
in production; this machine's PostgreSQL runs without it).
"""

import argparse
import collections
import os
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WARM_UP = 50


def statement_name(sql: str) -> str:
    """What a statement is, for the table: `EXECUTE sl_grant_0`, `INSERT INTO "oauth2_provider_idtoken"`…"""
    words = sql.split()
    return " ".join(words[:3] if words[0] == "INSERT" else words[:2] if words[0] == "EXECUTE" else words[:1])


def main() -> None:
    """Measure, print one Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exchanges", type=int, default=2000)
    parser.add_argument("--no-analyze", action="store_true")
    args = parser.parse_args()
    keys = tempfile.mkdtemp(prefix="sl-statements-")
    os.environ.update(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/sl_bench_statements?application_name=sl_statements",
        DEBUG="false",
        SECRET_KEY="bench-only-" + "x" * 40,
        URL="http://testserver",
        ALLOWED_HOSTS="testserver",
        KEYS_DIR=keys,
        DJANGO_SETTINGS_MODULE="simplelogin.settings",
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="3600",
    )
    sys.path[:0] = [str(BENCH.parent), str(BENCH)]
    import django

    django.setup()
    import ours
    from django.db import connection
    from django.test import Client

    ours.database_reset(os.environ["DATABASE_URL"])
    if args.no_analyze:
        ours.statistics_refresh = lambda: None
    client = ours.setup()
    codes = ours.codes_mint(count=args.exchanges + WARM_UP)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        schedstat = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")

    def cpu_ns() -> int:
        return int(schedstat.read_text().split()[0])

    spent, counts, whole = collections.Counter(), collections.Counter(), 0

    def timed(execute, sql, params, many, context):
        before = cpu_ns()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[statement_name(sql)] += cpu_ns() - before
            counts[statement_name(sql)] += 1

    http = Client()
    body = {"grant_type": "authorization_code", "redirect_uri": client["redirect_uri"]}
    body["code_verifier"] = client["code_verifier"]
    with connection.execute_wrapper(timed):
        for index, code in enumerate(codes):
            if index == WARM_UP:
                spent.clear(), counts.clear()
            before = cpu_ns()
            response = http.post("/oauth2/token", {**body, "code": code}, HTTP_AUTHORIZATION=client["basic"])
            if response.status_code != 200:
                raise SystemExit(f"exchange {index}: {response.status_code} {response.content[:300]!r}")
            if index >= WARM_UP:
                whole += cpu_ns() - before
    n = args.exchanges
    rows = [f"| `{name}` | {counts[name] / n:.0f} | {ns / n / 1000:.0f} |" for name, ns in spent.most_common()]
    rest = whole - sum(spent.values())
    print(
        f"PostgreSQL backend CPU per code exchange, {n} exchanges"
        f"{' (tables not analyzed)' if args.no_analyze else ''}:\n\n"
        "| statement | per exchange | µs |\n|---|---|---|\n" + "\n".join(rows) + "\n"
        f"| BEGIN, COMMIT (deferred foreign-key checks) | 1 | {rest / n / 1000:.0f} |\n"
        f"| **whole exchange** | | **{whole / n / 1000:.0f}** |"
    )
    connection.close()


if __name__ == "__main__":
    main()
