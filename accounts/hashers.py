"""Password hashers for hashes brought over from the 2019 version."""

from django.contrib.auth.hashers import BCryptPasswordHasher

BCRYPT_MAX_BYTES = 72


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
