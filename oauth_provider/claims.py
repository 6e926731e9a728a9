"""The one place that decides what a client learns about a person: id_token, userinfo and the 2019 `user` object."""

from django.conf import settings

from oauth_provider.models import Authorization

# A claim is released when one of these scopes was granted; `sub` and `client` always are.
CLAIM_SCOPES = {
    "email": ("email",),
    "email_verified": ("email",),
    "name": ("profile", "name"),
    "avatar_url": ("profile", "avatar_url"),
}
CLAIMS_SUPPORTED = ["sub", "email", "email_verified", "name", "avatar_url", "client"]


def issuer() -> str:
    """The issuer identifier (`iss`): the site's public URL."""
    return settings.URL.rstrip("/")


def avatar_url(*, user) -> str | None:
    """Absolute URL of the person's avatar, or None."""
    if not user.avatar:
        return None
    url = user.avatar.url
    return url if url.startswith(("https://", "http://")) else f"{issuer()}{url}"


def claims_build(*, authorization: Authorization, scopes) -> dict:
    """Claims for this person × client, filtered by the granted scopes (same in id_token and userinfo)."""
    scopes = set(scopes or ())
    user = authorization.user
    values = {
        "sub": authorization.sub,
        "email": authorization.alias.email if authorization.alias_id else user.email,
        "email_verified": True,
        "name": authorization.name or None,
        "avatar_url": avatar_url(user=user) if authorization.share_avatar else None,
        "client": authorization.client.name,
    }
    return {
        claim: value
        for claim, value in values.items()
        if claim not in CLAIM_SCOPES or scopes.intersection(CLAIM_SCOPES[claim])
    }


def user_object(*, authorization: Authorization, scopes) -> dict:
    """The 2019 `user` object of the token response: the claims plus `id` (the same pairwise value as `sub`)."""
    return {"id": authorization.sub, **claims_build(authorization=authorization, scopes=scopes)}
