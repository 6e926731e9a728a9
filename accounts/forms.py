"""Forms for sign-up, password reset and the settings page."""

from allauth.account import forms as allauth_forms
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import selectors
from accounts.selectors import AliasOrder
from simplelogin.validators import single_line


class OurWordsMixin:
    """allauth's fields under our labels, in sentence case; no placeholder that only repeats the label."""

    labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.label = self.labels.get(name, field.label)
            field.widget.attrs.pop("placeholder", None)


class LoginForm(OurWordsMixin, allauth_forms.LoginForm):
    """allauth's log-in form."""

    labels = {"login": _("Email"), "password": _("Password"), "remember": _("Remember me")}


class ChangePasswordForm(OurWordsMixin, allauth_forms.ChangePasswordForm):
    """allauth's password change, on the Settings pages."""

    labels = {
        "oldpassword": _("Current password"),
        "password1": _("New password"),
        "password2": _("New password (again)"),
    }


class SetPasswordForm(OurWordsMixin, allauth_forms.SetPasswordForm):
    """allauth's first password, for people who signed up through another provider."""

    labels = {"password1": _("Password"), "password2": _("Password (again)")}


class ResetPasswordKeyForm(OurWordsMixin, allauth_forms.ResetPasswordKeyForm):
    """allauth's new password after following a reset link."""

    labels = {"password1": _("New password"), "password2": _("New password (again)")}


class SignupForm(OurWordsMixin, allauth_forms.SignupForm):
    """allauth's sign-up with a name; an address that only unproven claims hold is free (the adapter releases it)."""

    name = forms.CharField(
        max_length=128,
        label=_("Name"),
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["email", "name", "password1", "password2"]

    def validate_unique_email(self, value):
        """allauth's check, except that unverified rows and never-used unverified accounts do not count."""
        value = super().validate_unique_email(value)
        if self.account_already_exists and not selectors.email_is_taken(email=value):
            self.account_already_exists = False
        return value


class ResetPasswordForm(OurWordsMixin, allauth_forms.ResetPasswordForm):
    """allauth's form, sending reset links only to people who verified the address."""

    labels = {"email": _("Email")}

    def clean_email(self):
        """Keep the accounts for which this address is verified; others get allauth's unknown-account mail."""
        email = super().clean_email()
        verified = selectors.email_verified_user_ids(email=email)
        self.users = [user for user in self.users if user.pk in verified]
        return email


class NameForm(forms.Form):
    """Change the name shown by default."""

    name = forms.CharField(max_length=128, label=_("Name"), validators=[single_line])


class LanguageForm(forms.Form):
    """The language of pages and mails; each language is named in itself."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The language of my browser")), *settings.LANGUAGES],
    )


class AvatarForm(forms.Form):
    """Upload an avatar; the service checks and re-encodes it."""

    avatar = forms.FileField(label=_("Avatar"), help_text=_("PNG, JPEG, WebP or GIF, at most 2 MB."))


class DeleteAccountForm(forms.Form):
    """Deleting the account needs the current password."""

    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.user.has_usable_password() and not self.user.check_password(password):
            raise ValidationError(_("That is not your password."))
        if not self.user.has_usable_password() and password != self.user.email:
            raise ValidationError(_("Type your email address to confirm."))
        return password

    def full_clean(self):
        """A refused password takes the focus, so the browser scrolls to it and its error, however long the page."""
        super().full_clean()
        if "password" in self.errors:
            self.fields["password"].widget.attrs["autofocus"] = True


class ResendVerificationForm(forms.Form):
    """Ask for a new verification link."""

    email = forms.EmailField(label=_("Email"))


class CustomAliasForm(forms.Form):
    """The prefix of a custom alias; the service normalises it and adds a random suffix."""

    prefix = forms.CharField(
        max_length=100,
        validators=[single_line],
        label=_("Prefix"),
        help_text=_(
            "3 to 40 characters: letters a-z, digits, dot, underscore or hyphen. A short random suffix is added."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ApiKeyForm(forms.Form):
    """Name a new personal API key."""

    name = forms.CharField(
        max_length=64,
        label=_("Key name"),
        validators=[single_line],
        help_text=_("What will use it, e.g. “backup script”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class PartnerApplicationForm(forms.Form):
    """Apply to the partner programme (2019 fields)."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=128, validators=[single_line])
    website = forms.URLField(label=_("Website"), max_length=1024, required=False, assume_scheme="https")
    additional_information = forms.CharField(
        label=_("More information"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you are building and how many people use it."),
    )


class PartnerCodeForm(forms.Form):
    """A partner code that makes the signed-in person a developer at once."""

    code = forms.CharField(
        label=_("Partner code"),
        max_length=100,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class AliasFilterForm(forms.Form):
    """The dashboard's search, filters and sort (GET); a value it does not know is ignored, never an error page."""

    STATES = {"on": True, "off": False}
    APPS = {"used": True, "unused": False}

    q = forms.CharField(max_length=100, required=False, label=_("Search aliases"), strip=True)
    state = forms.ChoiceField(
        required=False,
        label=_("Forwarding"),
        choices=[
            ("", _("On or off")),
            ("on", pgettext_lazy("forwarding", "On")),
            ("off", pgettext_lazy("forwarding", "Off")),
        ],
    )
    app = forms.ChoiceField(
        required=False,
        label=_("Apps"),
        choices=[("", _("Any")), ("used", _("Used by an app")), ("unused", _("Used by no app"))],
    )
    sort = forms.ChoiceField(required=False, label=_("Sort"), choices=AliasOrder.choices)

    def criteria(self) -> dict:
        """Keyword arguments of accounts.selectors.alias_list for the valid fields."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        )
        return {
            "search": data.get("q", ""),
            "enabled": self.STATES.get(data.get("state")),
            "used_by_app": self.APPS.get(data.get("app")),
            "order": data.get("sort") or AliasOrder.NEWEST,
        }

    def is_filtered(self) -> bool:
        """True when a search or a filter narrows the list."""
        criteria = self.criteria()
        return bool(criteria["search"]) or criteria["enabled"] is not None or criteria["used_by_app"] is not None


class EndOtherSessionsForm(forms.Form):
    """Sign out of every other browser; optionally of every app too."""

    revoke_apps = forms.BooleanField(
        required=False,
        label=_("Also sign out of the apps"),
        help_text=_("Every app you signed in to with SimpleLogin loses its access and asks you to sign in again."),
    )
