"""`make run`'s embedded default under concurrent writes: SQLite file, runserver, 16 people at once on every flow.

Usage: .venv/bin/python bench/concurrency.py [--concurrency 16] [--rounds 5] [--root PATH]
Each of the people logs in (a fresh session per round), authorizes a client (consent the first time: a new alias
and authorization), exchanges the code, calls userinfo, refreshes and creates an alias; a barrier makes all of
them hit the same endpoint together. Prints the table; exits 1 on any 5xx or on a write that went missing.
--root runs another checkout of the app (e.g. the commit before the SQLite settings) against the same database.
"""

import argparse
import shutil
import sqlite3
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402


def person_loop(person: stack.Person, clients: list[dict], rounds: int, barrier: threading.Barrier, made: dict):
    """The mixed flow, `rounds` times, in step with the other people."""
    import requests

    for n in range(rounds):
        person.http = requests.Session()
        barrier.wait()
        person.login()
        barrier.wait()
        client = clients[n % len(clients)]
        code = person.authorize(client)
        barrier.wait()
        tokens = person.exchange(client, code) if code else None
        barrier.wait()
        if tokens:
            person.userinfo(tokens["access_token"])
        barrier.wait()
        if tokens:
            person.refresh(client, tokens["refresh_token"])
        barrier.wait()
        if person.alias_create():
            made[person.email] = made.get(person.email, 0) + 1


def main() -> None:
    """Migrate a fresh SQLite file, seed, serve with runserver as `make run` does, load, check, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--root", type=Path, default=stack.ROOT, help="checkout of the app to serve")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sl-bench-sqlite-"))
    database = work / "db.sqlite3"
    port = stack.free_port()
    base = f"http://127.0.0.1:{port}"
    env = stack.app_env(
        database_url=f"sqlite:///{database}",
        url=base,
        DEBUG="true",
        KEYS_DIR=work / "keys",
        RATE_LIMITS_ENABLED="false",
    )  # one IP plays every person
    print(f"migrating {database} ...", flush=True)
    stack.manage(env, "migrate", "--noinput")  # this tree's (fast) migrations; --root serves the same schema
    stack.manage(env, "generate_signing_key", root=args.root)
    data = stack.seed(env, users=args.concurrency, clients=2, root=args.root)
    server = stack.Server(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=args.root,
        port=port,
        log=work / "server.log",
    )
    tally = stack.Tally()
    made: dict[str, int] = {}
    try:
        server.wait_up()
        barrier = threading.Barrier(args.concurrency)
        people = [stack.Person(base, user["email"], tally) for user in data["users"]]
        threads = [
            threading.Thread(target=person_loop, args=(p, data["clients"], args.rounds, barrier, made)) for p in people
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    with sqlite3.connect(database) as db:
        ids = [u["pk"] for u in data["users"]]
        marks = ",".join("?" * len(ids))
        authorizations = db.execute(
            f"SELECT count(*) FROM oauth_provider_authorization WHERE user_id IN ({marks})", ids
        ).fetchone()[0]
        aliases = dict(
            db.execute(
                f"SELECT u.email, count(a.id) FROM accounts_alias a JOIN accounts_user u "
                f"ON u.id = a.user_id WHERE u.id IN ({marks}) GROUP BY u.email",
                ids,
            ).fetchall()
        )
    consents = tally.statuses.get("consent", {})
    consented = sum(n for status, n in consents.items() if status == 302)
    missing = sum(1 for email, n in made.items() if aliases.get(email, 0) < n + min(args.rounds, 2))
    locked = (work / "server.log").read_text(errors="replace").count("database is locked")
    print(f"\nSQLite + runserver ({args.root}), concurrency {args.concurrency}, {args.rounds} rounds\n")
    print(tally.table())
    print(
        f"\nconsents answered 302: {consented}; authorizations stored: {authorizations}; "
        f"people whose aliases went missing: {missing}; 'database is locked' in the server log: {locked}"
    )
    shutil.rmtree(work, ignore_errors=True)
    failed = tally.count(lambda status: status >= 500) or missing or authorizations != consented
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
