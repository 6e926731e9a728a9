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


def avatar_url(*, user=None, avatar_name: str | None = None) -> str | None:
    """Absolute URL of the person's avatar (from the user or the stored file name), or None."""
    name = user.avatar.name if user is not None and user.avatar else avatar_name
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


def claims_build(*, authorization: Authorization, scopes) -> dict:
    """Claims for this person × client, filtered by the granted scopes (same in id_token and userinfo)."""
    user = authorization.user
    return claims_filter({
        "sub": authorization.sub,
        "email": authorization.alias.email if authorization.alias_id else user.email,
        "email_verified": True,
        "name": authorization.name or None,
        "avatar_url": avatar_url(user=user) if authorization.share_avatar else None,
        "client": authorization.client.name,
    }, scopes)


def claims_from_row(row: dict) -> dict:
    """The same claims from selectors.userinfo_row (one flat query on the hot userinfo path)."""
    return claims_filter({
        "sub": row["consent__sub"],
        "email": row["consent__alias__email"] or row["user__email"],
        "email_verified": True,
        "name": row["consent__name"] or None,
        "avatar_url": avatar_url(avatar_name=row["user__avatar"]) if row["consent__share_avatar"] else None,
        "client": row["application__name"],
    }, row["scope"].split())


def user_object(*, authorization: Authorization, scopes) -> dict:
    """The 2019 `user` object of the token response: the claims plus `id` (the same pairwise value as `sub`)."""
    return {"id": authorization.sub, **claims_build(authorization=authorization, scopes=scopes)}
