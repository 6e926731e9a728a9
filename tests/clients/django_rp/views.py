"""What the relying party knows of the signed-in user, as JSON for the tests (never tokens)."""

from allauth.socialaccount.models import SocialAccount
from django.http import Http404, HttpResponse, JsonResponse
from django.template import engines
from django.urls import reverse
from social_django.models import UserSocialAuth


def me(request):
    """The signed-in user of this app and the SimpleLogin accounts linked to it."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    user = request.user
    accounts = []
    for account in SocialAccount.objects.filter(user=user):
        data = account.get_provider_account().get_user_data() or {}
        accounts.append(
            {
                "library": "allauth",
                "provider": account.provider,
                "uid": account.uid,
                "email": data.get("email"),
                "name": data.get("name"),
                "picture": data.get("picture"),
            }
        )
    for social in UserSocialAuth.objects.filter(user=user):
        accounts.append(
            {
                "library": "social-auth",
                "provider": social.provider,
                "uid": social.uid,
                "email": social.extra_data.get("email"),
                "name": social.extra_data.get("name"),
                "avatar_url": social.extra_data.get("avatar_url"),
            }
        )
    return JsonResponse(
        {
            "signed_in": True,
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "accounts": accounts,
        }
    )


SIGN_IN_PAGE = engines["django"].from_string(
    '<form method="post" action="{{ action }}">{% csrf_token %}<button>Sign in with SimpleLogin</button></form>'
)


def sign_in(request, library, provider):
    """The app's "Sign in with SimpleLogin" button: a POST form, as both libraries require (CSRF)."""
    if library == "allauth":
        action = reverse("openid_connect_login", kwargs={"provider_id": provider})
    elif library == "social-auth":
        action = reverse("social:begin", kwargs={"backend": provider})
    else:
        raise Http404
    return HttpResponse(SIGN_IN_PAGE.render({"action": action}, request))


def health(request):
    """Answers once the server is up."""
    return JsonResponse({"ok": True})
