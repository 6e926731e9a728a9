"""The consent form: which email, which name, whether to share the avatar."""

from django import forms

from oauth_provider.services import ConsentChoice
from simplelogin.validators import single_line


class ConsentForm(forms.Form):
    """Raw choices; authorization_grant validates them against the person's aliases and plan."""

    email = forms.CharField(
        max_length=254,
        validators=[single_line],
        error_messages={"required": "Choose the email address to share."},
    )
    custom_prefix = forms.CharField(max_length=64, required=False, validators=[single_line])
    suggestion = forms.CharField(max_length=500, required=False)
    name = forms.CharField(max_length=128, required=False, validators=[single_line])
    share_avatar = forms.BooleanField(required=False)

    def choice(self) -> ConsentChoice:
        """The cleaned choice."""
        data = self.cleaned_data
        return ConsentChoice(
            email=data["email"].strip().lower(),
            custom_prefix=data["custom_prefix"],
            suggestion=data["suggestion"],
            name=data["name"],
            share_avatar=data["share_avatar"],
        )
