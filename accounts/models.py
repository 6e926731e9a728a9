"""People who sign in with SimpleLogin."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower


class UserManager(BaseUserManager):
    """Creates users keyed on a lowercase email address."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        """Create a person (not staff)."""
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        """Create an admin of the site."""
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        """Emails are case-insensitive for log in."""
        return self.get(email=(email or "").lower())


def avatar_upload_to(instance, filename):
    """Store avatars under a per-user folder with the re-encoded file name."""
    return f"avatars/{instance.pk}/{filename}"


class User(AbstractBaseUser, PermissionsMixin):
    """A person; their email is their login."""

    email = models.EmailField("email address", max_length=254, unique=True)
    name = models.CharField(max_length=128, blank=True)
    avatar = models.ImageField(upload_to=avatar_upload_to, blank=True, null=True)
    is_developer = models.BooleanField(default=False)
    # The language of pages and mails; empty: the browser's (pages) and LANGUAGE_CODE (mail sent outside a request).
    language = models.CharField(max_length=8, blank=True, choices=settings.LANGUAGES)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name or self.email


class Alias(models.Model):
    """An address on EMAIL_DOMAIN that forwards to its owner's real mailbox."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="aliases")
    email = models.EmailField(max_length=254, unique=True)
    enabled = models.BooleanField(default=True)
    note = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "aliases"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="alias_user_created_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="alias_email_lowercase"),
        ]

    def __str__(self):
        return self.email


class DeletedAlias(models.Model):
    """Tombstone of a deleted alias: that address can never be created again."""

    email = models.EmailField(max_length=254, unique=True)
    deleted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "deleted aliases"

    def __str__(self):
        return self.email


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


class ApiKey(models.Model):
    """A personal API key; only the SHA-256 of the key is stored, the key itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=64, help_text="What the person uses the key for.")
    prefix = models.CharField(
        max_length=16, unique=True, help_text="The key's first characters (not secret), shown to tell keys apart."
    )
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 (hex) of the whole key.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class PartnerApplication(models.Model):
    """Someone asking to become a developer; an admin approves it (which makes its person a developer)."""

    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_applications",
        help_text="Who was signed in when applying (empty when applied signed out).",
    )
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=128)
    website = models.URLField(max_length=1024, blank=True)
    additional_information = models.TextField(max_length=5000, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at"], name="partner_app_created_idx")]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class LegacyRecord(models.Model):
    """A row of the 2019 database brought over by `import_legacy`: what it became here and what it looked like then."""

    class Table(models.TextChoices):
        """The 2019 tables the importer reads, in the order it reads them."""

        USERS = "users", "People (users)"
        CLIENT = "client", "Client apps (client)"
        GEN_EMAIL = "gen_email", "Aliases (gen_email)"
        CLIENT_USER = "client_user", "Consents (client_user)"
        PARTNER = "partner", "Partner applications (partner)"

    table = models.CharField(max_length=16, choices=Table.choices)
    legacy_id = models.BigIntegerField(help_text="The row's id in the 2019 table.")
    target_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Primary key of what the row became here; empty while it waits (an alias whose owner is not here yet).",
    )
    fingerprints = models.JSONField(
        default=dict, blank=True, help_text="A digest of each 2019 value imported, to tell what changed in 2019 since."
    )
    pending = models.CharField(
        max_length=64, blank=True, help_text="What could not be brought over yet and is retried on the next run."
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["table", "legacy_id"], name="legacy_record_table_id_unique")]

    def __str__(self):
        return f"{self.table}#{self.legacy_id}"
