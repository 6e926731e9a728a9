"""Errors the provider's services raise; str() is a message for the person."""


class ConsentError(Exception):
    """A consent choice that cannot be accepted (someone else's alias, unknown address, forged field…)."""


class ClientError(ValueError):
    """A client change that cannot be accepted (a refused redirect URI, a secret for a public client…)."""


class PlaygroundError(Exception):
    """The playground cannot go on (unknown state, client gone, flow not allowed)."""
