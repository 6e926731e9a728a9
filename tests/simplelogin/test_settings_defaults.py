"""Settings an operator meets first: URL follows PORT, ALLOWED_HOSTS follows URL, SQLite files take concurrent writes."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CONCURRENT_WRITES = """
import threading, time, django
django.setup()
from django.db import connection, transaction, OperationalError
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS hits (n integer)")
errors = []
def writer():
    try:
        for _ in range(5):
            with transaction.atomic():  # read, then write: a DEFERRED transaction cannot upgrade under contention
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM hits")
                    time.sleep(0.01)
                    cursor.execute("INSERT INTO hits VALUES (1)")
    except OperationalError as error:
        errors.append(str(error))
    finally:
        connection.close()
threads = [threading.Thread(target=writer) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM hits"); rows = cursor.fetchone()[0]
    cursor.execute("PRAGMA journal_mode"); mode = cursor.fetchone()[0]
print(json.dumps({"errors": errors, "rows": rows, "journal_mode": mode}))
"""


def _python(code: str, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("URL", "ALLOWED_HOSTS", "PORT", "DATABASE_URL")}
    environment.update(DJANGO_SETTINGS_MODULE="simplelogin.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


SETTINGS = (
    "import json; from django.conf import settings; "
    "print(json.dumps({'url': settings.URL, 'hosts': settings.ALLOWED_HOSTS}))"
)


def test_url_follows_port_unless_set():
    assert json.loads(_python(SETTINGS, PORT="8123"))["url"] == "http://127.0.0.1:8123"
    assert json.loads(_python(SETTINGS, PORT="8123", URL="https://login.example.com"))["url"] == (
        "https://login.example.com"
    )


def test_env_example_leaves_allowed_hosts_to_url():
    example = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            example[name] = value
    example.update(URL="https://login.example.com", SECRET_KEY="settings-test-" + "x" * 40, DEBUG="false")
    assert "login.example.com" in json.loads(_python(SETTINGS, **example))["hosts"]


def test_a_sqlite_file_takes_concurrent_read_then_write_transactions(tmp_path):
    report = json.loads(
        _python("import json\n" + CONCURRENT_WRITES, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DEBUG="true")
    )
    assert report == {"errors": [], "rows": 40, "journal_mode": "wal"}
