"""The one module that reads and writes the RSA keys that sign id_tokens.

Two stores; KEY_ENCRYPTION_KEY chooses:
- set: the database (`SigningKey` rows, private keys encrypted with Fernet under KEY_ENCRYPTION_KEY), shared by
  every instance. A process re-reads the short list of kids at most every SIGNING_KEY_REFRESH_SECONDS; a rotated-in
  key is published at once and signs only after twice that, so every instance publishes it before any signs with it.
- unset: files. KEYS_DIR/jwtRS256.key signs; rotated-out keys live in KEYS_DIR/retired/ and stay published.

Retired keys stay in the JWKS until every id_token they signed has expired. The `kid` is the RFC 7638 SHA-256
thumbprint.
"""

import base64
import hashlib
import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from jwcrypto import jwk

PRIMARY_KEY_NAME = "jwtRS256.key"
RETIRED_DIR_NAME = "retired"

_cache: dict = {
    "fingerprint": None,
    "signing": None,
    "public": {},
    "jwks": None,
    "jwks_document": None,
    "jws_header": b"",
    "private": None,
    "checked": 0.0,
    "until": None,
}


class SigningKeyMissing(Exception):
    """There is no signing key where the settings say (a wrong KEYS_DIR, or an empty database)."""


def keys_in_database() -> bool:
    """Whether the keys live in the database (KEY_ENCRYPTION_KEY is set) rather than in KEYS_DIR."""
    return bool(settings.KEY_ENCRYPTION_KEY)


def signing_key_path() -> Path:
    """Where the current signing key lives in the file store (KEYS_DIR/jwtRS256.key)."""
    return Path(settings.KEYS_DIR) / PRIMARY_KEY_NAME


def retired_dir() -> Path:
    """Where the file store keeps rotated-out keys while their tokens may still be verified."""
    return Path(settings.KEYS_DIR) / RETIRED_DIR_NAME


def rsa_private_pem_generate() -> bytes:
    """A new RSA-2048 private key as unencrypted PKCS#8 PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def pem_write_private(*, path: Path, pem: bytes) -> None:
    """Write a private key readable by its owner only (0600), never replacing an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(path, 0o600)


def _fernet() -> MultiFernet:
    """The first KEY_ENCRYPTION_KEY encrypts; every one listed decrypts (so the KEK can be rotated)."""
    try:
        return MultiFernet([Fernet(key.strip()) for key in settings.KEY_ENCRYPTION_KEY.split(",") if key.strip()])
    except ValueError as error:
        raise ImproperlyConfigured(
            "KEY_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64-encoded bytes), comma-separated."
        ) from error


def _decrypt(row) -> bytes:
    try:
        return _fernet().decrypt(row.private_key_encrypted.encode())
    except InvalidToken as error:
        raise ImproperlyConfigured(f"KEY_ENCRYPTION_KEY does not decrypt signing key kid={row.kid}.") from error


def _row_create(*, pem: bytes, signs_from: datetime):
    from oauth_provider.models import SigningKey

    kid = jwk.JWK.from_pem(pem).thumbprint()
    encrypted = _fernet().encrypt(pem).decode()
    row, _ = SigningKey.objects.get_or_create(
        kid=kid, defaults={"private_key_encrypted": encrypted, "signs_from": signs_from}
    )
    return row


def _file_pems() -> list[tuple[Path, bytes]]:
    paths = [signing_key_path(), *_retired_paths()]
    return [(path, path.read_bytes()) for path in paths if path.exists()]


def signing_key_generate() -> tuple[str, bool]:
    """Create the signing key unless one exists; returns where it is and whether it was created.

    With the database store, keys already in KEYS_DIR are imported (same kids, so issued id_tokens stay valid).
    """
    if not keys_in_database():
        path = signing_key_path()
        if path.exists():
            return str(path), False
        pem_write_private(path=path, pem=rsa_private_pem_generate())
        return str(path), True
    from oauth_provider.models import SigningKey

    with transaction.atomic():
        if SigningKey.objects.select_for_update().exists():
            return "the database", False
        long_ago = timezone.now() - timedelta(days=1)
        files = _file_pems()
        for offset, (_path, pem) in enumerate(reversed(files)):  # retired first, the primary signs (latest)
            _row_create(pem=pem, signs_from=long_ago + timedelta(seconds=offset))
        if not files:
            _row_create(pem=rsa_private_pem_generate(), signs_from=long_ago)
    _cache["checked"] = 0.0
    return "the database" + (f" (imported from {settings.KEYS_DIR})" if files else ""), True


def _retired_paths() -> list[Path]:
    folder = retired_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".key")


def _publish(signing: jwk.JWK, others: list[jwk.JWK], until: datetime | None, fingerprint) -> dict:
    public = {signing.thumbprint(): signing}
    for key in others:
        public.setdefault(key.thumbprint(), key)
    keys = []
    for kid, key in public.items():
        data = json.loads(key.export_public())
        data.update({"kid": kid, "alg": "RS256", "use": "sig"})
        keys.append(data)
    body = json.dumps({"keys": keys}).encode()
    _cache.update(
        {
            "fingerprint": fingerprint,
            "signing": signing,
            "public": public,
            "jwks": {"keys": keys},
            "jwks_document": (body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'),
            "jws_header": _b64url(json.dumps({"typ": "JWT", "alg": "RS256", "kid": signing.thumbprint()}).encode()),
            "private": signing.get_op_key("sign"),
            "until": until,
        }
    )
    return _cache


def _stat_state(path: str) -> tuple | None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size


def _load_files() -> dict:
    """Read the keys from disk when the key file or the retired folder changed since the last call.

    Two stats per call (every JWKS answer and every signature make one): a rotation replaces the key file and
    renames the old one into the folder, and dropping a retired key removes a file from it; either changes the
    folder's mtime.
    """
    folder = str(settings.KEYS_DIR)  # plain strings: building two Paths cost more than the two stats
    primary = os.path.join(folder, PRIMARY_KEY_NAME)
    fingerprint = ("files", primary, _stat_state(primary), _stat_state(os.path.join(folder, RETIRED_DIR_NAME)))
    if fingerprint == _cache["fingerprint"]:
        return _cache
    primary = signing_key_path()
    if not primary.exists():
        raise ImproperlyConfigured(f"No signing key at {primary}: run `python manage.py generate_signing_key`.")
    others = [jwk.JWK.from_pem(path.read_bytes()) for path in _retired_paths()]
    return _publish(jwk.JWK.from_pem(primary.read_bytes()), others, None, fingerprint)


def _database_checked_recently(*, now: float) -> bool:
    """The database's keys are loaded, no upcoming key has started, and were checked less than a refresh ago."""
    loaded = bool(_cache["fingerprint"]) and _cache["fingerprint"][0] == "database"
    return loaded and _settled() and now - _cache["checked"] < settings.SIGNING_KEY_REFRESH_SECONDS


def _settled() -> bool:
    """No upcoming key of the loaded set has reached its start yet."""
    return _cache["until"] is None or timezone.now() < _cache["until"]


def _load_database() -> dict:
    """The database's keys, re-checked (one small query) at most every SIGNING_KEY_REFRESH_SECONDS."""
    from oauth_provider.models import SigningKey

    now = time.monotonic()
    if _database_checked_recently(now=now):
        return _cache
    fingerprint = ("database", tuple(SigningKey.objects.order_by("signs_from").values_list("kid", "signs_from")))
    _cache["checked"] = now
    if fingerprint == _cache["fingerprint"] and _settled():
        return _cache
    rows = list(SigningKey.objects.order_by("signs_from"))
    current = timezone.now()
    started = [row for row in rows if row.signs_from <= current]
    if not started:
        raise ImproperlyConfigured("No signing key in the database: run `python manage.py generate_signing_key`.")
    upcoming = [row.signs_from for row in rows if row.signs_from > current]
    keys = {row.kid: jwk.JWK.from_pem(_decrypt(row)) for row in rows}
    others = [keys[row.kid] for row in rows if row is not started[-1]]
    return _publish(keys[started[-1].kid], others, min(upcoming, default=None), fingerprint)


def _load() -> dict:
    return _load_database() if keys_in_database() else _load_files()


def signing_key() -> jwk.JWK:
    """The private key that signs new id_tokens."""
    return _load()["signing"]


def signing_kid() -> str:
    """The `kid` of the current signing key (RFC 7638 thumbprint)."""
    return signing_key().thumbprint()


def key_for_kid(kid: str | None) -> jwk.JWK | None:
    """A published key by its `kid` (current, upcoming or retired), or None."""
    if not kid:
        return None
    return _load()["public"].get(kid)


def jwks() -> dict:
    """The JSON Web Key Set: public parts of the current, upcoming and retired keys."""
    return _load()["jwks"]


def _b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def jwt_sign(claims: dict) -> str:
    """The claims as a compact RS256 JWS (RFC 7515 7.1) under the current key, its kid in the header.

    Signed here rather than through jwcrypto's JWT objects: their header registries are deep-copied per token.
    """
    state = _load()
    signing_input = state["jws_header"] + b"." + _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = state["private"].sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return (signing_input + b"." + _b64url(signature)).decode()


def jwks_document() -> tuple[bytes, str]:
    """The JWKS as the JSON bytes served at /jwks and their ETag, built once per key set."""
    return _load()["jwks_document"]


def jwks_document_without_query() -> tuple[bytes, str] | None:
    """jwks_document() when it needs no database query (key files are only stat'ed), else None."""
    if not keys_in_database():
        return _load_files()["jwks_document"]
    return _cache["jwks_document"] if _database_checked_recently(now=time.monotonic()) else None


def signing_key_rotate(*, keep_seconds: int, now: float | None = None) -> tuple[str, str | None, list[str], float]:
    """Retire the current key (still published), add a new one, drop keys retired more than keep_seconds ago.

    Returns (new kid, old kid, removed keys, seconds until the new key signs). Raises SigningKeyMissing when
    there is no current key: a rotation never silently starts a fresh key set (a wrong KEYS_DIR, say).
    """
    now = time.time() if now is None else now
    if keys_in_database():
        return _rotate_database(keep_seconds=keep_seconds, now=now)
    primary = signing_key_path()
    if not primary.exists():
        raise SigningKeyMissing(f"No signing key at {primary}: check KEYS_DIR (or run generate_signing_key first).")
    old_kid = jwk.JWK.from_pem(primary.read_bytes()).thumbprint()
    retired = retired_dir() / f"{int(now)}-{old_kid}.key"
    retired.parent.mkdir(parents=True, exist_ok=True)
    os.replace(primary, retired)
    os.utime(retired, (now, now))
    pem_write_private(path=primary, pem=rsa_private_pem_generate())
    removed = []
    for path in _retired_paths():
        if path.stat().st_mtime < now - keep_seconds:
            path.unlink()
            removed.append(path.name)
    return signing_kid(), old_kid, removed, 0.0


def _rotate_database(*, keep_seconds: int, now: float) -> tuple[str, str | None, list[str], float]:
    from oauth_provider.models import SigningKey

    moment = datetime.fromtimestamp(now, tz=UTC)
    delay = 2 * settings.SIGNING_KEY_REFRESH_SECONDS
    with transaction.atomic():
        rows = list(SigningKey.objects.select_for_update().order_by("signs_from"))
        started = [row for row in rows if row.signs_from <= moment]
        if not started:
            raise SigningKeyMissing("No signing key in the database: run generate_signing_key first.")
        new = _row_create(pem=rsa_private_pem_generate(), signs_from=moment + timedelta(seconds=delay))
        SigningKey.objects.filter(retired_at__isnull=True).exclude(pk=new.pk).update(retired_at=new.signs_from)
        expired = SigningKey.objects.filter(retired_at__lt=moment - timedelta(seconds=keep_seconds))
        removed = list(expired.values_list("kid", flat=True))
        expired.delete()
    _cache["checked"] = 0.0
    return new.kid, started[-1].kid, removed, float(delay)
