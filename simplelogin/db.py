"""Server-side prepared statements on PostgreSQL for the hand-written SQL of the hot protocol endpoints."""

import weakref

from django.db import DEFAULT_DB_ALIAS, connections

# Per Django connection: the driver connection its statements were prepared on, and their names.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def execute_prepared(cursor, *, name: str, sql: str, params: list) -> None:
    """Run `sql` on this Django cursor; on PostgreSQL as `EXECUTE name`, prepared once per database connection.

    For reads whose planning costs more than their execution (the code lookup's four-table join: seven times); not
    for writes (a prepared UPDATE of the codes grew costlier as they piled up: docs/performance.md). PREPARE goes
    through the driver's own cursor (a session setting, not one of the request's queries), so query budgets still
    count one query; other databases run the plain statement.
    """
    wrapper = connections[DEFAULT_DB_ALIAS]  # this thread's connection
    if wrapper.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    raw = wrapper.connection
    driver, names = _prepared.get(wrapper, (None, set()))
    if driver is not raw:  # a new connection: its statements are gone with the old one
        driver, names = raw, set()
        _prepared[wrapper] = (driver, names)
    if name not in names:
        with raw.cursor() as setup:
            setup.execute(f"PREPARE {name} AS {sql % tuple(f'${i + 1}' for i in range(len(params)))}")
        names.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
