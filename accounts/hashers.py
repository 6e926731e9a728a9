"""Password hashers: Argon2id at OWASP's parameters, and bcrypt for the hashes brought over from 2019."""

from django.contrib.auth.hashers import Argon2PasswordHasher, BCryptPasswordHasher

BCRYPT_MAX_BYTES = 72


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's first recommended configuration: 19 MiB of memory, 2 iterations, 1 lane.

    Django's defaults (100 MiB, p=8) cost about eight times the CPU per log-in (`make bench` with --login measures
    it). Hashes made with other parameters are re-made with these at the next log-in (Django's must_update).
    """

    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1


class LegacyBCryptPasswordHasher(BCryptPasswordHasher):
    """Django's plain `bcrypt$` hasher, reading only the first 72 bytes of a password as bcrypt always did.

    bcrypt ignored bytes past the 72nd when the 2019 hashes were made; bcrypt 5 raises ValueError instead,
    which would turn a long password typed at log-in into a server error.
    """

    def encode(self, password, salt):
        """`bcrypt$<bcrypt hash>` of the password's first 72 bytes."""
        bcrypt = self._load_library()
        data = bcrypt.hashpw(password.encode()[:BCRYPT_MAX_BYTES], salt)
        return f"{self.algorithm}${data.decode('ascii')}"
