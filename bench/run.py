"""Load bench of the provider's hot endpoints, ours (gunicorn on PostgreSQL and on SQLite) beside node's oidc-provider.

Usage: .venv/bin/python bench/run.py [--quick] [--duration 8] [--rounds 3] [--concurrency 1 8 16]
           [--database both|postgres|sqlite] [--endpoints token userinfo introspection discovery jwks]
       bench/run.py --profile token|userinfo|introspection|discovery|jwks   cProfile of one worker, top 25
       bench/run.py --tokens 1000000      an empty database beside one holding 1 M access + 1 M refresh tokens
       bench/run.py --rss 20000           worker RSS sampled over 20,000 mixed requests
       bench/run.py --login               password log-ins per second and CPU per log-in (bench/login.py)
Needs: PostgreSQL on 127.0.0.1:5432, wrk, node 20+ and npm. Prints Markdown tables; asserts nothing.
"""

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import ENDPOINTS, POSTGRES, ROOT  # noqa: E402

DATABASE = "sl_bench"


def head_commit() -> str:
    """The commit the servers were started from (read before they start: HEAD may move during a long run)."""
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return found.stdout.strip()


def describe(args, extra: str = "", commit: str = "") -> str:
    """Where and when the figures were taken."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, commit {commit or head_commit()}, "
        f"{os.cpu_count()} cores ({cpu}), wrk -t min(c,2), {args.duration:g} s per run, median of {args.rounds} "
        f"run(s) alternating the servers. Ours: gunicorn, 2 sync workers, config and logs as the Dockerfile "
        f"(no access log, one JSON request line, to /dev/null); gunicorn-floor: the same serving fixed bytes. "
        f"CPU = server processes + their PostgreSQL backends (/proc utime+stime); other load = busy cores "
        f"(/proc/stat) minus the server, its backends and wrk.{extra}"
    )


def servers_start(args, scratch: Path, postgres) -> tuple[list, str]:
    """Ours on the databases asked for, then the peer."""
    servers = []
    for server in args.server:
        suffix = "" if server == "gunicorn" else f"-{server}"
        databases = []
        if args.database in ("both", "postgres"):
            databases.append(("postgres", f"{POSTGRES}/{DATABASE}{suffix.replace('-', '_')}", postgres))
        if args.database in ("both", "sqlite"):
            databases.append(("sqlite", f"sqlite:///{scratch}/bench{suffix}.sqlite3", None))
        for database, url, database_server in databases:
            servers.append(
                harness.start_ours(
                    name=f"ours-{database}{suffix}",
                    database_url=url,
                    keys_dir=scratch,
                    postgres=database_server,
                    server=server,
                )
            )
        if {"discovery", "jwks"} & set(args.endpoints):
            servers.append(harness.start_floor(keys_dir=scratch, server=server))
    peer, description = harness.start_peer()
    servers.append(peer)
    return servers, description


def main() -> None:
    """Parse the options and run one mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 s runs, one round, concurrency 8")
    parser.add_argument("--duration", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 16])
    parser.add_argument("--database", choices=["both", "postgres", "sqlite"], default="both")
    parser.add_argument("--endpoints", nargs="+", choices=list(ENDPOINTS), default=list(ENDPOINTS))
    parser.add_argument("--profile", choices=list(ENDPOINTS), help="cProfile one worker on this endpoint")
    parser.add_argument("--tokens", type=int, help="compare an empty database with one holding this many tokens")
    parser.add_argument("--rss", type=int, help="sample worker RSS over this many mixed requests")
    parser.add_argument("--login", action="store_true", help="password log-in throughput and CPU")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--server",
        nargs="+",
        choices=["gunicorn", "gthread", "granian"],
        default=["gunicorn"],
        help="the HTTP server(s) ours runs under: gunicorn as the Dockerfile; for comparison, gthread (gunicorn's "
        "threaded worker, one thread, keep-alive) and granian",
    )
    args = parser.parse_args()
    if args.quick:
        args.duration, args.rounds, args.concurrency = 2, 1, [8]
    for tool in ("wrk", "node", "npm"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (apt-get install wrk nodejs npm)")

    scratch = Path(tempfile.mkdtemp(prefix="sl-bench-"))
    postgres = harness.Postgres()
    servers = []
    try:
        if args.login:
            import login

            output = login.main_login(args, scratch)
        elif args.profile:
            import modes

            output = modes.profile(args, scratch, postgres)
        elif args.tokens:
            import modes

            output = modes.stored_tokens(args, scratch, postgres)
        elif args.rss:
            import modes

            output = modes.rss(args, scratch, postgres)
        else:
            commit = head_commit()
            servers, peer = servers_start(args, scratch, postgres)
            print(f"Peer: {peer}.", flush=True)
            rows = harness.alternate(servers, args.endpoints, args.concurrency, args.rounds, args.duration, scratch)
            output = f"{describe(args, commit=commit)}\nPeer: {peer}.\n\n" + harness.table(
                rows, reference="oidc-provider"
            )
            if floors := harness.bounds(rows, reference="oidc-provider"):
                output += (
                    "\n\nEach target beside the floor under it (a floor ÷ target above 1: the target is below what"
                    " the server, or Django with one query, costs before the endpoint does anything):\n\n" + floors
                )
        print("\n" + output)
        if args.output:
            args.output.write_text(output + "\n")
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
