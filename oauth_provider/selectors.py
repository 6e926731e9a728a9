"""Reads about clients (their owners, numbers, the Discover page) and the consents people gave them."""

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from oauth2_provider.models import get_access_token_model

from accounts.selectors import alias_list, user_can_create_alias
from billing.selectors import billing_enabled, user_can_create_custom_alias
from oauth_provider.constants import SharedEmail
from oauth_provider.models import Authorization, Client, RegistrationToken, token_digest
from oauth_provider.services import consent_suggestion_sign
from simplelogin.db import execute_prepared

TOKEN_WINDOW_DAYS = 30


def authorization_list_for_user(*, user) -> QuerySet[Authorization]:
    """The apps a person signed in to, most recently used first."""
    return (
        Authorization.objects.filter(user=user)
        .select_related("client", "alias")
        .order_by(F("last_used_at").desc(nulls_last=True), "-created_at", "-id")
    )


def authorization_get(*, user, client: Client) -> Authorization | None:
    """The person's consent to this client, or None."""
    authorization = Authorization.objects.select_related("alias").filter(user=user, client=client).first()
    if authorization is not None:
        authorization.user, authorization.client = user, client
    return authorization


def client_get_by_client_id(*, client_id: str) -> Client | None:
    """A client by its public id, or None."""
    try:
        return Client.objects.filter(client_id=client_id).first()
    except ValueError:  # NUL bytes on PostgreSQL
        return None


@functools.cache
def _introspect_sql() -> str:
    """A live access token of this client, of an active person, with the consent's `sub`: one query, written once."""
    from accounts.models import User

    table = lambda model: connection.ops.quote_name(model._meta.db_table)  # noqa: E731
    return (
        "SELECT t.scope, t.expires, t.created, a.sub"
        f" FROM {table(get_access_token_model())} t"
        f" JOIN {table(User)} u ON u.id = t.user_id"
        f" JOIN {table(Authorization)} a ON a.user_id = t.user_id AND a.client_id = t.application_id"
        " WHERE t.token_checksum = %s AND t.application_id = %s AND t.expires > %s AND u.is_active = %s LIMIT 1"
    )


def _as_datetime(value) -> datetime:
    """A datetime column read by a raw query: SQLite returns its UTC text."""
    if isinstance(value, str):
        return parse_datetime(value).replace(tzinfo=UTC)
    return value


def token_introspect(*, client: Client, token: str) -> dict:
    """RFC 7662 answer about one of this client's tokens; another client's token, or a deactivated person's, is inactive."""
    from oauth2_provider.models import get_refresh_token_model

    from oauth_provider.claims import issuer

    checksum = hashlib.sha256(token.encode()).hexdigest()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    access = _fetchone_prepared(name="sl_introspect", sql=_introspect_sql(), params=[checksum, client.pk, now, True])
    if access is not None:
        scope, expires, created, sub = access
        found_created, token_type, exp = _as_datetime(created), "Bearer", int(_as_datetime(expires).timestamp())
    else:
        refresh = (
            get_refresh_token_model()
            .objects.filter(token_checksum=checksum, application=client, revoked__isnull=True, user__is_active=True)
            .select_related("access_token")
            .first()
        )
        if refresh is None or refresh.access_token is None:
            return {"active": False}
        found_created, token_type, exp, scope = refresh.created, "refresh_token", None, refresh.access_token.scope
        sub = Authorization.objects.filter(user_id=refresh.user_id, client=client).values_list("sub", flat=True).first()
        if sub is None:
            return {"active": False}
    data = {
        "active": True,
        "sub": sub,
        "client_id": client.client_id,
        "scope": scope,
        "iat": int(found_created.timestamp()),
        "iss": issuer(),
        "token_type": token_type,
    }
    if exp is not None:
        data["exp"] = exp
    return data


USERINFO_COLUMNS = (
    "scope",
    "user__email",
    "user__avatar",
    "application__name",
    "application__accepts_query_access_token",
    "consent__sub",
    "consent__name",
    "consent__share_avatar",
    "consent__alias__email",
)


@functools.cache
def _userinfo_sql() -> str:
    """The userinfo query, written once: building it through the ORM cost more CPU than running it."""
    from oauth2_provider.models import get_access_token_model

    from accounts.models import Alias, User

    table = lambda model: connection.ops.quote_name(model._meta.db_table)  # noqa: E731
    return (
        "SELECT t.scope, u.email, u.avatar, c.name, c.accepts_query_access_token, a.sub, a.name, a.share_avatar, al.email"
        f" FROM {table(get_access_token_model())} t"
        f" JOIN {table(User)} u ON u.id = t.user_id"
        f" JOIN {table(Client)} c ON c.id = t.application_id"
        f" JOIN {table(Authorization)} a ON a.user_id = t.user_id AND a.client_id = t.application_id"
        f" LEFT JOIN {table(Alias)} al ON al.id = a.alias_id"
        " WHERE t.token_checksum = %s AND t.expires > %s AND u.is_active = %s LIMIT 1"
    )


def _fetchone_prepared(*, name: str, sql: str, params: list):
    """One row of `sql`, through a prepared statement on PostgreSQL (simplelogin.db)."""
    with connection.cursor() as cursor:
        execute_prepared(cursor, name=name, sql=sql, params=params)
        return cursor.fetchone()


def userinfo_row(*, token: str) -> dict | None:
    """What userinfo needs about a live access token of an active person and its consent, in one query; else None."""
    from django.utils import timezone

    checksum = hashlib.sha256(token.encode()).hexdigest()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    row = _fetchone_prepared(name="sl_userinfo", sql=_userinfo_sql(), params=[checksum, now, True])
    if row is None:
        return None
    data = dict(zip(USERINFO_COLUMNS, row, strict=True))
    data["consent__share_avatar"] = bool(data["consent__share_avatar"])
    data["application__accepts_query_access_token"] = bool(data["application__accepts_query_access_token"])
    return data


def _model_columns(alias: str, model) -> tuple[list[str], tuple]:
    """The SELECT columns of every concrete field of `model` under a table alias, and how to read them back."""
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        col = field.get_col(alias)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((index, found, col))
    columns = [f"{alias}.{connection.ops.quote_name(field.column)}" for field in fields]
    return columns, (model, [field.attname for field in fields], converters)


def _instances_from_row(row, layout) -> list:
    """Model instances (Model.from_db, after the backend's converters) from one row of `_model_columns` columns;
    None for a LEFT JOIN that matched nothing."""
    instances, start = [], 0
    for model, names, converters in layout:
        values = list(row[start : start + len(names)])
        start += len(names)
        if values[0] is None:  # the primary key
            instances.append(None)
            continue
        for index, functions, col in converters:
            for function in functions:
                values[index] = function(values[index], col, connection)
        instances.append(model.from_db(connection.alias, names, values))
    return instances


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _grant_query() -> tuple[str, list]:
    """The code lookup of a token request, written once (its ORM form, FilteredRelation + three select_related,
    spent more CPU building the SQL than the database spent running it)."""
    from oauth2_provider.models import get_grant_model

    from accounts.models import Alias, User

    columns, layout = [], []
    for alias, model in (("g", get_grant_model()), ("u", User), ("a", Authorization), ("al", Alias)):
        model_columns, entry = _model_columns(alias, model)
        columns += model_columns
        layout.append(entry)
    sql = (
        f"SELECT {', '.join(columns)} FROM {_table(get_grant_model())} g"
        f" JOIN {_table(User)} u ON u.id = g.user_id"
        f" LEFT JOIN {_table(Authorization)} a ON a.user_id = g.user_id AND a.client_id = g.application_id"
        f" LEFT JOIN {_table(Alias)} al ON al.id = a.alias_id"
        " WHERE g.code = %s LIMIT 1"
    )
    return sql, layout


def grant_with_consent(*, code: str):
    """The authorization code's row with its person, the person's consent to the code's client (`consent`, or
    None) and the consent's alias, in one query; None when there is no such code."""
    sql, layout = _grant_query()
    row = _fetchone_prepared(name="sl_grant", sql=sql, params=[code])
    if row is None:
        return None
    grant, user, consent, alias = _instances_from_row(row, layout)
    grant.user = user
    if consent is not None:
        consent.alias = alias
    grant.consent = consent
    return grant


@functools.cache
def _client_query() -> tuple[str, list]:
    columns, entry = _model_columns("c", Client)
    return f"SELECT {', '.join(columns)} FROM {_table(Client)} c WHERE c.client_id = %s", [entry]


def client_by_client_id(*, client_id: str) -> Client | None:
    """The client with this public id, or None: the lookup of every client authentication, written once."""
    sql, layout = _client_query()
    row = _fetchone_prepared(name="sl_client", sql=sql, params=[client_id])
    return None if row is None else _instances_from_row(row, layout)[0]


def token_model_names() -> set[str]:
    """Verbose names of DOT's token models: their admins refuse deletes, but our delete services revoke them first."""
    from oauth2_provider.models import (
        get_access_token_model,
        get_grant_model,
        get_id_token_model,
        get_refresh_token_model,
    )

    models = (get_access_token_model(), get_refresh_token_model(), get_id_token_model(), get_grant_model())
    return {str(model._meta.verbose_name) for model in models}


def client_list_for_owner(*, user) -> QuerySet[Client]:
    """The developer's clients, newest first, with how many people authorized each."""
    return (
        Client.objects.filter(user=user)
        .annotate(authorization_count=Count("authorizations", distinct=True))
        .order_by("-created", "-id")
    )


def client_get_for_owner(*, user, client_id: str) -> Client:
    """One of the developer's clients by its public id; Client.DoesNotExist for anyone else's (or none)."""
    try:
        return Client.objects.get(user=user, client_id=client_id)
    except ValueError:  # NUL bytes on PostgreSQL
        raise Client.DoesNotExist from None


def client_stats(*, client: Client, now=None) -> dict:
    """People who authorized the client and access tokens issued to it in the last 30 days."""
    since = (now or timezone.now()) - timedelta(days=TOKEN_WINDOW_DAYS)
    return {
        "authorization_count": client.authorizations.count(),
        "tokens_recent": get_access_token_model().objects.filter(application=client, created__gte=since).count(),
        "window_days": TOKEN_WINDOW_DAYS,
    }


def client_list_published() -> QuerySet[Client]:
    """Apps shown on /discover/: published ones, by name."""
    return (
        Client.objects.filter(published=True)
        .only("name", "icon", "home_url", "policy_uri", "tos_uri", "client_id")
        .order_by("name", "id")
    )


@dataclass(frozen=True)
class ConsentOptions:
    """What the consent page offers: the aliases to pick from, what can be created, and the preselected choice."""

    aliases: list
    can_create_random: bool
    can_create_custom: bool
    suggestion: str | None  # a signed `prefix.suffix` named after the app (premium), see consent_suggestion_sign
    suggested_email: str | None
    default: str  # SharedEmail value or an alias address; never the real email unless the person chose it before
    no_new_alias_reason: str | None
    upgrade_url: str | None


def consent_options(*, user, client: Client, authorization: Authorization | None) -> ConsentOptions:
    """The choices of the consent page, the privacy-preserving one preselected (issue 15)."""
    aliases = list(alias_list(user=user).filter(enabled=True)[:100])
    if authorization is not None and authorization.alias_id and authorization.alias not in aliases:
        aliases.insert(0, authorization.alias)  # forwarding off, but the app has it: it may keep it
    for alias in aliases:
        alias.other_apps = [a.client for a in alias.authorizations.all() if a.client_id != client.pk]
    can_random = user_can_create_alias(user=user)
    can_custom = user_can_create_custom_alias(user=user)
    suggestion = suggested_email = None
    if can_custom and (signed := consent_suggestion_sign(user=user, client=client)):
        suggestion, local_part = signed
        suggested_email = f"{local_part}@{settings.EMAIL_DOMAIN}"
    if authorization is not None:
        default = authorization.alias.email if authorization.alias_id else SharedEmail.REAL
    elif can_random:
        default = SharedEmail.RANDOM
    else:
        unused = [alias for alias in aliases if not alias.other_apps]
        default = (unused or aliases)[0].email if aliases else ""
    reason = None
    if not can_random:
        reason = _(
            "You have used the %(count)d aliases of the free plan, so no new alias can be "
            "made for this app. Pick one you have, or delete one you no longer need on the dashboard."
        ) % {"count": settings.MAX_ALIASES_FREE_PLAN}
    return ConsentOptions(
        aliases=aliases,
        can_create_random=can_random,
        can_create_custom=can_custom,
        suggestion=suggestion,
        suggested_email=suggested_email,
        default=default,
        no_new_alias_reason=reason,
        upgrade_url=reverse("pricing") if reason and billing_enabled() else None,
    )


def client_for_next_url(*, next_url: str | None) -> Client | None:
    """The app a log-in page's `next` (this site's authorize URL) comes back to, or None for any other `next`."""
    from urllib.parse import parse_qs, urlsplit

    from django.urls import Resolver404, resolve

    try:
        parts = urlsplit(next_url or "")
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            return None
        if not (resolve(parts.path).url_name or "").startswith("authorize"):
            return None
    except (ValueError, Resolver404):
        return None
    client_ids = parse_qs(parts.query).get("client_id") or [""]
    if len(client_ids) != 1 or not client_ids[0] or len(client_ids[0]) > 100:
        return None
    return client_get_by_client_id(client_id=client_ids[0])


def registration_token_get_valid(*, token: str) -> RegistrationToken | None:
    """The unexpired initial access token with this value (RFC 7591 3), with its owner, or None."""
    return (
        RegistrationToken.objects.select_related("owner")
        .filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()),
            digest=token_digest(token),
            owner__is_active=True,
        )
        .first()
    )


def client_get_by_registration_access_token(*, client_id: str, token: str) -> Client | None:
    """The registered client this RFC 7592 registration access token manages, or None."""
    client = client_get_by_client_id(client_id=client_id)
    if client is None or not client.registration_access_token_digest:
        return None
    return client if constant_time_compare(client.registration_access_token_digest, token_digest(token)) else None
