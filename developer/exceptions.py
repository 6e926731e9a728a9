"""Errors of the developer pages, with messages meant for the person."""


class DeveloperError(Exception):
    """A request the developer pages refuse; str() is shown to the person."""


class PartnerCodeError(DeveloperError):
    """The partner code is not one of PARTNER_CODES."""


class PlaygroundError(DeveloperError):
    """The playground cannot go on (unknown state, client gone, flow not allowed)."""
