"""JSON shapes of the API; input serializers only parse, the services decide."""

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Alias
from accounts.services import NOTE_MAX_LENGTH
from billing.models import Plan
from oauth_provider.models import Authorization


class MeSerializer(serializers.Serializer):
    """The signed-in person and their plan."""

    email = serializers.EmailField()
    name = serializers.CharField()
    plan = serializers.ChoiceField(choices=Plan.choices, allow_null=True, help_text="null when no plan is recorded.")
    is_premium = serializers.BooleanField()
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="When the plan ends; null = renews or never ends."
    )
    alias_quota_left = serializers.IntegerField(allow_null=True, help_text="Aliases left to create; null = no limit.")


class AliasAppSerializer(serializers.Serializer):
    """An app this alias was given to."""

    id = serializers.IntegerField(help_text="The authorization id (see /api/v1/apps).")
    name = serializers.CharField(source="client.name")


class AliasSerializer(serializers.ModelSerializer):
    """An alias and the apps it was given to."""

    apps = serializers.SerializerMethodField()

    class Meta:
        model = Alias
        fields = ["id", "email", "enabled", "note", "created_at", "apps"]
        read_only_fields = fields

    @extend_schema_field(AliasAppSerializer(many=True))
    def get_apps(self, alias):
        """The authorizations sharing this alias (prefetched by the selector)."""
        return AliasAppSerializer(alias.authorizations.all(), many=True).data


# What the schema promises is exactly what is accepted: dot-separated runs of letters, digits, _ and -.
PREFIX = RegexValidator(
    r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\Z", code="invalid_prefix",
    message="Use letters, digits, underscore or hyphen, with single dots between them (no dot first or last).",
)
NO_NUL = RegexValidator(r"^[^\x00]*\Z", code="null_characters_not_allowed", message="Null characters are not allowed.")


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: DRF's BooleanField would also take 0, 1, "yes", "off"…"""

    def to_internal_value(self, data):
        """The boolean itself; anything else is invalid."""
        if data is True or data is False:
            return data
        self.fail("invalid", input=data)


class StrictCharField(serializers.CharField):
    """A JSON string only: DRF's CharField would also turn numbers into text."""

    def to_internal_value(self, data):
        """The string, checked as DRF checks it; anything else is invalid."""
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class AliasCustomCreateSerializer(serializers.Serializer):
    """Input of a custom alias: the wished prefix (a random suffix is added)."""

    prefix = StrictCharField(
        min_length=3, max_length=40, trim_whitespace=False, validators=[PREFIX],
        help_text="3 to 40 of A-Z a-z 0-9 . _ - (lowercased; no dot first, last or twice in a row).",
    )


class AliasUpdateSerializer(serializers.Serializer):
    """Input of a partial alias change; absent fields are left as they are."""

    note = StrictCharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, validators=[NO_NUL])
    enabled = StrictBooleanField(required=False, help_text="false stops forwarding mail to you.")


class ClientSerializer(serializers.Serializer):
    """The app's public face."""

    name = serializers.CharField()
    home_url = serializers.CharField(allow_blank=True)
    icon_url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_icon_url(self, client) -> str | None:
        """Absolute URL of the app icon, or null."""
        if not client.icon:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(client.icon.url) if request else client.icon.url


class AppSerializer(serializers.ModelSerializer):
    """An app the person signed in to, and what it received."""

    app = ClientSerializer(source="client")
    alias = serializers.SerializerMethodField(help_text="The alias the app received; null = your real email.")

    class Meta:
        model = Authorization
        fields = ["id", "app", "alias", "name", "share_avatar", "created_at", "last_used_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "email", "nullable": True})
    def get_alias(self, authorization) -> str | None:
        """The shared alias address, or null."""
        return authorization.alias.email if authorization.alias_id else None
