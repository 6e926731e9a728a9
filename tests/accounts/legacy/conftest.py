"""Fixtures for the 2019 import: 2019 databases and bucket (built once per run), imports, the real password hashers."""

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction
from django.test import override_settings

from accounts.legacy.report import ImportReport
from accounts.legacy.services import legacy_import
from tests.accounts.legacy import legacy_db

PRODUCTION_HASHERS = list(django_settings.PASSWORD_HASHERS)


@pytest.fixture(scope="session")
def legacy_data():
    """The full 2019 rows (a few hundred of each kind)."""
    return legacy_db.build_data()


@pytest.fixture(scope="session")
def legacy_sqlite(legacy_data, tmp_path_factory):
    """The full 2019 database as a SQLite file: its URL."""
    path = legacy_db.write_sqlite(legacy_data, tmp_path_factory.mktemp("legacy") / "simplelogin-2019.sqlite")
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def small_data():
    """The same named cases with fewer generated rows, for tests that import several times."""
    return legacy_db.build_data(sizes=legacy_db.SMALL)


@pytest.fixture(scope="session")
def small_sqlite_path(small_data, tmp_path_factory):
    """The small 2019 database as a SQLite file (never changed: copy it to change it)."""
    return legacy_db.write_sqlite(small_data, tmp_path_factory.mktemp("legacy-small") / "small-2019.sqlite")


@pytest.fixture
def small_copy(small_sqlite_path, tmp_path) -> Path:
    """A copy of the small 2019 database that the test may change."""
    return Path(shutil.copy(small_sqlite_path, tmp_path / "copy-2019.sqlite"))


@pytest.fixture(scope="session")
def legacy_bucket(legacy_data, tmp_path_factory):
    """A copy of the 2019 S3 bucket (avatars, client icons)."""
    return legacy_db.write_bucket(legacy_data, tmp_path_factory.mktemp("legacy-files") / "bucket")


@pytest.fixture
def production_hashers(settings):
    """The real PASSWORD_HASHERS (the suite swaps in MD5 for speed)."""
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    return PRODUCTION_HASHERS


@pytest.fixture
def run_import(db, small_sqlite_path, legacy_bucket):
    """Import a 2019 database (the small one unless a URL or path is given), with the bucket; returns the report."""

    def run(source: str | Path | None = None, **options) -> ImportReport:
        options.setdefault("files_from", legacy_bucket)
        source = source or small_sqlite_path
        url = source if isinstance(source, str) else f"sqlite:///{source}"
        return legacy_import(database_url=url, **options)

    return run


@dataclass
class Imported:
    """The full 2019 database imported once for a test module."""

    report: ImportReport
    media_root: Path
    mail_sent: list


@pytest.fixture(scope="module")
def imported_once(django_db_setup, django_db_blocker, legacy_sqlite, legacy_bucket, tmp_path_factory):
    """Import the full 2019 database once per module, in a transaction rolled back after the module's last test.

    Each test still runs in its own savepoint (the `db` fixture), so what one test changes the next never sees.
    """
    media_root = tmp_path_factory.mktemp("legacy-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media_root)):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            mail.outbox = []
            report = legacy_import(database_url=legacy_sqlite, files_from=legacy_bucket)
            yield Imported(report=report, media_root=media_root, mail_sent=list(mail.outbox))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
