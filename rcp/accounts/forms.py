"""The second-factor forms: a code typed at login (app or recovery code), the first code of a new app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import two_factor

WRONG_CODE = _("This code is not right, or was already used. Check that your phone’s clock is on time.")
THROTTLED = _("Too many wrong codes: wait a few seconds, then type the code your app shows now.")


def code_field(label, help_text):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
                "class": "font-monospace",
            }
        ),
    )


class VerifyForm(forms.Form):
    """A code of the user's authenticator app, or one of their recovery codes (used up)."""

    code = code_field(
        _("Code"),
        _("The 6-digit code your authenticator app shows, or one of your recovery codes."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        device, throttled = two_factor.check_code(user=self.user, code=self.cleaned_data["code"])
        if device is None:
            raise forms.ValidationError(THROTTLED if throttled else WRONG_CODE, code="wrong_code")
        self.device = device
        return self.cleaned_data["code"]


class EnrolForm(forms.Form):
    """The first code of the app being set up: proves the app holds the secret before it is saved."""

    code = code_field(
        _("Code shown by the app"),
        _("After scanning the QR code, type the 6 digits the app shows for this site."),
    )

    def __init__(self, *args, key, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key
        self.step = None

    def clean_code(self):
        self.step = two_factor.totp_step(self.key, two_factor.normalise(self.cleaned_data["code"]))
        if self.step is None:
            raise forms.ValidationError(WRONG_CODE, code="wrong_code")
        return self.cleaned_data["code"]
