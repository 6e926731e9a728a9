"""django-allauth adapters: what differs from allauth's defaults for SimpleLogin."""

from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import selectors as account_selectors
from accounts.services import email_claims_release, user_onboard


def site_url(path: str) -> str:
    """An absolute link on this site, built from URL: never from the Host header of the request at hand."""
    return f"{settings.URL}{path}"


def signup_language() -> str:
    """The language of the sign-up page becomes the person's, so later mail (trial ending) is in it too."""
    return translation.get_language() if translation.get_language() in dict(settings.LANGUAGES) else ""


KNOWN_BROWSER_COOKIE = "sl_known_browser"
KNOWN_BROWSER_SALT = "accounts.known-browser"
KNOWN_BROWSER_MAX_ACCOUNTS = 10


def _known_browser_mark(user) -> str:
    return salted_hmac(KNOWN_BROWSER_SALT, str(user.pk)).hexdigest()[:24]


def _known_browser_marks(request) -> list[str]:
    """The accounts that signed in on this browser before (a signed cookie: a mark per account, no ids)."""
    value = request.get_signed_cookie(KNOWN_BROWSER_COOKIE, default="", salt=KNOWN_BROWSER_SALT)
    return [mark for mark in value.split(",") if mark]


class AccountAdapter(DefaultAccountAdapter):
    """Same-origin redirects only; links in mail from URL; every new person is onboarded (trial, first alias)."""

    def is_safe_url(self, url):
        """`next` may only point at this site (no open redirect)."""
        request = self.request
        if not url or request is None:
            return False
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )

    def clean_email(self, email):
        """An alias address cannot be someone's real mailbox (mail would loop through us)."""
        email = super().clean_email(email)
        if email.rsplit("@", 1)[-1].lower() == settings.EMAIL_DOMAIN:
            raise ValidationError(
                _("Addresses on %(domain)s are aliases; sign up with your real email.")
                % {"domain": settings.EMAIL_DOMAIN}
            )
        return email

    def get_reset_password_from_key_url(self, key):
        """The link of the password-reset mail."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation):
        """The link of the verification mail."""
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_account_already_exists_mail(self, email):
        """The mail of a sign-up with a taken address (enumeration prevention), with links from URL."""
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {
                "signup_url": site_url(reverse("account_signup")),
                "password_reset_url": site_url(reverse("account_reset_password")),
            },
        )

    def format_email_subject(self, subject):
        """allauth's English subjects in sentence case ("[SimpleLogin] Password reset email"), like our words.

        Only Title-Case words after the first are lowered: names such as "SimpleLogin" keep their capitals, and
        other languages (already in their own case, translated by the template) are left as they are."""
        subject = str(subject).strip()
        if (translation.get_language() or "en").startswith("en"):
            first, *rest = subject.split(" ")
            subject = " ".join([first, *(w.lower() if w[:1].isupper() and w[1:].islower() else w for w in rest)])
        return super().format_email_subject(subject)

    def send_mail(self, template_prefix, email, context):
        """Every allauth mail names the site from URL, in the recipient's language when they chose one; allauth
        builds its sign-up link from the request."""
        context = {
            **context,
            "current_site": SimpleNamespace(name="SimpleLogin", domain=urlsplit(settings.URL).netloc),
            "site_url": settings.URL,
            "forgot_password_url": site_url(reverse("account_reset_password")),
            "signed_in_url": site_url(reverse("usersessions_list")),
        }
        if "signup_url" in context:
            context["signup_url"] = site_url(reverse("account_signup"))
        user = context.get("user")
        with translation.override(getattr(user, "language", "") or translation.get_language()):
            super().send_mail(template_prefix, email, context)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """Security mail (allauth's notifications): it names the person and their browser; an email change is told
        to the old address (allauth's) and to the new one (ours)."""
        context = {
            **(context or {}),
            "user": user,
            "device": account_selectors.user_agent_describe(user_agent=self.get_http_user_agent(self.request)),
        }
        super().send_notification_mail(template_prefix, user, context, email)
        if template_prefix == "account/email/email_changed" and context.get("to_email"):
            super().send_notification_mail("account/email/email_changed_new", user, context, context["to_email"])

    def login(self, request, user):
        """Remember whether the person ever signed in before: their first sign-in is no news to them."""
        request.signed_in_before = user.last_login is not None
        super().login(request, user)

    def post_login(self, request, user, **kwargs):
        """A sign-in from a browser this account never signed in on mails the person; the browser is remembered."""
        response = super().post_login(request, user, **kwargs)
        marks = _known_browser_marks(request)
        mark = _known_browser_mark(user)
        if mark not in marks:
            if getattr(request, "signed_in_before", False) and not kwargs.get("signup"):
                self.send_notification_mail("account/email/new_sign_in", user)
            value = ",".join([*marks, mark][-KNOWN_BROWSER_MAX_ACCOUNTS:])
            response.set_signed_cookie(
                KNOWN_BROWSER_COOKIE,
                value,
                salt=KNOWN_BROWSER_SALT,
                max_age=60 * 60 * 24 * 400,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def get_reauthentication_methods(self, user):
        """A person with a second factor re-authenticates with it (a code, a recovery code or a key), not the password.

        Otherwise a stolen session and password, or mailbox, could remove the factor that guards the account.
        """
        from allauth.mfa.models import Authenticator
        from allauth.mfa.utils import is_mfa_enabled

        methods = super().get_reauthentication_methods(user)
        factors = [method for method in methods if method["id"].startswith("mfa_")]
        if len(factors) > 1 and not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            factors.sort(key=lambda method: method["id"] != "mfa_reauthenticate:webauthn")  # the key before codes
        return factors or methods

    def save_user(self, request, user, form, commit=True):
        """Release the address from unproven claims, keep the name typed at sign-up and onboard the new person."""
        user = super().save_user(request, user, form, commit=False)
        user.name = (form.cleaned_data.get("name") or user.name or "").strip()
        user.language = signup_language()
        if commit:
            with transaction.atomic():
                email_claims_release(email=user.email)
                user.save()
                user_onboard(user=user)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Takes the name from the provider and onboards people who sign up with it."""

    def get_app(self, request, provider, client_id=None):
        """A provider without credentials in the environment is not there at all (404, not 500)."""
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404(_("This log in provider is not enabled.")) from None

    def pre_social_login(self, request, sociallogin):
        """A provider-verified address of a new person wins over sign-ups that never verified it."""
        if sociallogin.is_existing:
            return
        for address in sociallogin.email_addresses:
            if address.verified and not account_selectors.email_is_taken(email=address.email):
                email_claims_release(email=address.email)

    def populate_user(self, request, sociallogin, data):
        """Fill our single `name` field from the provider's profile."""
        user = super().populate_user(request, sociallogin, data)
        full = " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)
        user.name = (data.get("name") or full or "")[:128]
        user.language = signup_language()
        return user

    def save_user(self, request, sociallogin, form=None):
        """Onboard a person created through a social provider."""
        user = super().save_user(request, sociallogin, form)
        user_onboard(user=user)
        return user


class MFAAdapter(DefaultMFAAdapter):
    """Two-factor and passkeys name the site from URL, never from the request's Host header; our wording."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": gettext_lazy(
            "That code is not right or was already used. Enter the current code from your "
            "authenticator app, or a recovery code you have not used yet."
        ),
    }

    def _get_site_name(self) -> str:
        return "SimpleLogin"

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        """The WebAuthn relying party is URL's host: a key registered here works only on this site."""
        return {"id": urlsplit(settings.URL).hostname or "localhost", "name": "SimpleLogin"}
