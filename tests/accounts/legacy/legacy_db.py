"""A 2019 SimpleLogin database for the import tests: built from the 2019 schema with a few hundred rows of each kind.

The first rows of each table are the cases the tests name (known passwords, secrets, refusals); the rest are
generated. bcrypt runs at cost 4 to stay fast: the stored hash carries its cost, so verification is just as real.
"""

import io
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bcrypt
from PIL import Image

SCHEMA = Path(__file__).resolve().parents[2] / "data" / "legacy_2019_schema.sql"
TABLE_ORDER = ("file", "users", "partner", "client", "redirect_uri", "gen_email", "client_user")
EPOCH = datetime(2019, 6, 1, 9, 30)

FULL = {"people": 300, "clients": 200, "aliases": 400, "consents": 300, "partners": 30}
SMALL = {"people": 30, "clients": 12, "aliases": 40, "consents": 30, "partners": 4}

ALICE_PASSWORD = "alice-2019-password"
LONG_PASSWORD = "ü" * 45  # 90 bytes in UTF-8: bcrypt only ever read the first 72
APP_SECRET = "x9PnR2vLq8TzW4kYb7HcJ3mNd6FsG1aQ0eUoIi5V"
APP_REDIRECT = "https://app2019.example/callback"


def _stamp(days: float) -> str:
    """A naive-UTC DATETIME as SQLAlchemy wrote it on SQLite."""
    return (EPOCH + timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S.%f")


def bcrypt_hash(password: str) -> str:
    """What 2019 stored in users.password (bcrypt truncated long passwords at 72 bytes)."""
    return bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(4)).decode()


def png(color=(200, 30, 30)) -> bytes:
    """A small real PNG."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, format="PNG")
    return out.getvalue()


@dataclass
class LegacyData:
    """Rows of every 2019 table, plus the files of the 2019 bucket."""

    rows: dict = field(default_factory=lambda: {table: [] for table in TABLE_ORDER})
    files: dict = field(default_factory=dict)

    def add(self, table: str, **values) -> dict:
        values.setdefault("id", len(self.rows[table]) + 1)
        values.setdefault("created_at", _stamp(values["id"] / 10))
        values.setdefault("updated_at", None)
        self.rows[table].append(values)
        return values

    def get(self, table: str, row_id: int) -> dict:
        return next(row for row in self.rows[table] if row["id"] == row_id)


def _person(data: LegacyData, email: str, *, password: str | None = None, hashed: str | None = None, **values) -> dict:
    defaults = {
        "salt": "unused",
        "name": email.split("@")[0].title(),
        "is_admin": False,
        "activated": True,
        "plan": "free",
        "plan_expiration": None,
        "stripe_customer_id": None,
        "stripe_card_token": None,
        "stripe_subscription_id": None,
        "profile_picture_id": None,
        "is_developer": False,
        "promo_codes": None,
    }
    defaults.update(values)
    return data.add(
        "users", email=email, password=bcrypt_hash(password or f"pw-{email}") if hashed is None else hashed, **defaults
    )


def build_data(*, sizes: dict = FULL, seed: int = 2019) -> LegacyData:
    """The 2019 rows: named cases first, then generated people, apps, aliases and consents up to `sizes`."""
    rnd = random.Random(seed)
    data = LegacyData()
    avatar = data.add("file", path="avatars/alice.png")
    data.files[avatar["path"]] = png()
    icon = data.add("file", path="icons/app2019.png")
    data.files[icon["path"]] = png((30, 30, 200))
    traversal = data.add("file", path="../outside.png")
    not_image = data.add("file", path="avatars/not-an-image.png")
    data.files[not_image["path"]] = b"this is not a picture"

    alice = _person(
        data,
        "Alice@Example.com",
        password=ALICE_PASSWORD,
        name="Alice Liddell",
        plan="yearly",
        profile_picture_id=avatar["id"],
        is_admin=True,
        is_developer=True,
        promo_codes="spring2019, FRIENDS",
        stripe_customer_id="cus_2019alice",
        stripe_subscription_id="sub_2019alice",
    )
    _person(
        data,
        "trial@example.com",
        plan="trial",
        plan_expiration=(datetime.now(UTC) + timedelta(days=9)).strftime("%Y-%m-%d %H:%M:%S.%f"),
    )
    _person(data, "dup@example.com")
    _person(data, "DUP@example.com")
    _person(data, "unverified@example.com", activated=False)
    _person(data, "long@example.com", password=LONG_PASSWORD)
    _person(data, "not an email")
    _person(data, "nohash@example.com", hashed="")
    _person(data, "escape@example.com", profile_picture_id=traversal["id"])
    _person(data, "badimage@example.com", profile_picture_id=not_image["id"])
    _person(data, "monthly@example.com", plan="monthly", plan_expiration=_stamp(400))
    _person(data, "trial-no-end@example.com", plan="trial")
    while len(data.rows["users"]) < sizes["people"]:
        n = len(data.rows["users"]) + 1
        _person(
            data,
            f"person{n}@example.org",
            plan=rnd.choice(["free", "free", "trial", "monthly", "yearly"]),
            plan_expiration=_stamp(rnd.randint(-100, 900)) if rnd.random() < 0.5 else None,
            activated=rnd.random() < 0.9,
            is_developer=rnd.random() < 0.1,
        )
    ids = [row["id"] for row in data.rows["users"]]
    dup_id = data.rows["users"][2]["id"]

    app = data.add(
        "client",
        oauth_client_id="app-2019",
        oauth_client_secret=APP_SECRET,
        name="App 2019",
        home_url="https://app2019.example",
        published=True,
        user_id=alice["id"],
        icon_id=icon["id"],
    )
    data.add("redirect_uri", client_id=app["id"], uri=APP_REDIRECT)
    data.add("redirect_uri", client_id=app["id"], uri="http://localhost:8000/callback")
    data.add(
        "client",
        oauth_client_id="orphan-app",
        oauth_client_secret="orphan-secret-0123456789",
        name="Orphan",
        home_url="javascript:alert(1)",
        published=False,
        user_id=dup_id,
        icon_id=None,
    )
    data.add("redirect_uri", client_id=2, uri="https://orphan.example/cb#fragment")
    while len(data.rows["client"]) < sizes["clients"]:
        n = len(data.rows["client"]) + 1
        client = data.add(
            "client",
            oauth_client_id=f"client-{n:04d}",
            oauth_client_secret=f"secret-{n:04d}-{rnd.getrandbits(64):x}",
            name=f"App {n}",
            home_url=f"https://app{n}.example",
            published=rnd.random() < 0.5,
            user_id=rnd.choice(ids),
            icon_id=None,
        )
        for k in range(rnd.choice([1, 2])):
            data.add("redirect_uri", client_id=client["id"], uri=f"https://app{n}.example/cb{k}")

    data.add("gen_email", user_id=alice["id"], email="brave_lion@sl.local", enabled=True)
    data.add("gen_email", user_id=alice["id"], email="sleepy_owl@sl.local", enabled=False)
    data.add("gen_email", user_id=alice["id"], email="old_domain@simplelogin.co", enabled=True)
    data.add("gen_email", user_id=alice["id"], email="Brave_Lion@sl.local", enabled=True)
    data.add("gen_email", user_id=dup_id, email="held_for_dup@sl.local", enabled=True)
    while len(data.rows["gen_email"]) < sizes["aliases"]:
        n = len(data.rows["gen_email"]) + 1
        data.add(
            "gen_email",
            user_id=rnd.choice(ids),
            email=f"alias_{n}_{rnd.getrandbits(24):x}@sl.local",
            enabled=rnd.random() < 0.85,
        )

    data.add("client_user", user_id=alice["id"], client_id=app["id"], gen_email_id=1)
    data.add("client_user", user_id=2, client_id=app["id"], gen_email_id=None)
    data.add("client_user", user_id=dup_id, client_id=app["id"], gen_email_id=5)
    aliases_of = {}
    for alias in data.rows["gen_email"][5:]:
        aliases_of.setdefault(alias["user_id"], []).append(alias["id"])
    pairs = {(alice["id"], app["id"]), (2, app["id"]), (dup_id, app["id"])}
    while len(data.rows["client_user"]) < sizes["consents"]:
        user_id, client_id = rnd.choice(ids), rnd.randint(3, sizes["clients"])
        if (user_id, client_id) in pairs:
            continue
        pairs.add((user_id, client_id))
        own = aliases_of.get(user_id)
        data.add(
            "client_user",
            user_id=user_id,
            client_id=client_id,
            gen_email_id=rnd.choice(own) if own and rnd.random() < 0.7 else None,
        )

    for n in range(1, sizes["partners"] + 1):
        data.add(
            "partner",
            email=f"partner{n}@example.net" if n > 1 else None,
            name=f"Partner {n}",
            website=f"https://partner{n}.example" if n % 3 else "not a url",
            additional_information="We make apps.",
            user_id=alice["id"] if n == 1 else (rnd.choice(ids) if n % 2 else None),
        )
    return data


def postgres_ddl() -> str:
    """The 2019 SQLite DDL as SQLAlchemy would have written it for PostgreSQL (minimal translation)."""
    ddl = SCHEMA.read_text()
    ddl = re.sub(r"^--.*$", "", ddl, flags=re.M)
    ddl = ddl.replace("DATETIME", "TIMESTAMP WITHOUT TIME ZONE")
    ddl = re.sub(r"\bid INTEGER NOT NULL,", "id SERIAL NOT NULL,", ddl)
    ddl = re.sub(r",\s*CHECK \(\w+ IN \(0, 1\)\)", "", ddl)  # native booleans on PostgreSQL
    ddl = ddl.replace("DEFAULT '0'", "DEFAULT false")
    return ddl


def write(data: LegacyData, connection, *, placeholder: str, ddl: str) -> None:
    """Create the schema on a DB-API connection and insert every row."""
    cursor = connection.cursor()
    ddl = re.sub(r"^--.*$", "", ddl, flags=re.M)
    for statement in ddl.split(";"):
        if statement.strip():
            cursor.execute(statement)
    for table in TABLE_ORDER:
        rows = data.rows[table]
        if not rows:
            continue
        columns = list(rows[0])
        names = ", ".join(f'"{column}"' for column in columns)
        marks = ", ".join([placeholder] * len(columns))
        cursor.executemany(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [tuple(row[c] for c in columns) for row in rows]
        )
    connection.commit()


def write_sqlite(data: LegacyData, path: Path) -> Path:
    """The 2019 database as a SQLite file."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        write(data, connection, placeholder="?", ddl=SCHEMA.read_text())
    finally:
        connection.close()
    return path


def write_bucket(data: LegacyData, folder: Path) -> Path:
    """The 2019 S3 bucket copied to a folder (plus a file outside it that a `..` path points at)."""
    for path, content in data.files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    (folder.parent / "outside.png").write_bytes(png((0, 0, 0)))
    return folder
