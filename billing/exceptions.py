"""Errors of billing; str() is a message for the person."""


class BillingError(Exception):
    """A billing action that cannot be done; the message is meant for the person."""
