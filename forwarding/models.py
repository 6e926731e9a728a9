"""Reverse aliases (an outside sender seen through one alias) and per-alias mail counters."""

from django.db import models
from django.db.models.functions import Lower

from accounts.models import Alias


class ReverseAlias(models.Model):
    """An address on EMAIL_DOMAIN standing for one outside sender of mail to one alias; replies go through it."""

    alias = models.ForeignKey(Alias, on_delete=models.CASCADE, related_name="reverse_aliases")
    sender = models.EmailField(max_length=254)
    email = models.EmailField(max_length=254, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "reverse aliases"
        constraints = [
            models.UniqueConstraint(fields=["alias", "sender"], name="reverse_alias_alias_sender_unique"),
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="reverse_alias_email_lowercase"),
            models.CheckConstraint(condition=models.Q(sender=Lower("sender")), name="reverse_alias_sender_lowercase"),
        ]

    def __str__(self):
        return self.email


class AliasStats(models.Model):
    """How many mails an alias forwarded, replied and blocked (updated with F() expressions)."""

    alias = models.OneToOneField(Alias, on_delete=models.CASCADE, primary_key=True, related_name="stats")
    forwarded = models.PositiveBigIntegerField(default=0)
    replied = models.PositiveBigIntegerField(default=0)
    blocked = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "alias stats"

    def __str__(self):
        return f"{self.alias_id}: {self.forwarded}/{self.replied}/{self.blocked}"
