"""`manage.py import_legacy`: its output, progress, and clear errors for sources it cannot read."""

import re
import sqlite3
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_legacy", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_shows_progress_per_table_and_a_report(small_sqlite_path, legacy_bucket):
    out, err = run(f"sqlite:///{small_sqlite_path}", "--files-from", str(legacy_bucket), "--batch-size", "10")

    assert "users: 10/30" in err and "users: 30/30" in err and "client_user: 30/30" in err
    assert "users: 30 rows, 27 created, 0 updated, 0 skipped, 3 refused" in out
    assert "refused 2: 2019 accounts whose addresses differ only in letter case" in out and "(users#3, users#4)" in out
    assert out.rstrip().endswith("it only brings over what changed.")
    assert User.objects.filter(email="alice@example.com").exists()
    again, _ = run(f"sqlite:///{small_sqlite_path}")
    assert again.rstrip().endswith("Nothing changed: everything was already imported.")


def test_dry_run_says_so_and_writes_nothing(small_sqlite_path):
    out, _ = run(f"sqlite:///{small_sqlite_path}", "--dry-run")
    assert "users: 30 rows, 27 would be created" in out
    assert out.rstrip().endswith("Dry run: nothing was written.")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "url, message",
    [
        (
            "mysql://root@localhost/simplelogin",
            "Give the 2019 database as a sqlite:////path/to/db.sqlite or postgres://",
        ),
        ("not a url", "Give the 2019 database as"),
        ("sqlite:////nonexistent/2019.sqlite", "No SQLite database at /nonexistent/2019.sqlite."),
        ("postgres://postgres@127.0.0.1:1/nothing", "Cannot connect to PostgreSQL database nothing"),
    ],
)
def test_a_source_that_cannot_be_read_is_a_clear_error(url, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(url)


def test_a_database_that_is_not_from_2019_is_refused_by_name(tmp_path):
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
    connection.close()
    with pytest.raises(CommandError, match="is not a 2019 SimpleLogin database: missing table"):
        run(f"sqlite:///{path}")


def test_bad_options_are_clear_errors(small_sqlite_path, tmp_path):
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        run(f"sqlite:///{small_sqlite_path}", "--batch-size", "0")
    with pytest.raises(CommandError, match="is not a folder"):
        run(f"sqlite:///{small_sqlite_path}", "--files-from", str(tmp_path / "missing"))
