"""Throughput of `import_legacy`: a generated 2019 database imported into a fresh target, then imported again.

Usage: .venv/bin/python bench/import_legacy.py [--scale 10] [--database-url sqlite:////tmp/sl_bench_import.sqlite]
The 2019 database comes from the test generator (tests/accounts/legacy/legacy_db.py) at `scale` × its few hundred rows per
table; prints rows, seconds and rows per second for the first run and the re-run; asserts nothing.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Build the 2019 database, migrate the target, run the command twice, print a table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--database-url", default="sqlite:////tmp/sl_bench_import.sqlite")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.accounts.legacy import legacy_db

    sizes = {name: count * args.scale for name, count in legacy_db.FULL.items()}
    data = legacy_db.build_data(sizes=sizes)
    folder = Path(tempfile.mkdtemp(prefix="sl-bench-import-"))
    source = legacy_db.write_sqlite(data, folder / "2019.sqlite")
    rows = sum(len(data.rows[table]) for table in ("users", "client", "gen_email", "client_user", "partner"))
    if args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite://")).unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": args.database_url, "DEBUG": "true", "LOG_LEVEL": "WARNING"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    print(f"{'run':<10}{'2019 rows':>10}{'seconds':>10}{'rows/s':>10}")
    for label in ("first", "again"):
        started = time.perf_counter()
        subprocess.run(
            [*manage, "import_legacy", f"sqlite:///{source}", "--files-from", str(folder)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - started
        print(f"{label:<10}{rows:>10}{seconds:>10.1f}{rows / seconds:>10.0f}")


if __name__ == "__main__":
    main()
