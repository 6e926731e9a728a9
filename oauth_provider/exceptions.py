"""Errors the provider's services raise; str() is a message for the person."""


class ConsentError(Exception):
    """A consent choice that cannot be accepted (someone else's alias, unknown address, forged field…)."""
