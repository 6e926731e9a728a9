"""Form of the API key section on the settings page."""

from django import forms

from simplelogin.validators import single_line


class ApiKeyForm(forms.Form):
    """Name a new personal API key."""

    name = forms.CharField(
        max_length=64, label="Key name", validators=[single_line], help_text="What will use it, e.g. “backup script”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
