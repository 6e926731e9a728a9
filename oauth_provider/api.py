"""The JSON API of the provider: the apps a person signed in to (`/api/v1/apps`), for personal API keys only."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from oauth_provider import selectors, services
from oauth_provider.models import Authorization
from simplelogin.api.exceptions import NotFound
from simplelogin.api.schema import error_responses

API_KEY_ONLY: list = []  # no OAuth scope opens these: one app must never list or revoke the others


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


class AppListView(APIView):
    """The apps the person signed in to (personal API keys only)."""

    required_alternate_scopes = {"GET": API_KEY_ONLY}

    @extend_schema(
        operation_id="apps_list",
        summary="List your apps",
        tags=["apps"],
        responses={200: AppSerializer(many=True), **error_responses()},
    )
    def get(self, request):
        """Most recently used first, with what each app received."""
        authorizations = selectors.authorization_list_for_user(user=request.user)
        return Response(AppSerializer(authorizations, many=True, context={"request": request}).data)


class AppDetailView(APIView):
    """Revoke an app (personal API keys only)."""

    required_alternate_scopes = {"DELETE": API_KEY_ONLY}

    @extend_schema(
        operation_id="apps_revoke",
        summary="Revoke an app",
        tags=["apps"],
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request, authorization_id: int):
        """The app loses every token it holds; the person's next sign-in asks for consent again."""
        authorizations = selectors.authorization_list_for_user(user=request.user)
        authorization = authorizations.filter(pk=authorization_id).first()
        if authorization is None:
            raise NotFound("No such app.")
        services.authorization_revoke(authorization=authorization)
        return Response(status=status.HTTP_204_NO_CONTENT)
