"""Writes of the OpenID Connect provider: consents and what each app receives, their revocation, clients."""

import functools
import logging
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.auth.hashers import identify_hasher
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_access_token_model, get_grant_model, get_id_token_model, get_refresh_token_model

from accounts import selectors as alias_selectors
from accounts import services as alias_services
from accounts.exceptions import AliasError
from accounts.images import image_normalize
from accounts.models import Alias
from billing.selectors import user_can_create_custom_alias
from oauth_provider.constants import SharedEmail
from oauth_provider.exceptions import ClientError, ConsentError
from oauth_provider.models import Authorization, Client, RegistrationToken, redirect_uri_problems, token_digest
from simplelogin.db import execute_prepared

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsentChoice:
    """What the person chose on the consent page (raw, validated by authorization_grant)."""

    email: str
    custom_prefix: str = ""
    suggestion: str = ""
    name: str = ""
    share_avatar: bool = False


SUGGESTION_SALT = "oauth_provider.consent.suggestion"
SUGGESTION_MAX_AGE = 24 * 3600


def consent_suggestion_sign(*, user, client: Client) -> tuple[str, str] | None:
    """(signed token, local part) of a custom alias named after the app, e.g. `demo-app.x7k2q9`; None for odd names.

    The suffix is drawn here so the page can show the exact address; the signature keeps people from choosing it.
    """
    prefix = alias_services.prefix_suggest(name=client.name)
    if prefix is None:
        return None
    local_part = f"{prefix}.{alias_services.random_suffix()}"
    token = signing.dumps({"u": user.pk, "c": client.pk, "l": local_part}, salt=SUGGESTION_SALT, compress=False)
    return token, local_part


def _suggestion_local_part(*, user, client: Client, token: str) -> str:
    """The local part a consent_suggestion_sign token names for this person and app; ConsentError otherwise."""
    try:
        data = signing.loads(token or "", salt=SUGGESTION_SALT, max_age=SUGGESTION_MAX_AGE)
    except signing.BadSignature:
        raise ConsentError(_("The suggested alias has expired; please choose again.")) from None
    if not isinstance(data, dict) or data.get("u") != user.pk or data.get("c") != client.pk:
        raise ConsentError(_("The suggested alias has expired; please choose again."))
    return str(data.get("l", ""))


def _alias_for_choice(*, user, client: Client, choice: ConsentChoice):
    """The alias to share (created if asked), or None for the real email; ConsentError otherwise."""
    if choice.email == SharedEmail.REAL:
        return None
    try:
        if choice.email == SharedEmail.RANDOM:
            if not alias_selectors.user_can_create_alias(user=user):
                raise ConsentError(_("Your plan does not allow another alias; choose an existing one."))
            return alias_services.alias_create_random(user=user)
        if choice.email == SharedEmail.CUSTOM:
            if not user_can_create_custom_alias(user=user):
                raise ConsentError(_("Custom aliases need a premium plan."))
            return alias_services.alias_create_custom(user=user, prefix=choice.custom_prefix)
        if choice.email == SharedEmail.SUGGESTED:
            if not user_can_create_custom_alias(user=user):
                raise ConsentError(_("Custom aliases need a premium plan."))
            prefix, _sep, suffix = _suggestion_local_part(user=user, client=client, token=choice.suggestion).rpartition(
                "."
            )
            return alias_services.alias_create_custom(user=user, prefix=prefix, suffix=suffix)
    except AliasError as error:
        raise ConsentError(str(error)) from error
    return _alias_shareable(alias=alias_selectors.alias_get_by_email_for_user(user=user, email=choice.email))


def _alias_shareable(*, alias, current_alias_id: int | None = None):
    """The alias, if it may be given to an app: the person's own, with forwarding on (or the one the app has)."""
    if alias is None:
        raise ConsentError(_("That address is not one of your aliases."))
    if not alias.enabled and alias.pk != current_alias_id:
        raise ConsentError(_("Forwarding is off for that alias; turn it on or choose another address."))
    return alias


def authorization_grant(*, user, client: Client, choice: ConsentChoice, scopes=()) -> Authorization:
    """Record (or replace) the person's consent to the client and the scopes granted; nothing is stored when a choice is refused."""
    name = (choice.name or "").strip()
    if len(name) > 128:
        raise ConsentError(_("The name is too long (128 characters at most)."))
    with transaction.atomic():
        alias = _alias_for_choice(user=user, client=client, choice=choice)
        authorization, created = Authorization.objects.select_for_update().get_or_create(
            user=user,
            client=client,
            defaults={
                "alias": alias,
                "name": name,
                "share_avatar": bool(choice.share_avatar),
                "scope": " ".join(sorted(set(scopes))),
            },
        )
        if not created:
            authorization.alias, authorization.name = alias, name
            authorization.share_avatar = bool(choice.share_avatar)
            authorization.scope = " ".join(sorted(set(authorization.scope.split()) | set(scopes)))
            authorization.save(update_fields=["alias", "name", "share_avatar", "scope", "updated_at"])
    authorization.user, authorization.client = user, client
    log.info(
        "authorization granted user_id=%s client_id=%s alias_id=%s", user.pk, client.pk, getattr(alias, "pk", None)
    )
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
    """Delete every code, access, refresh and id_token any client holds for the person (deactivated, signed out)."""
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


@functools.cache
def _insert_sql(model) -> tuple[str, list]:
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if connection.features.can_return_columns_from_insert:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    return sql, fields


def token_row_insert(*, token) -> None:
    """INSERT a new token row (id, access or refresh token) with its fields' own pre_save (timestamps, checksums).

    The statement is written once per model: Model.save() built the same INSERT through the ORM on every exchange.
    """
    sql, fields = _insert_sql(type(token))
    values = [field.get_db_prep_save(field.pre_save(token, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        token.pk = cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
    token._state.adding, token._state.db = False, connection.alias


def code_mark_used(*, code: str, client: Client, access_token_id: int | None, token_family) -> bool:
    """Spend the code once (RFC 6749 4.1.2) and remember what it issued; False when it was already spent.

    One UPDATE written out (the ORM's form of it cost more CPU to build than PostgreSQL took to run it), prepared
    on PostgreSQL: 250 → 145 µs of the database's CPU per exchange (bench/statements.py), flat over 4,000 exchanges.
    """
    Grant = get_grant_model()
    prep = lambda name, value: Grant._meta.get_field(name).get_db_prep_value(value, connection)  # noqa: E731
    with connection.cursor() as cursor:
        execute_prepared(
            cursor,
            name="sl_spend",
            sql=f"UPDATE {connection.ops.quote_name(Grant._meta.db_table)}"
            " SET used_at = %s, access_token_id = %s, token_family = %s"
            " WHERE code = %s AND application_id = %s AND used_at IS NULL",
            params=[
                prep("used_at", timezone.now()),
                access_token_id,
                prep("token_family", token_family),
                code,
                client.pk,
            ],
        )
        return cursor.rowcount == 1


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
                .exclude(access_token_id=None)
                .values_list("access_token_id", flat=True)
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


def authorization_change_alias(*, authorization: Authorization, alias_id: int | None) -> Authorization:
    """Share another of the person's aliases (None: the real email) with the app, from its next request on."""
    alias = None
    if alias_id is not None:
        try:
            alias = alias_selectors.alias_get_for_user(user=authorization.user, alias_id=alias_id)
        except Alias.DoesNotExist:
            alias = None
        alias = _alias_shareable(alias=alias, current_alias_id=authorization.alias_id)
    authorization.alias = alias
    authorization.save(update_fields=["alias", "updated_at"])
    log.info(
        "authorization alias changed user_id=%s client_id=%s alias_id=%s",
        authorization.user_id,
        authorization.client_id,
        alias_id,
    )
    return authorization


# --- clients -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientSettings:
    """What a developer sets on a client (create and update)."""

    name: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str] = ()
    home_url: str = ""
    policy_uri: str = ""  # OIDC Dynamic Client Registration 2 / RFC 7591 2 metadata names
    tos_uri: str = ""
    allow_code_flow: bool = True
    allow_implicit_flow: bool = False
    allow_hybrid_flow: bool = False
    accepts_query_access_token: bool = False  # RFC 6750 2.3 at userinfo (older libraries); 2019 imports have it on
    refresh_without_offline_access: bool = False  # OIDC Core 11; on for apps older than offline_access


def _redirect_uris_check(data: ClientSettings) -> None:
    """ClientError naming each URI the provider refuses."""
    problems = redirect_uri_problems([u for u in data.redirect_uris if u] + list(data.post_logout_redirect_uris))
    if problems:
        raise ClientError("; ".join(f"{uri}: {problem}" for uri, problem in problems))


def _icon_content(upload):
    return image_normalize(upload=upload, name="icon") if upload else None


def client_create(
    *,
    data: ClientSettings,
    owner=None,
    public: bool = False,
    icon=None,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> tuple[Client, str]:
    """Register a client; returns it and its secret in clear (shown once, stored hashed; empty for public clients).

    `client_id`/`client_secret` keep given values (demo data, imports). ClientError on a bad redirect URI,
    ValidationError on a bad icon; nothing is stored then.
    """
    _redirect_uris_check(data)
    icon_content = _icon_content(icon)
    secret = "" if public else (client_secret or generate_client_secret())
    with transaction.atomic():
        client = Client(
            name=data.name,
            user=owner,
            home_url=data.home_url,
            policy_uri=data.policy_uri,
            tos_uri=data.tos_uri,
            redirect_uris=" ".join(data.redirect_uris),
            post_logout_redirect_uris=" ".join(data.post_logout_redirect_uris),
            client_type=Client.CLIENT_PUBLIC if public else Client.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
            client_secret=secret,
            hash_client_secret=True,
            allow_code_flow=data.allow_code_flow,
            allow_implicit_flow=data.allow_implicit_flow,
            allow_hybrid_flow=data.allow_hybrid_flow,
            accepts_query_access_token=data.accepts_query_access_token,
            refresh_without_offline_access=data.refresh_without_offline_access,
        )
        if client_id:
            client.client_id = client_id
        client.save()
        if icon_content is not None:
            client.icon.save(icon_content.name, icon_content, save=True)
    log.info("client created client_id=%s public=%s owner_id=%s", client.client_id, public, getattr(owner, "pk", None))
    return client, secret


def client_update(
    *, client: Client, data: ClientSettings, published: bool | None = None, icon=None, icon_remove: bool = False
) -> Client:
    """Change a client's settings (its type and id never change); ClientError on a bad redirect URI."""
    _redirect_uris_check(data)
    icon_content = _icon_content(icon)
    client.name = data.name
    client.home_url = data.home_url
    client.policy_uri, client.tos_uri = data.policy_uri, data.tos_uri
    client.redirect_uris = " ".join(data.redirect_uris)
    client.post_logout_redirect_uris = " ".join(data.post_logout_redirect_uris)
    client.allow_code_flow = data.allow_code_flow
    client.allow_implicit_flow = data.allow_implicit_flow
    client.allow_hybrid_flow = data.allow_hybrid_flow
    client.accepts_query_access_token = data.accepts_query_access_token
    client.refresh_without_offline_access = data.refresh_without_offline_access
    if published is not None:
        client.published = published
    with transaction.atomic():
        if (icon_remove or icon_content is not None) and client.icon:
            client.icon.delete(save=False)
        if icon_content is not None:
            client.icon.save(icon_content.name, icon_content, save=False)
        elif icon_remove:
            client.icon = None
        client.save()
    log.info("client updated client_id=%s", client.client_id)
    return client


def client_secret_rotate(*, client: Client) -> str:
    """Give a confidential client a new secret (returned in clear, stored hashed); the old one stops working."""
    if client.client_type != Client.CLIENT_CONFIDENTIAL:
        raise ClientError("Public clients have no secret.")
    secret = generate_client_secret()
    client.client_secret = secret
    client.hash_client_secret = True
    client.save(update_fields=["client_secret", "hash_client_secret", "updated"])
    identify_hasher(client.client_secret)  # DOT's ClientSecretField hashed it on save
    log.info("client secret rotated client_id=%s", client.client_id)
    return secret


def client_redirect_uri_add(*, client: Client, uri: str) -> bool:
    """Register one more redirect URI on the client; False when it was already there."""
    uris = client.redirect_uris.split()
    if uri in uris:
        return False
    _redirect_uris_check(ClientSettings(name=client.name, redirect_uris=[uri]))
    client.redirect_uris = " ".join([*uris, uri])
    client.save(update_fields=["redirect_uris", "updated"])
    log.info("redirect uri added client_id=%s", client.client_id)
    return True


def client_set_published(*, client: Client, published: bool) -> Client:
    """Show (or hide) the client on /discover/."""
    client.published = published
    client.save(update_fields=["published", "updated"])
    log.info("client published=%s client_id=%s", published, client.client_id)
    return client


def client_delete(*, client: Client) -> None:
    """Delete a client after revoking every consent and token it holds."""
    client_id = client.client_id
    with transaction.atomic():
        people = client_revoke_all(client=client)
        if client.icon:
            client.icon.delete(save=False)
        client.delete()
    log.info("client deleted client_id=%s people=%s", client_id, people)


# --- dynamic client registration (RFC 7591, RFC 7592) ---------------------------------------------------------


@dataclass(frozen=True)
class ClientMetadata:
    """What a registered client sets beyond ClientSettings (RFC 7591 2); console edits leave these alone."""

    logo_uri: str = ""
    contacts: tuple[str, ...] = ()
    jwks_uri: str = ""
    jwks: dict | None = None
    request_uris: tuple[str, ...] = ()
    token_endpoint_auth_method: str = ""


def registration_token_create(
    *, owner, label: str = "", expires_at: datetime | None = None
) -> tuple[RegistrationToken, str]:
    """An initial access token for `owner` (returned in clear once, stored as a digest); owner becomes a developer."""
    from accounts.services import developer_grant

    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        registration_token = RegistrationToken.objects.create(
            owner=owner,
            digest=token_digest(token),
            label=label,
            expires_at=expires_at,
        )
        developer_grant(user=owner)  # the console shows the clients the token registers
    log.info("registration token created id=%s owner_id=%s", registration_token.pk, owner.pk)
    return registration_token, token


def _metadata_apply(client: Client, metadata: ClientMetadata) -> None:
    client.logo_uri = metadata.logo_uri
    client.contacts = list(metadata.contacts)
    client.jwks_uri, client.jwks, client.request_uris = metadata.jwks_uri, metadata.jwks, list(metadata.request_uris)
    client.token_endpoint_auth_method = metadata.token_endpoint_auth_method


def client_register(
    *,
    registration_token: RegistrationToken,
    data: ClientSettings,
    metadata: ClientMetadata,
    public: bool,
) -> tuple[Client, str, str]:
    """Register a client for the token's owner; returns it, its secret and its registration access token (in clear).

    ClientError on a bad redirect URI, as for console clients; nothing is stored then.
    """
    access_token = secrets.token_urlsafe(32)
    with transaction.atomic():
        client, secret = client_create(data=data, owner=registration_token.owner, public=public)
        _metadata_apply(client, metadata)
        client.registration_source = Client.RegistrationSource.DCR
        client.registration_token = registration_token
        client.registration_access_token_digest = token_digest(access_token)
        client.save()
        RegistrationToken.objects.filter(pk=registration_token.pk).update(last_used_at=timezone.now())
    log.info("client registered client_id=%s registration_token_id=%s", client.client_id, registration_token.pk)
    return client, secret, access_token


def client_registration_update(*, client: Client, data: ClientSettings, metadata: ClientMetadata) -> Client:
    """Replace a registered client's metadata (RFC 7592 2.2); its type and id never change. ClientError on a bad URI."""
    _redirect_uris_check(data)
    _metadata_apply(client, metadata)
    # RFC 7591 has no fields for them: the console's switches stay as the developer set them.
    data = replace(
        data,
        accepts_query_access_token=client.accepts_query_access_token,
        refresh_without_offline_access=client.refresh_without_offline_access,
    )
    return client_update(client=client, data=data)


# --- import from the 2019 version (accounts/legacy) -----------------------------------------------------

LEGACY_SCOPE = "avatar_url email name openid profile"  # a 2019 consent released email, name and avatar


def _secret_hashed(secret: str) -> str:
    from django.contrib.auth.hashers import make_password
    from oauth2_provider.settings import oauth2_settings

    return make_password(secret, hasher=oauth2_settings.CLIENT_SECRET_HASHER)


def client_import(
    *,
    client_id: str,
    secret: str,
    name: str,
    owner,
    home_url: str,
    published: bool,
    redirect_uris: list[str],
    created_at=None,
) -> Client:
    """Register a 2019 client under its old id and secret (stored hashed), with the flows 2019 offered and query-string tokens accepted."""
    problems = redirect_uri_problems(redirect_uris)
    if problems:
        raise ValueError("; ".join(f"{uri}: {problem}" for uri, problem in problems))
    client = Client.objects.create(
        client_id=client_id,
        client_secret=_secret_hashed(secret),
        hash_client_secret=True,
        name=name,
        user=owner,
        home_url=home_url,
        published=published,
        redirect_uris=" ".join(redirect_uris),
        client_type=Client.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
        allow_code_flow=True,
        allow_implicit_flow=True,
        allow_hybrid_flow=True,
        accepts_query_access_token=True,
        refresh_without_offline_access=True,
    )
    if created_at:
        Client.objects.filter(pk=client.pk).update(created=created_at)
    log.debug("client imported client_id=%s", client.client_id)
    return client


def client_import_update(
    *,
    client: Client,
    secret: str | None = None,
    name: str | None = None,
    owner=None,
    owner_changed: bool = False,
    home_url: str | None = None,
    published: bool | None = None,
    redirect_uris: list[str] | None = None,
) -> Client:
    """Apply the 2019 values that changed since the last import (None = leave as it is here); ValueError on a bad URI."""
    if redirect_uris is not None:
        problems = redirect_uri_problems(redirect_uris)
        if problems:
            raise ValueError("; ".join(f"{uri}: {problem}" for uri, problem in problems))
        client.redirect_uris = " ".join(redirect_uris)
    if secret is not None:
        client.client_secret = _secret_hashed(secret)
    for attribute, value in (("name", name), ("home_url", home_url), ("published", published)):
        if value is not None:
            setattr(client, attribute, value)
    if owner_changed:
        client.user = owner
    client.save()
    log.debug("imported client updated client_id=%s", client.client_id)
    return client


def client_import_icon(*, client: Client, content) -> Client:
    """Give the client the icon it had in 2019 (`content` already checked and re-encoded by image_normalize)."""
    old = client.icon.name if client.icon else None
    client.icon.save(content.name, content, save=False)
    client.save(update_fields=["icon", "updated"])
    if old:
        client.icon.storage.delete(old)
    return client


def authorization_import(
    *, user, client: Client, alias, name: str, share_avatar: bool, sub: str, created_at=None
) -> Authorization:
    """Bring a 2019 consent over with the subject the app stored (`str(client_user.id)`), so the app finds its user."""
    authorization = Authorization.objects.create(
        user=user,
        client=client,
        alias=alias,
        name=name,
        share_avatar=share_avatar,
        sub=sub,
        scope=LEGACY_SCOPE,
    )
    if created_at:
        Authorization.objects.filter(pk=authorization.pk).update(created_at=created_at)
    log.debug("authorization imported user_id=%s client_id=%s", user.pk, client.pk)
    return authorization


def authorization_import_update(
    *, authorization: Authorization, name: str | None = None, share_avatar: bool | None = None
) -> Authorization:
    """Take over the name and avatar choice that changed in 2019 since the last import."""
    if name is not None:
        authorization.name = name
    if share_avatar is not None:
        authorization.share_avatar = share_avatar
    authorization.save(update_fields=["name", "share_avatar", "updated_at"])
    return authorization
