"""The JSON API of accounts: the person (`/api/v1/me`) and their aliases; thin over the same services as the pages."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import Alias
from accounts.services import NOTE_MAX_LENGTH
from billing.models import Plan
from oauth_provider.constants import Scope
from simplelogin.api.exceptions import NotFound
from simplelogin.api.schema import error_responses

READ = [[Scope.ALIASES_READ]]
WRITE = [[Scope.ALIASES_WRITE]]


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
class PrefixValidator(RegexValidator):
    """The schema's pattern (drf-spectacular publishes it); a refusal names the characters that are wrong."""

    def __call__(self, value):
        try:
            super().__call__(value)
        except ValidationError:
            problem = services.prefix_problem(value, fold_accents=False)
            raise ValidationError(f"{problem} {self.message}" if problem else self.message, code=self.code) from None


PREFIX = PrefixValidator(
    r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\Z",
    code="invalid_prefix",
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
        min_length=3,
        max_length=40,
        trim_whitespace=False,
        validators=[PREFIX],
        help_text="3 to 40 of A-Z a-z 0-9 . _ - (lowercased; no dot first, last or twice in a row).",
    )


class AliasUpdateSerializer(serializers.Serializer):
    """Input of a partial alias change; absent fields are left as they are."""

    note = StrictCharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, validators=[NO_NUL])
    enabled = StrictBooleanField(required=False, help_text="false stops forwarding mail to you.")


def _alias_or_404(request, alias_id: int) -> Alias:
    try:
        return selectors.alias_get_for_user(user=request.user, alias_id=alias_id)
    except Alias.DoesNotExist:
        raise NotFound("No such alias.") from None


class MeView(APIView):
    """The person behind the key or token."""

    required_alternate_scopes = {"GET": READ}

    @extend_schema(
        operation_id="me",
        summary="Your account",
        tags=["account"],
        responses={200: MeSerializer, **error_responses()},
    )
    def get(self, request):
        """Email, name, plan, when it ends and how many aliases are left."""
        return Response(MeSerializer(selectors.account_summary(user=request.user)).data)


class AliasListView(GenericAPIView):
    """The person's aliases."""

    required_alternate_scopes = {"GET": READ}
    serializer_class = AliasSerializer

    @extend_schema(
        operation_id="aliases_list",
        summary="List aliases",
        tags=["aliases"],
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Part of the address or the note (the first 100 characters count).",
                pattern=r"^[^\u0000]*$",
            )
        ],
        responses={200: AliasSerializer(many=True), **error_responses(404)},
    )
    def get(self, request):
        """Newest first, paginated; `search` filters on address and note."""
        search = request.query_params.get("search", "")[:100]
        page = self.paginate_queryset(selectors.alias_list(user=request.user, search=search))
        return self.get_paginated_response(AliasSerializer(page, many=True).data)


class AliasRandomCreateView(APIView):
    """Create a random alias."""

    required_alternate_scopes = {"POST": WRITE}

    @extend_schema(
        operation_id="aliases_create_random",
        summary="Create a random alias",
        tags=["aliases"],
        request=None,
        responses={201: AliasSerializer, **error_responses(409)},
    )
    def post(self, request):
        """A random-words alias; 403 alias_limit_reached when the free plan's quota is used up."""
        alias = services.alias_create_random(user=request.user)
        return Response(AliasSerializer(alias).data, status=status.HTTP_201_CREATED)


class AliasCustomCreateView(APIView):
    """Create a custom alias (premium)."""

    required_alternate_scopes = {"POST": WRITE}

    @extend_schema(
        operation_id="aliases_create_custom",
        summary="Create a custom alias",
        tags=["aliases"],
        request=AliasCustomCreateSerializer,
        responses={201: AliasSerializer, **error_responses(400, 409, 415)},
    )
    def post(self, request):
        """`prefix.random@domain`; 403 custom_alias_not_allowed without premium, 400 for a bad prefix."""
        serializer = AliasCustomCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alias = services.alias_create_custom(user=request.user, prefix=serializer.validated_data["prefix"])
        return Response(AliasSerializer(alias).data, status=status.HTTP_201_CREATED)


class AliasDetailView(APIView):
    """One alias of the person; someone else's alias is a 404."""

    required_alternate_scopes = {"GET": READ, "PATCH": WRITE, "DELETE": WRITE}

    @extend_schema(
        operation_id="aliases_get",
        summary="Get an alias",
        tags=["aliases"],
        responses={200: AliasSerializer, **error_responses(404)},
    )
    def get(self, request, alias_id: int):
        """The alias and the apps it was given to."""
        return Response(AliasSerializer(_alias_or_404(request, alias_id)).data)

    @extend_schema(
        operation_id="aliases_update",
        summary="Change note or forwarding",
        tags=["aliases"],
        request=AliasUpdateSerializer,
        responses={200: AliasSerializer, **error_responses(400, 404, 415)},
    )
    def patch(self, request, alias_id: int):
        """Change the note and/or switch forwarding on (`enabled: true`) or off; absent fields stay."""
        alias = _alias_or_404(request, alias_id)
        serializer = AliasUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = serializer.validated_data
        if "note" in changes:
            alias = services.alias_update_note(alias=alias, note=changes["note"])
        if "enabled" in changes and changes["enabled"] != alias.enabled:
            alias = services.alias_toggle(alias=alias)
        return Response(AliasSerializer(alias).data)

    @extend_schema(
        operation_id="aliases_delete",
        summary="Delete an alias",
        tags=["aliases"],
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request, alias_id: int):
        """Delete for good: apps using it lose access and the address can never be used again."""
        services.alias_delete(alias=_alias_or_404(request, alias_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
