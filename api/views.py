"""Endpoints of the JSON API under /api/v1/: thin wrappers around the same services as the web pages."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as alias_selectors
from accounts import services as alias_services
from accounts.models import Alias
from api.exceptions import NotFound
from api.permissions import Scope
from api.schema import error_responses
from api.selectors import account_summary
from api.serializers import (
    AliasCustomCreateSerializer,
    AliasSerializer,
    AliasUpdateSerializer,
    AppSerializer,
    MeSerializer,
)
from oauth_provider import selectors as oauth_selectors
from oauth_provider import services as oauth_services

READ = [[Scope.ALIASES_READ]]
WRITE = [[Scope.ALIASES_WRITE]]
API_KEY_ONLY: list = []


def _alias_or_404(request, alias_id: int) -> Alias:
    try:
        return alias_selectors.alias_get_for_user(user=request.user, alias_id=alias_id)
    except Alias.DoesNotExist:
        raise NotFound("No such alias.") from None


class MeView(APIView):
    """The person behind the key or token."""

    required_alternate_scopes = {"GET": READ}

    @extend_schema(
        operation_id="me", summary="Your account", tags=["account"],
        responses={200: MeSerializer, **error_responses()},
    )
    def get(self, request):
        """Email, name, plan, when it ends and how many aliases are left."""
        return Response(MeSerializer(account_summary(user=request.user)).data)


class AliasListView(GenericAPIView):
    """The person's aliases."""

    required_alternate_scopes = {"GET": READ}
    serializer_class = AliasSerializer

    @extend_schema(
        operation_id="aliases_list", summary="List aliases", tags=["aliases"],
        parameters=[OpenApiParameter(
            "search", str, description="Part of the address or the note (the first 100 characters count).",
            pattern=r"^[^\u0000]*$",
        )],
        responses={200: AliasSerializer(many=True), **error_responses(404)},
    )
    def get(self, request):
        """Newest first, paginated; `search` filters on address and note."""
        search = request.query_params.get("search", "")[:100]
        page = self.paginate_queryset(alias_selectors.alias_list(user=request.user, search=search))
        return self.get_paginated_response(AliasSerializer(page, many=True).data)


class AliasRandomCreateView(APIView):
    """Create a random alias."""

    required_alternate_scopes = {"POST": WRITE}

    @extend_schema(
        operation_id="aliases_create_random", summary="Create a random alias", tags=["aliases"],
        request=None, responses={201: AliasSerializer, **error_responses(409)},
    )
    def post(self, request):
        """A random-words alias; 403 alias_limit_reached when the free plan's quota is used up."""
        alias = alias_services.alias_create_random(user=request.user)
        return Response(AliasSerializer(alias).data, status=status.HTTP_201_CREATED)


class AliasCustomCreateView(APIView):
    """Create a custom alias (premium)."""

    required_alternate_scopes = {"POST": WRITE}

    @extend_schema(
        operation_id="aliases_create_custom", summary="Create a custom alias", tags=["aliases"],
        request=AliasCustomCreateSerializer, responses={201: AliasSerializer, **error_responses(400, 409, 415)},
    )
    def post(self, request):
        """`prefix.random@domain`; 403 custom_alias_not_allowed without premium, 400 for a bad prefix."""
        serializer = AliasCustomCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alias = alias_services.alias_create_custom(user=request.user, prefix=serializer.validated_data["prefix"])
        return Response(AliasSerializer(alias).data, status=status.HTTP_201_CREATED)


class AliasDetailView(APIView):
    """One alias of the person; someone else's alias is a 404."""

    required_alternate_scopes = {"GET": READ, "PATCH": WRITE, "DELETE": WRITE}

    @extend_schema(
        operation_id="aliases_get", summary="Get an alias", tags=["aliases"],
        responses={200: AliasSerializer, **error_responses(404)},
    )
    def get(self, request, alias_id: int):
        """The alias and the apps it was given to."""
        return Response(AliasSerializer(_alias_or_404(request, alias_id)).data)

    @extend_schema(
        operation_id="aliases_update", summary="Change note or forwarding", tags=["aliases"],
        request=AliasUpdateSerializer, responses={200: AliasSerializer, **error_responses(400, 404, 415)},
    )
    def patch(self, request, alias_id: int):
        """Change the note and/or switch forwarding on (`enabled: true`) or off; absent fields stay."""
        alias = _alias_or_404(request, alias_id)
        serializer = AliasUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = serializer.validated_data
        if "note" in changes:
            alias = alias_services.alias_update_note(alias=alias, note=changes["note"])
        if "enabled" in changes and changes["enabled"] != alias.enabled:
            alias = alias_services.alias_toggle(alias=alias)
        return Response(AliasSerializer(alias).data)

    @extend_schema(
        operation_id="aliases_delete", summary="Delete an alias", tags=["aliases"],
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request, alias_id: int):
        """Delete for good: apps using it lose access and the address can never be used again."""
        alias_services.alias_delete(alias=_alias_or_404(request, alias_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AppListView(APIView):
    """The apps the person signed in to (personal API keys only)."""

    required_alternate_scopes = {"GET": API_KEY_ONLY}

    @extend_schema(
        operation_id="apps_list", summary="List your apps", tags=["apps"],
        responses={200: AppSerializer(many=True), **error_responses()},
    )
    def get(self, request):
        """Most recently used first, with what each app received."""
        authorizations = oauth_selectors.authorization_list_for_user(user=request.user)
        return Response(AppSerializer(authorizations, many=True, context={"request": request}).data)


class AppDetailView(APIView):
    """Revoke an app (personal API keys only)."""

    required_alternate_scopes = {"DELETE": API_KEY_ONLY}

    @extend_schema(
        operation_id="apps_revoke", summary="Revoke an app", tags=["apps"],
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request, authorization_id: int):
        """The app loses every token it holds; the person's next sign-in asks for consent again."""
        authorizations = oauth_selectors.authorization_list_for_user(user=request.user)
        authorization = authorizations.filter(pk=authorization_id).first()
        if authorization is None:
            raise NotFound("No such app.")
        oauth_services.authorization_revoke(authorization=authorization)
        return Response(status=status.HTTP_204_NO_CONTENT)


@csrf_exempt  # no session is used under /api/: an unknown path is a JSON 404 whatever the method
def api_not_found(request, *args, **kwargs):
    """JSON 404 for any other path under /api/."""
    return JsonResponse({"code": "not_found", "detail": "No such API endpoint."}, status=404)
