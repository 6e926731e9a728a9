"""A fast hasher for client secrets, which are long random strings rather than passwords."""

import hashlib
import secrets

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare


class ClientSecretSHA256Hasher(BasePasswordHasher):
    """Salted SHA-256: enough for secrets with ≥256 bits of entropy, ~1 µs instead of ~0.5 s of CPU.

    Key stretching (PBKDF2, Argon2) protects guessable passwords; a 64-character random secret
    cannot be guessed, and a slow hash there only lets anyone who knows a client_id burn CPU.
    """

    algorithm = "sha256_client_secret"

    def salt(self):
        """A 128-bit random salt."""
        return secrets.token_hex(16)

    def encode(self, password, salt):
        """`sha256_client_secret$<salt>$<hex digest>`."""
        self._check_encode_args(password, salt)
        digest = hashlib.sha256(f"{salt}${password}".encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded):
        """Split an encoded value into its parts."""
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password, encoded):
        """Constant-time comparison of the recomputed digest."""
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded):
        """What the admin may show."""
        decoded = self.decode(encoded)
        return {
            "algorithm": decoded["algorithm"],
            "salt": mask_hash(decoded["salt"]),
            "hash": mask_hash(decoded["hash"]),
        }

    def harden_runtime(self, password, encoded):
        """Nothing to harden: there are no work factors."""
