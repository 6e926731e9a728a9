"""The one place that decides what a client learns about a person: id_token, userinfo and the 2019 `user` object."""

from dataclasses import dataclass

from django.conf import settings

from oauth_provider.models import Authorization

# A claim is released when one of these scopes was granted; `sub` and `client` always are.
CLAIM_SCOPES = {
    "email": ("email",),
    "email_verified": ("email",),
    "name": ("profile", "name"),
    "avatar_url": ("profile", "avatar_url"),
    "picture": ("profile", "avatar_url"),
}
# What id_token and userinfo may carry about the person (discovery's claims_supported adds the token's own).
CLAIMS_SUPPORTED = ["sub", "id", "email", "email_verified", "name", "picture", "avatar_url", "client"]


def issuer() -> str:
    """The issuer identifier (`iss`): the site's public URL."""
    return settings.URL.rstrip("/")


def avatar_url(*, avatar_name: str | None) -> str | None:
    """Absolute URL of an avatar from its stored file name, or None."""
    name = avatar_name
    if not name:
        return None
    from accounts.models import User

    url = User._meta.get_field("avatar").storage.url(name)
    return url if url.startswith(("https://", "http://")) else f"{issuer()}{url}"


def claims_filter(values: dict, scopes) -> dict:
    """Keep the claims the granted scopes release."""
    scopes = set(scopes or ())
    return {
        claim: value
        for claim, value in values.items()
        if claim not in CLAIM_SCOPES or scopes.intersection(CLAIM_SCOPES[claim])
    }


@dataclass(frozen=True)
class Identity:
    """What one app knows of one person: the choices of their consent (email shared, name, avatar) and its subject."""

    sub: str
    email: str
    name: str
    avatar_name: str | None
    share_avatar: bool
    client_name: str

    @classmethod
    def from_authorization(cls, authorization: Authorization) -> "Identity":
        """From a consent row with its person, client and alias."""
        user = authorization.user
        return cls(
            sub=authorization.sub,
            email=authorization.alias.email if authorization.alias_id else user.email,
            name=authorization.name,
            avatar_name=user.avatar.name if user.avatar else None,
            share_avatar=authorization.share_avatar,
            client_name=authorization.client.name,
        )

    @classmethod
    def from_userinfo_row(cls, row: dict) -> "Identity":
        """From selectors.userinfo_row (one flat query on the hot userinfo path)."""
        return cls(
            sub=row["consent__sub"],
            email=row["consent__alias__email"] or row["user__email"],
            name=row["consent__name"],
            avatar_name=row["user__avatar"] or None,
            share_avatar=row["consent__share_avatar"],
            client_name=row["application__name"],
        )


def claims_build(*, identity: Identity, scopes) -> dict:
    """The claims one app receives, filtered by the granted scopes: the same in the id_token and userinfo.

    `id` repeats `sub` (the 2019 name, read by python-social-auth). An absent claim is omitted (OIDC Core 5.3.2),
    except `avatar_url`, which 2019 clients read as null.
    """
    avatar = avatar_url(avatar_name=identity.avatar_name) if identity.share_avatar else None
    values = {"sub": identity.sub, "id": identity.sub, "email": identity.email, "email_verified": True}
    if identity.name:
        values["name"] = identity.name
    if avatar:
        values["picture"] = avatar  # OIDC Core 5.1
    values.update(avatar_url=avatar, client=identity.client_name)
    return claims_filter(values, scopes)


def authentication_claims(*, amr, acr) -> dict:
    """How the person authenticated, for the id_token only: `amr` (RFC 8176) and `acr` (OIDC Core 2)."""
    values = {}
    if amr:
        values["amr"] = list(amr)
    if acr:
        values["acr"] = acr
    return values


def user_object(*, authorization: Authorization, scopes) -> dict:
    """The 2019 `user` object of the token response: the claims, `id` included (the same pairwise value as `sub`)."""
    return claims_build(identity=Identity.from_authorization(authorization), scopes=scopes)
