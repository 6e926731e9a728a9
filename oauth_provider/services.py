"""Writes of the OpenID Connect provider: consents, their revocation, clients."""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_access_token_model, get_grant_model, get_id_token_model, get_refresh_token_model

from accounts import selectors as alias_selectors
from accounts import services as alias_services
from accounts.exceptions import AliasError
from billing.selectors import user_can_create_custom_alias
from oauth_provider.exceptions import ConsentError
from oauth_provider.models import Authorization, Client, redirect_uri_problems

log = logging.getLogger(__name__)

EMAIL_RANDOM = "random"
EMAIL_CUSTOM = "custom"
EMAIL_REAL = "real"


@dataclass(frozen=True)
class ConsentChoice:
    """What the person chose on the consent page (raw, validated by authorization_grant)."""

    email: str
    custom_prefix: str = ""
    name: str = ""
    share_avatar: bool = False


def _alias_for_choice(*, user, choice: ConsentChoice):
    """The alias to share (created if asked), or None for the real email; ConsentError otherwise."""
    if choice.email == EMAIL_REAL:
        return None
    try:
        if choice.email == EMAIL_RANDOM:
            if not alias_selectors.user_can_create_alias(user=user):
                raise ConsentError("Your plan does not allow another alias; choose an existing one.")
            return alias_services.alias_create_random(user=user)
        if choice.email == EMAIL_CUSTOM:
            if not user_can_create_custom_alias(user=user):
                raise ConsentError("Custom aliases need a premium plan.")
            return alias_services.alias_create_custom(user=user, prefix=choice.custom_prefix)
    except AliasError as error:
        raise ConsentError(str(error)) from error
    alias = alias_selectors.alias_get_by_email_for_user(user=user, email=choice.email)
    if alias is None:
        raise ConsentError("That address is not one of your aliases.")
    if not alias.enabled:
        raise ConsentError("That alias is disabled; enable it or choose another address.")
    return alias


def authorization_grant(*, user, client: Client, choice: ConsentChoice, scopes=()) -> Authorization:
    """Record (or replace) the person's consent to the client and the scopes granted; nothing is stored when a choice is refused."""
    name = (choice.name or "").strip()
    if len(name) > 128:
        raise ConsentError("The name is too long (128 characters at most).")
    with transaction.atomic():
        alias = _alias_for_choice(user=user, choice=choice)
        authorization, created = Authorization.objects.select_for_update().get_or_create(
            user=user, client=client,
            defaults={"alias": alias, "name": name, "share_avatar": bool(choice.share_avatar), "scope": " ".join(sorted(set(scopes)))},
        )
        if not created:
            authorization.alias, authorization.name = alias, name
            authorization.share_avatar = bool(choice.share_avatar)
            authorization.scope = " ".join(sorted(set(authorization.scope.split()) | set(scopes)))
            authorization.save(update_fields=["alias", "name", "share_avatar", "scope", "updated_at"])
    authorization.user, authorization.client = user, client
    log.info("authorization granted user_id=%s client_id=%s alias_id=%s", user.pk, client.pk, getattr(alias, "pk", None))
    return authorization


def authorization_touch(*, authorization: Authorization) -> None:
    """Remember when the person last signed in to the app."""
    now = timezone.now()
    Authorization.objects.filter(pk=authorization.pk).update(last_used_at=now)
    authorization.last_used_at = now


def _tokens_delete(**lookup) -> None:
    get_grant_model().objects.filter(**lookup).delete()
    get_refresh_token_model().objects.filter(**lookup).delete()
    get_access_token_model().objects.filter(**lookup).delete()
    get_id_token_model().objects.filter(**lookup).delete()


def tokens_revoke_for_user_client(*, user_id: int, client_id: int) -> None:
    """Delete every code, access, refresh and id_token the client holds for the person."""
    _tokens_delete(user_id=user_id, application_id=client_id)


def tokens_revoke_for_user(*, user_id: int) -> None:
    """Delete every code, access, refresh and id_token any client holds for the person (they were deactivated)."""
    with transaction.atomic():
        _tokens_delete(user_id=user_id)
    log.info("tokens revoked for person user_id=%s", user_id)


def client_revoke_all(*, client: Client) -> int:
    """Withdraw every consent given to the client and delete every token it holds; returns the people affected."""
    with transaction.atomic():
        people = Authorization.objects.filter(client=client).count()
        _tokens_delete(application_id=client.pk)
        Authorization.objects.filter(client=client).delete()
    log.info("client access revoked client_id=%s people=%s", client.client_id, people)
    return people


def authorization_revoke(*, authorization: Authorization) -> None:
    """Withdraw a consent: the client loses every token it holds for the person."""
    with transaction.atomic():
        tokens_revoke_for_user_client(user_id=authorization.user_id, client_id=authorization.client_id)
        authorization.delete()
    log.info("authorization revoked user_id=%s client_id=%s", authorization.user_id, authorization.client_id)


def authorization_revoke_for_alias(*, alias) -> list[Client]:
    """Revoke the consents that share this alias (it is being deleted); returns the clients that lost access."""
    clients = []
    with transaction.atomic():
        for authorization in Authorization.objects.filter(alias=alias).select_related("client"):
            authorization_revoke(authorization=authorization)
            clients.append(authorization.client)
    return clients


def code_replay_revoke(*, code) -> None:
    """A used code came back: revoke everything issued from it (RFC 9700 4.2.4)."""
    AccessToken, RefreshToken, IDToken = get_access_token_model(), get_refresh_token_model(), get_id_token_model()
    with transaction.atomic():
        access_ids = set()
        if code.access_token_id:
            access_ids.add(code.access_token_id)
        if code.token_family:
            access_ids.update(
                RefreshToken.objects.filter(token_family=code.token_family)
                .exclude(access_token_id=None).values_list("access_token_id", flat=True)
            )
            RefreshToken.objects.filter(token_family=code.token_family, revoked__isnull=True).update(
                revoked=timezone.now()
            )
        AccessToken.objects.filter(pk__in=access_ids).delete()
        if code.pk:
            # id_tokens are not linked to refreshed tokens once those rotate: drop the ones minted since the code.
            IDToken.objects.filter(
                user_id=code.user_id, application_id=code.application_id, created__gte=code.created
            ).delete()
    log.warning("authorization code replayed; tokens revoked code_id=%s client_id=%s", code.pk, code.application_id)


def client_create(
    *, name: str, redirect_uris: list[str], public: bool = False, owner=None,
    post_logout_redirect_uris: list[str] | None = None, implicit: bool = False, hybrid: bool = False,
) -> tuple[Client, str]:
    """Register a client; returns it and its secret in clear (shown once, stored hashed). ValueError on a bad URI."""
    problems = redirect_uri_problems([u for u in redirect_uris if u] + list(post_logout_redirect_uris or []))
    if problems:
        raise ValueError("; ".join(f"{uri}: {problem}" for uri, problem in problems))
    secret = "" if public else generate_client_secret()
    client = Client.objects.create(
        name=name, user=owner,
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris or []),
        client_type=Client.CLIENT_PUBLIC if public else Client.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
        client_secret=secret, hash_client_secret=True,
        allow_implicit_flow=implicit, allow_hybrid_flow=hybrid,
    )
    log.info("client created client_id=%s public=%s", client.client_id, public)
    return client, secret
