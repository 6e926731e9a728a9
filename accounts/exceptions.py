"""Errors of the alias rules; str(error) is a message shown to the person."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class AliasError(Exception):
    """Base of every alias rule refusal; its message is written for the person."""

    default_message = _("This alias cannot be created.")
    upgrade_hint = ""

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)

    @classmethod
    def offering_upgrade(cls, *, can_buy: bool) -> "AliasError":
        """The refusal, saying "Upgrade…" only when premium can be bought on this site."""
        return cls(
            format_lazy("{} {}", cls.default_message, cls.upgrade_hint) if can_buy and cls.upgrade_hint else None
        )


class AliasLimitReached(AliasError):
    """The free plan's alias quota is used up."""

    default_message = _("You have reached the alias limit of the free plan.")
    upgrade_hint = _("Upgrade to create more aliases.")


class CustomAliasNotAllowed(AliasError):
    """Custom aliases need a premium plan or an unexpired trial."""

    default_message = _("Custom aliases are a premium feature.")
    upgrade_hint = _("Upgrade to create them.")


class InvalidAliasPrefix(AliasError):
    """The typed prefix cannot be turned into a valid address."""

    default_message = _(
        "Use 3 to 40 characters: letters a-z, digits, dot, underscore or hyphen "
        "(accents are converted, e.g. é becomes e). It cannot start or end with a dot or contain two dots in a row."
    )


class AliasUnavailable(AliasError):
    """No free address could be found after several tries."""

    default_message = _("No free address could be found right now. Please try again.")


class ApiKeyError(Exception):
    """A refused API key change; str(error) is written for the person."""


class PartnerCodeError(Exception):
    """The partner code is not one of PARTNER_CODES; str() is shown to the person."""


class LegacyImportError(Exception):
    """`import_legacy` cannot go on; the message tells the operator what to do."""
