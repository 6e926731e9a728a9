"""App config for forwarding."""

from django.apps import AppConfig


class ForwardingConfig(AppConfig):
    """Alias mail forwarding: the inbound SMTP handler, reverse aliases and per-alias counters."""

    name = "forwarding"
