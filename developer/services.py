"""Writes of the developer pages: clients and their secrets, partner programme, the apps a person uses."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret

from accounts.images import image_normalize
from accounts.models import Alias, User
from accounts.selectors import alias_get_for_user
from developer import emails
from developer.exceptions import DeveloperError, PartnerCodeError
from developer.models import PartnerApplication
from oauth_provider import services as provider_services
from oauth_provider.models import Authorization, Client, redirect_uri_problems

log = logging.getLogger(__name__)

PLAYGROUND_CALLBACK_PATH = "/developer/playground/callback"


def playground_callback_uri() -> str:
    """The redirect URI of the playground, on this site's own host."""
    return f"{settings.URL.rstrip('/')}{PLAYGROUND_CALLBACK_PATH}"


def _check_redirect_uris(data: "ClientSettings") -> None:
    """ValueError naming each URI the provider refuses."""
    problems = redirect_uri_problems(data.redirect_uris + data.post_logout_redirect_uris)
    if problems:
        raise ValueError("; ".join(f"{uri}: {problem}" for uri, problem in problems))


@dataclass(frozen=True)
class ClientSettings:
    """What a developer sets on a client (create and update)."""

    name: str
    home_url: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    allow_code_flow: bool = True
    allow_implicit_flow: bool = False
    allow_hybrid_flow: bool = False


def _icon_content(upload):
    return image_normalize(upload=upload, name="icon") if upload else None


def client_register(*, owner: User, data: ClientSettings, public: bool, icon=None) -> tuple[Client, str]:
    """Create a client owned by the developer; returns it and its secret in clear (empty for public clients).

    ValueError on a bad redirect URI, ValidationError on a bad icon; nothing is stored then.
    """
    _check_redirect_uris(data)
    icon_content = _icon_content(icon)
    with transaction.atomic():
        client, secret = provider_services.client_create(
            name=data.name, redirect_uris=data.redirect_uris, public=public, owner=owner,
            post_logout_redirect_uris=data.post_logout_redirect_uris,
            implicit=data.allow_implicit_flow, hybrid=data.allow_hybrid_flow,
        )
        client.home_url = data.home_url
        client.allow_code_flow = data.allow_code_flow
        client.save(update_fields=["home_url", "allow_code_flow"])
        if icon_content is not None:
            client.icon.save(icon_content.name, icon_content, save=True)
    log.info("developer client registered client_id=%s owner_id=%s", client.client_id, owner.pk)
    return client, secret


def client_update(
    *, client: Client, data: ClientSettings, published: bool | None = None, icon=None, icon_remove: bool = False
) -> Client:
    """Change a client's settings (its type and id never change); ValueError on a bad redirect URI."""
    _check_redirect_uris(data)
    icon_content = _icon_content(icon)
    client.name = data.name
    client.home_url = data.home_url
    client.redirect_uris = " ".join(data.redirect_uris)
    client.post_logout_redirect_uris = " ".join(data.post_logout_redirect_uris)
    client.allow_code_flow = data.allow_code_flow
    client.allow_implicit_flow = data.allow_implicit_flow
    client.allow_hybrid_flow = data.allow_hybrid_flow
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
    log.info("developer client updated client_id=%s", client.client_id)
    return client


def client_secret_rotate(*, client: Client) -> str:
    """Give a confidential client a new secret (returned in clear, stored hashed); the old one stops working."""
    if client.client_type != Client.CLIENT_CONFIDENTIAL:
        raise DeveloperError("Public clients have no secret.")
    secret = generate_client_secret()
    client.client_secret = secret
    client.hash_client_secret = True
    client.save(update_fields=["client_secret", "hash_client_secret", "updated"])
    identify_hasher(client.client_secret)  # DOT's ClientSecretField hashed it on save
    log.info("client secret rotated client_id=%s", client.client_id)
    return secret


def client_playground_uri_add(*, client: Client) -> bool:
    """Register the playground callback URI on the client; False when it was already there."""
    uri = playground_callback_uri()
    uris = client.redirect_uris.split()
    if uri in uris:
        return False
    client.redirect_uris = " ".join([*uris, uri])
    client.save(update_fields=["redirect_uris", "updated"])
    log.info("playground redirect uri added client_id=%s", client.client_id)
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
        people = provider_services.client_revoke_all(client=client)
        if client.icon:
            client.icon.delete(save=False)
        client.delete()
    log.info("client deleted client_id=%s people=%s", client_id, people)


# --- the apps a person uses ------------------------------------------------------------------------------


def authorization_change_alias(*, authorization: Authorization, alias_id: int | None) -> Authorization:
    """Share another of the person's aliases (None: the real email) with the app, from its next request on."""
    alias = None
    if alias_id is not None:
        try:
            alias = alias_get_for_user(user=authorization.user, alias_id=alias_id)
        except Alias.DoesNotExist:
            raise DeveloperError("That address is not one of your aliases.") from None
        if not alias.enabled and alias.pk != authorization.alias_id:
            raise DeveloperError("Forwarding is off for that alias; turn it on or choose another address.")
    authorization.alias = alias
    authorization.save(update_fields=["alias", "updated_at"])
    log.info(
        "authorization alias changed user_id=%s client_id=%s alias_id=%s",
        authorization.user_id, authorization.client_id, alias_id,
    )
    return authorization


# --- partner programme -----------------------------------------------------------------------------------


def developer_grant(*, user: User) -> User:
    """Make the person a developer (idempotent)."""
    if not user.is_developer:
        user.is_developer = True
        user.save(update_fields=["is_developer", "updated_at"])
        log.info("developer granted user_id=%s", user.pk)
    return user


def partner_code_redeem(*, user: User, code: str) -> User:
    """A code from PARTNER_CODES makes the person a developer at once; PartnerCodeError otherwise."""
    if (code or "").strip().upper() not in settings.PARTNER_CODES:
        raise PartnerCodeError("This partner code is not valid. Check it, or apply with the form below.")
    log.info("partner code redeemed user_id=%s", user.pk)
    return developer_grant(user=user)


def partner_application_submit(
    *, user: User | None, email: str, name: str, website: str = "", additional_information: str = ""
) -> PartnerApplication:
    """Store an application to the partner programme and mail it to the support address (kept if mail is down)."""
    with transaction.atomic():  # a mail that cannot even be built (e.g. a bad header) stores nothing
        application = PartnerApplication.objects.create(
            user=user if user is not None and user.is_authenticated else None,
            email=email.strip().lower(), name=name.strip(), website=website.strip(),
            additional_information=additional_information.strip(),
        )
        try:
            emails.send_partner_application(application=application)
        except OSError:
            log.exception("partner application mail failed application_id=%s", application.pk)
    log.info("partner application submitted application_id=%s user_id=%s", application.pk, application.user_id)
    return application


def partner_application_approve(*, application: PartnerApplication) -> User | None:
    """Approve an application: its person (the signed-in applicant, else the account with its email) becomes a developer."""
    user = application.user or User.objects.filter(email__iexact=application.email).first()
    if user is None:
        return None
    with transaction.atomic():
        developer_grant(user=user)
        if application.approved_at is None:
            application.approved_at = timezone.now()
            application.user = user
            application.save(update_fields=["approved_at", "user", "updated_at"])
    log.info("partner application approved application_id=%s user_id=%s", application.pk, user.pk)
    return user
