"""JSON shapes of the API; input serializers only parse, the services decide."""

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


class AliasCustomCreateSerializer(serializers.Serializer):
    """Input of a custom alias: the wished prefix (a random suffix is added)."""

    prefix = serializers.CharField(max_length=100, trim_whitespace=True, help_text="3 to 40 of a-z 0-9 . _ -")


class AliasUpdateSerializer(serializers.Serializer):
    """Input of a partial alias change; absent fields are left as they are."""

    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False)
    enabled = serializers.BooleanField(required=False, help_text="false stops forwarding mail to you.")


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
