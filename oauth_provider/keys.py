"""The one module that reads and writes the RSA keys that sign id_tokens."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

PRIMARY_KEY_NAME = "jwtRS256.key"


def signing_key_path() -> Path:
    """Where the current signing key lives (KEYS_DIR/jwtRS256.key)."""
    return Path(settings.KEYS_DIR) / PRIMARY_KEY_NAME


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
