"""Reads a 2019 SimpleLogin database (SQLite or PostgreSQL URL) through plain DB-API, read-only."""

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import environ

from accounts.exceptions import LegacyImportError

REQUIRED_TABLES = ("file", "users", "client", "redirect_uri", "gen_email", "client_user", "partner")
BOOLEAN_COLUMNS = frozenset({"is_admin", "activated", "is_developer", "published", "enabled"})
DATETIME_COLUMNS = frozenset({"created_at", "updated_at", "plan_expiration", "expired"})
TRUE_VALUES = (True, 1, "1", "t", "true", "True")
IN_CHUNK = 500

Row = dict


class SourceError(LegacyImportError):
    """The 2019 database cannot be read: bad URL, unreachable, or not a 2019 SimpleLogin schema."""


def _datetime(value) -> datetime | None:
    """A naive-UTC 2019 timestamp (text on SQLite, datetime on PostgreSQL) as an aware datetime."""
    if value is None or value == "":
        return None
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _normalize(row: Row) -> Row:
    for column in BOOLEAN_COLUMNS.intersection(row):
        row[column] = None if row[column] is None else row[column] in TRUE_VALUES
    for column in DATETIME_COLUMNS.intersection(row):
        row[column] = _datetime(row[column])
    return row


class LegacySource:
    """One open, read-only connection to a 2019 database; rows come back as dicts with Python booleans and UTC datetimes."""

    def __init__(self, connection, *, placeholder: str, description: str):
        self.connection = connection
        self.placeholder = placeholder
        self.description = description

    @classmethod
    def open(cls, url: str) -> "LegacySource":
        """Connect to `sqlite:////path/db.sqlite` or `postgres://user:password@host:port/name`; SourceError otherwise."""
        config = environ.Env.db_url_config(url) if "://" in (url or "") else {}
        engine = config.get("ENGINE", "")
        if engine.endswith("sqlite3"):
            source = cls._open_sqlite(config["NAME"])
        elif engine.endswith(("postgresql", "postgis")):
            source = cls._open_postgres(config)
        else:
            raise SourceError(
                "Give the 2019 database as a sqlite:////path/to/db.sqlite or postgres://user@host/name URL."
            )
        source.check_schema()
        return source

    @classmethod
    def _open_sqlite(cls, name: str) -> "LegacySource":
        path = Path(name).expanduser().resolve()
        if not path.is_file():
            raise SourceError(f"No SQLite database at {path}.")
        try:
            connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as error:
            raise SourceError(f"Cannot open {path}: {error}.") from error
        return cls(connection, placeholder="?", description=f"SQLite {path.name}")

    @classmethod
    def _open_postgres(cls, config: dict) -> "LegacySource":
        import psycopg2

        try:
            connection = psycopg2.connect(
                dbname=config["NAME"],
                user=config.get("USER") or None,
                password=config.get("PASSWORD") or None,
                host=config.get("HOST") or None,
                port=config.get("PORT") or None,
                **config.get("OPTIONS", {}),
            )
            connection.set_session(readonly=True, autocommit=True)
        except psycopg2.Error as error:
            raise SourceError(
                f"Cannot connect to PostgreSQL database {config['NAME']}: {str(error).strip()}"
            ) from error
        return cls(connection, placeholder="%s", description=f"PostgreSQL {config['NAME']}")

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def _query(self, sql: str, params: Iterable = ()) -> list[Row]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, tuple(params))
            columns = [column[0] for column in cursor.description]
            return [_normalize(dict(zip(columns, values, strict=True))) for values in cursor.fetchall()]
        finally:
            cursor.close()

    def check_schema(self) -> None:
        """SourceError naming the 2019 tables that are missing."""
        try:
            missing = [table for table in REQUIRED_TABLES if not self._table_exists(table)]
        except Exception as error:
            raise SourceError(f"Cannot read {self.description}: {error}") from error
        if missing:
            raise SourceError(
                f"{self.description} is not a 2019 SimpleLogin database: missing table(s) {', '.join(missing)}."
            )

    def _table_exists(self, table: str) -> bool:
        if self.placeholder == "?":
            sql = "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?"
        else:
            sql = "SELECT 1 AS found FROM information_schema.tables WHERE table_name = %s AND table_schema = current_schema()"
        return bool(self._query(sql, [table]))

    def count(self, table: str) -> int:
        """How many rows the table has."""
        return self._query(f'SELECT COUNT(*) AS n FROM "{table}"')[0]["n"]

    def batches(self, table: str, *, batch_size: int) -> Iterator[list[Row]]:
        """Every row of the table in id order, `batch_size` at a time (keyset pagination: stable while rows are added)."""
        last_id = None
        while True:
            where = f"WHERE id > {self.placeholder} " if last_id is not None else ""
            params = [last_id] if last_id is not None else []
            rows = self._query(f'SELECT * FROM "{table}" {where}ORDER BY id LIMIT {int(batch_size)}', params)
            if not rows:
                return
            yield rows
            last_id = rows[-1]["id"]

    def rows_where_in(self, table: str, column: str, values: Iterable) -> list[Row]:
        """Rows whose `column` is one of `values`, in id order."""
        values = sorted({value for value in values if value is not None})
        found: list[Row] = []
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start : start + IN_CHUNK]
            marks = ", ".join([self.placeholder] * len(chunk))
            found += self._query(f'SELECT * FROM "{table}" WHERE "{column}" IN ({marks}) ORDER BY id', chunk)
        return found

    def column_values(self, table: str, columns: tuple[str, ...]) -> list[Row]:
        """Only these columns of every row (a cheap full pass, e.g. emails to find duplicates)."""
        names = ", ".join(f'"{column}"' for column in columns)
        return self._query(f'SELECT {names} FROM "{table}" ORDER BY id')
