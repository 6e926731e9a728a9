"""The one module that reads and writes the RSA keys that sign id_tokens.

KEYS_DIR/jwtRS256.key signs; rotated-out keys live in KEYS_DIR/retired/ and stay published in the
JWKS until every id_token they signed has expired. The `kid` is the RFC 7638 SHA-256 thumbprint.
"""

import json
import os
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jwcrypto import jwk

PRIMARY_KEY_NAME = "jwtRS256.key"
RETIRED_DIR_NAME = "retired"

_cache: dict = {"fingerprint": None, "signing": None, "public": {}, "jwks": None}


def signing_key_path() -> Path:
    """Where the current signing key lives (KEYS_DIR/jwtRS256.key)."""
    return Path(settings.KEYS_DIR) / PRIMARY_KEY_NAME


def retired_dir() -> Path:
    """Where rotated-out keys are kept while their tokens may still be verified."""
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


def signing_key_generate() -> tuple[Path, bool]:
    """Create the signing key unless one exists; returns its path and whether it was created."""
    path = signing_key_path()
    if path.exists():
        return path, False
    pem_write_private(path=path, pem=rsa_private_pem_generate())
    return path, True


def _retired_paths() -> list[Path]:
    folder = retired_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".key")


def _fingerprint() -> tuple:
    paths = [signing_key_path(), *_retired_paths()]
    return tuple((str(p), p.stat().st_mtime_ns) for p in paths if p.exists())


def _load() -> dict:
    """Read the keys from disk when the files changed since the last call (cheap stat otherwise)."""
    fingerprint = _fingerprint()
    if fingerprint == _cache["fingerprint"]:
        return _cache
    primary = signing_key_path()
    if not primary.exists():
        raise ImproperlyConfigured(f"No signing key at {primary}: run `python manage.py generate_signing_key`.")
    signing = jwk.JWK.from_pem(primary.read_bytes())
    public = {signing.thumbprint(): signing}
    for path in _retired_paths():
        key = jwk.JWK.from_pem(path.read_bytes())
        public.setdefault(key.thumbprint(), key)
    keys = []
    for kid, key in public.items():
        data = json.loads(key.export_public())
        data.update({"kid": kid, "alg": "RS256", "use": "sig"})
        keys.append(data)
    _cache.update({"fingerprint": fingerprint, "signing": signing, "public": public, "jwks": {"keys": keys}})
    return _cache


def signing_key() -> jwk.JWK:
    """The private key that signs new id_tokens."""
    return _load()["signing"]


def signing_kid() -> str:
    """The `kid` of the current signing key (RFC 7638 thumbprint)."""
    return signing_key().thumbprint()


def key_for_kid(kid: str | None) -> jwk.JWK | None:
    """A published key by its `kid` (current or retired), or None."""
    if not kid:
        return None
    return _load()["public"].get(kid)


def jwks() -> dict:
    """The JSON Web Key Set: public parts of the current and retired keys."""
    return _load()["jwks"]


def signing_key_rotate(*, keep_seconds: int, now: float | None = None) -> tuple[str, str | None, list[Path]]:
    """Retire the current key (still published), write a new one, drop retired keys older than keep_seconds.

    Returns (new kid, old kid or None, removed paths).
    """
    now = time.time() if now is None else now
    primary = signing_key_path()
    old_kid = None
    if primary.exists():
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
            removed.append(path)
    return signing_kid(), old_kid, removed
