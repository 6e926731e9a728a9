"""Restore drill: back up (pg_dump + the keys), restore into a new database, and check that what clients hold
from before the backup still works: an earlier id_token verifies, an earlier refresh token is accepted.

Usage: .venv/bin/python bench/restore_drill.py [--keys files,database]
       [--database-url postgres://postgres@127.0.0.1:5432/sl_bench_drill]
Runs once per key store: files (KEYS_DIR backed up as a tar) and database (keys in the dump, KEY_ENCRYPTION_KEY
kept apart, as docs/operations.md says). Run by .ci/run. Prints a table; exits 1 when a check fails.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402
from cluster import jwks_of, verify  # noqa: E402

TALLY = stack.Tally()


def drill(store: str, database_url: str, work: Path) -> list[tuple[str, bool, str]]:
    """One backup and restore with the given key store; returns the checks."""
    restored_url = database_url + "_restored"
    port = stack.free_port()
    base = f"http://127.0.0.1:{port}"
    keys_dir = work / store / "keys"
    extra = {"KEYS_DIR": keys_dir, "MEDIA_ROOT": work / store / "media"}
    if store == "database":
        extra["KEY_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    env = stack.app_env(database_url=database_url, url=base, **extra)
    stack.postgres_migrated(database_url, env)
    stack.manage(env, "generate_signing_key")
    data = stack.seed(env, users=1, clients=1)
    client = data["clients"][0]
    tally = TALLY
    server = stack.gunicorn(env, port=port, log=work / f"{store}-before.log")
    try:
        person = stack.Person(base, data["users"][0]["email"], tally)
        person.login()
        before = person.exchange(client, person.authorize(client))
    finally:
        server.stop()

    dump = work / f"{store}.dump"
    started = time.monotonic()
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", database_url], check=True)
    if store == "files":
        subprocess.run(["tar", "-czf", str(work / "keys.tar.gz"), "-C", str(keys_dir), "."], check=True)
    backed_up = time.monotonic() - started
    stack.postgres_drop(database_url)  # the machine is gone

    started = time.monotonic()
    stack.postgres_create(restored_url)
    name = urlsplit(restored_url).path.lstrip("/")
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={restored_url}", str(dump)], check=True)
    new_keys = work / store / "restored-keys"
    new_keys.mkdir(parents=True)
    if store == "files":
        subprocess.run(["tar", "-xzf", str(work / "keys.tar.gz"), "-C", str(new_keys)], check=True)
    restored = time.monotonic() - started
    env = {**env, "DATABASE_URL": restored_url, "KEYS_DIR": str(new_keys)}
    server = stack.gunicorn(env, port=port, log=work / f"{store}-after.log")
    try:
        verified = bool(before) and verify(before["id_token"], jwks_of(base))
        renewed = person.refresh(client, before["refresh_token"]) if before else None
        info = person.userinfo(renewed["access_token"]) if renewed else None
        reused = person.refresh(client, before["refresh_token"]) if before else None
    finally:
        server.stop()
        stack.postgres_drop(restored_url)
    return [
        (f"{store}: backup and restore", True, f"pg_dump {backed_up:.1f} s, restore into {name} {restored:.1f} s"),
        (f"{store}: earlier id_token verifies", verified, "signature checked against the restored site's JWKS"),
        (
            f"{store}: earlier refresh token works",
            bool(renewed and info),
            f"refresh {'200' if renewed else 'refused'}, userinfo with the new token {'200' if info else 'refused'}",
        ),
        (f"{store}: it stays single-use", reused is None, "the same refresh token again is refused (rotation)"),
    ]


def main() -> None:
    """Run the drill for each key store and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", default="files,database")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/sl_bench_drill")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sl-bench-drill-"))
    rows = []
    for store in args.keys.split(","):
        rows += drill(store, args.database_url, work)
    print(
        f"\nRestore drill (PostgreSQL {subprocess.run(['pg_dump', '--version'], capture_output=True, text=True).stdout.split()[2]})\n"
    )
    print(f"{'check':<40}{'result':<8}detail")
    for name, ok, detail in rows:
        print(f"{name:<40}{'ok' if ok else 'FAILED':<8}{detail}")
    print()
    print(TALLY.table())
    sys.exit(0 if all(ok for _, ok, _ in rows) else 1)


if __name__ == "__main__":
    main()
