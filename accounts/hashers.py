"""Password hashers: Argon2id at OWASP's parameters."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's first recommended configuration: 19 MiB of memory, 2 iterations, 1 lane.

    Django's defaults (100 MiB, p=8) cost about eight times the CPU per log-in (bench/run.py --login measures it).
    Hashes made with other parameters are re-made with these at the next log-in (Django's must_update).
    """

    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1
