"""Forms of the developer console, playground and "apps I use"."""

from django import forms
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from oauth_provider.constants import RESPONSE_TYPE_FLOW, ResponseMode, ResponseType, Scope
from oauth_provider.models import Client, redirect_uri_problems
from oauth_provider.services import ClientSettings
from simplelogin.validators import single_line

FLOW_FIELDS = ("allow_code_flow", "allow_implicit_flow", "allow_hybrid_flow")
WEB_URL = URLValidator(schemes=["http", "https"], message=_("Enter an http or https URL."))


def _uri_lines(value: str) -> list[str]:
    """One URI per line (spaces also separate), duplicates dropped, order kept."""
    seen = []
    for uri in (value or "").split():
        if uri not in seen:
            seen.append(uri)
    return seen


def _uri_errors(uris: list[str]) -> list[ValidationError]:
    return [
        ValidationError("%(uri)s: %(problem)s", params={"uri": uri, "problem": problem}, code="redirect_uri")
        for uri, problem in redirect_uri_problems(uris)
    ]


class ClientForm(forms.Form):
    """A client's settings; `creating` adds the public/confidential choice, editing adds publishing."""

    name = forms.CharField(
        max_length=255,
        label=_("Name"),
        validators=[single_line],
        help_text=_("Shown on the consent page."),
    )
    icon = forms.FileField(label=_("Icon"), required=False, help_text=_("PNG, JPEG, WebP or GIF, at most 2 MB."))
    icon_remove = forms.BooleanField(label=_("Remove the icon"), required=False)
    home_url = forms.URLField(
        max_length=1024, label=_("Home URL"), required=False, assume_scheme="https", validators=[WEB_URL]
    )
    policy_uri = forms.URLField(
        max_length=1024,
        label=_("Privacy policy URL"),
        required=False,
        assume_scheme="https",
        validators=[WEB_URL],
        help_text=_("Shown on the consent page and on Discover (OIDC registration metadata: policy_uri)."),
    )
    tos_uri = forms.URLField(
        max_length=1024,
        label=_("Terms of service URL"),
        required=False,
        assume_scheme="https",
        validators=[WEB_URL],
        help_text=_("Shown on the consent page and on Discover (OIDC registration metadata: tos_uri)."),
    )
    client_type = forms.ChoiceField(
        label=_("Client type"),
        widget=forms.RadioSelect,
        initial=Client.CLIENT_CONFIDENTIAL,
        choices=[
            (Client.CLIENT_CONFIDENTIAL, _("Confidential: a server that keeps a secret")),
            (Client.CLIENT_PUBLIC, _("Public: a browser or mobile app, no secret, PKCE required")),
        ],
    )
    allow_code_flow = forms.BooleanField(
        label=_("Authorization code flow (response_type=code)"), required=False, initial=True
    )
    allow_implicit_flow = forms.BooleanField(label=_("Implicit flow (id_token, id_token token)"), required=False)
    allow_hybrid_flow = forms.BooleanField(label=_("Hybrid flow (code id_token, code token…)"), required=False)
    redirect_uris = forms.CharField(
        label=_("Redirect URIs"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("One per line. https, or http://127.0.0.1 / http://[::1] for apps on the person's computer."),
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("Post-logout redirect URIs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_("One per line (optional)."),
    )
    accepts_query_access_token = forms.BooleanField(
        label=_("This app sends the access token in the query string (older libraries such as python-social-auth)"),
        required=False,
        help_text=_(
            "Userinfo then also accepts ?access_token= from this app (RFC 6750 2.3). Leave it off unless your "
            "library needs it: tokens in URLs can leak (RFC 9700). The Authorization header always works."
        ),
    )
    refresh_without_offline_access = forms.BooleanField(
        label=_("Give this app refresh tokens even without the offline_access scope"),
        required=False,
        help_text=_(
            "Off: a refresh token only when the person granted offline_access (OIDC Core 11), which the "
            "consent page shows. On for apps registered before SimpleLogin offered offline_access."
        ),
    )
    published = forms.BooleanField(label=_("Show this app on the Discover page"), required=False)

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["published"], self.fields["icon_remove"]
        else:
            del self.fields["client_type"]

    @classmethod
    def initial_for(cls, client: Client) -> dict:
        """The form's values for an existing client."""
        return {
            "name": client.name,
            "home_url": client.home_url,
            "published": client.published,
            "accepts_query_access_token": client.accepts_query_access_token,
            "refresh_without_offline_access": client.refresh_without_offline_access,
            "policy_uri": client.policy_uri,
            "tos_uri": client.tos_uri,
            "redirect_uris": "\n".join(client.redirect_uris.split()),
            "post_logout_redirect_uris": "\n".join(client.post_logout_redirect_uris.split()),
            **{flow: getattr(client, flow) for flow in FLOW_FIELDS},
        }

    def clean_redirect_uris(self):
        uris = _uri_lines(self.cleaned_data["redirect_uris"])
        if not uris:
            raise ValidationError(_("Add at least one redirect URI."))
        if errors := _uri_errors(uris):
            raise ValidationError(errors)
        return uris

    def clean_post_logout_redirect_uris(self):
        uris = _uri_lines(self.cleaned_data["post_logout_redirect_uris"])
        if errors := _uri_errors(uris):
            raise ValidationError(errors)
        return uris

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(flow) for flow in FLOW_FIELDS):
            self.add_error("allow_code_flow", _("Choose at least one flow."))
        return cleaned

    def client_settings(self) -> ClientSettings:
        """The cleaned values for the services."""
        data = self.cleaned_data
        return ClientSettings(
            name=data["name"].strip(),
            home_url=data.get("home_url", ""),
            policy_uri=data.get("policy_uri", ""),
            tos_uri=data.get("tos_uri", ""),
            redirect_uris=data["redirect_uris"],
            post_logout_redirect_uris=data["post_logout_redirect_uris"],
            accepts_query_access_token=bool(data.get("accepts_query_access_token")),
            refresh_without_offline_access=bool(data.get("refresh_without_offline_access")),
            **{flow: bool(data.get(flow)) for flow in FLOW_FIELDS},
        )


RESPONSE_MODES = [("", _("Default for the response type")), *((mode, mode) for mode in ResponseMode.values)]
# prompt=login is left out: it logs the person out, which clears the session that holds the pending sign-in.
PROMPTS = [("", _("None given")), ("consent", "consent"), ("none", "none")]


class PlaygroundForm(forms.Form):
    """What a playground sign-in asks for."""

    response_type = forms.ChoiceField(label="response_type")
    scopes = forms.MultipleChoiceField(label=_("Scopes"), widget=forms.CheckboxSelectMultiple)
    pkce = forms.BooleanField(label=_("Use PKCE (S256)"), required=False, initial=True)
    response_mode = forms.ChoiceField(label="response_mode", choices=RESPONSE_MODES, required=False)
    prompt = forms.ChoiceField(label="prompt", choices=PROMPTS, required=False)
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Needed to exchange the code; used once for this sign-in and never stored."),
    )

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["response_type"].choices = [
            (value, value)
            for value, flow in RESPONSE_TYPE_FLOW.items()
            if value != ResponseType.TOKEN and client.allows_grant_type(flow)
        ]
        self.fields["scopes"].choices = [(scope.value, f"{scope.value}: {scope.label}") for scope in Scope]
        # offline_access: new apps get a refresh token (the "Use the refresh token" step) only with it (OIDC Core 11).
        self.fields["scopes"].initial = [Scope.OPENID, Scope.EMAIL, Scope.PROFILE, Scope.OFFLINE_ACCESS]
        if client.client_type == Client.CLIENT_PUBLIC:
            del self.fields["client_secret"]
            self.fields["pkce"].help_text = _("Public clients must use PKCE.")

    def clean(self):
        cleaned = super().clean()
        response_type = cleaned.get("response_type", "")
        scopes = cleaned.get("scopes") or []
        if "id_token" in response_type.split() and Scope.OPENID not in scopes:
            self.add_error("scopes", _("Response types with id_token need the openid scope."))
        if self.client.client_type == Client.CLIENT_PUBLIC and not cleaned.get("pkce"):
            self.add_error("pkce", _("Public clients must use PKCE."))
        if "client_secret" in self.fields and "code" in response_type.split():
            secret = cleaned.get("client_secret", "")
            if not secret:
                self.add_error("client_secret", _("Paste the client secret: the code exchange needs it."))
            elif not check_password(secret, self.client.client_secret):
                self.add_error("client_secret", _("This is not the current secret of this client."))
        return cleaned


class PlaygroundRefreshForm(forms.Form):
    """The client secret again (confidential clients) to use the playground's refresh token."""

    client_secret = forms.CharField(
        label=_("Client secret"),
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Used once for this request and never stored."),
    )

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        if client.client_type == Client.CLIENT_PUBLIC:
            del self.fields["client_secret"]

    def clean_client_secret(self):
        secret = self.cleaned_data["client_secret"]
        if not check_password(secret, self.client.client_secret):
            raise ValidationError(_("This is not the current secret of this client."))
        return secret


class AuthorizationAliasForm(forms.Form):
    """Which address an app receives: one of the person's aliases, or their real email."""

    REAL = "real"

    address = forms.ChoiceField(label=_("Address this app receives"))

    def __init__(self, *args, user, aliases, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        aliases = list(aliases)
        if current is not None and current not in aliases:
            aliases.insert(0, current)
        self.fields["address"].choices = [(self.REAL, _("%(email)s (your real email)") % {"email": user.email})] + [
            (str(alias.pk), alias.email if alias.enabled else _("%(email)s (forwarding off)") % {"email": alias.email})
            for alias in aliases
        ]

    def alias_id(self) -> int | None:
        """The chosen alias id, or None for the real email."""
        value = self.cleaned_data["address"]
        return None if value == self.REAL else int(value)
