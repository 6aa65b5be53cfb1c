"""The second factor (django-otp): one authenticator app (TOTP, RFC 6238) per user, and ten single-use
recovery codes (django-otp's static device). Services: keyword-only, atomic.

A code of six digits is checked against the app, anything else against the recovery codes; each device
throttles wrong codes (1, 2, 4, 8… seconds), so a code cannot be guessed by trying them all.
"""

import base64
import binascii
import io
import time

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

RECOVERY_CODES = 10
TOTP_STEP = 30
TOTP_DIGITS = 6
TOTP_TOLERANCE = 1  # one step either side: the phone's clock may be a little off


def normalise(code: str) -> str:
    """What the user typed, as stored: no spaces nor hyphens, lower case (recovery codes are base32)."""
    return "".join(code.split()).replace("-", "").lower()


def new_key() -> str:
    return random_hex(20)


def key_base32(key: str) -> str:
    """The secret as an authenticator app's manual entry shows it, in groups of four."""
    text = base64.b32encode(binascii.unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def config_url(key: str, user) -> str:
    """The otpauth:// URL of the QR code (the device is not saved yet: built as TOTPDevice builds it)."""
    device = TOTPDevice(user=user, key=key, step=TOTP_STEP, digits=TOTP_DIGITS)
    return device.config_url


def qr_code_data_uri(text: str) -> str:
    """A QR code as an SVG data: URI (no Pillow; an <img>, which the Content-Security-Policy allows)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def totp_step(key: str, code: str) -> int | None:
    """The time step at which `code` is right for `key` (within the tolerance), or None."""
    if not (code.isdigit() and len(code) == TOTP_DIGITS):
        return None
    totp = TOTP(binascii.unhexlify(key), step=TOTP_STEP, digits=TOTP_DIGITS)
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), tolerance=TOTP_TOLERANCE) else None


@transaction.atomic
def enrol(*, user, key: str, step: int) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app whose first code was right at `step`, replacing any earlier app and
    recovery codes of the user; return the device and the new recovery codes (to be shown once)."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user,
        name=_("Authenticator app"),
        key=key,
        step=TOTP_STEP,
        digits=TOTP_DIGITS,
        tolerance=TOTP_TOLERANCE,
        last_t=step,  # the code just typed cannot be used again
        confirmed=True,
    )
    return device, new_recovery_codes(user=user)


@transaction.atomic
def new_recovery_codes(*, user) -> list[str]:
    """Replace the user's recovery codes by RECOVERY_CODES new ones (the old ones stop working)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODES:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def remove(*, user) -> None:
    """Remove the user's app and recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def check_code(*, user, code: str):
    """(the device that accepted `code`, whether a device refused to check it because of earlier wrong
    codes). A recovery code is used up by this check."""
    code = normalise(code)
    model = TOTPDevice if code.isdigit() and len(code) == TOTP_DIGITS else StaticDevice
    throttled = False
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                throttled = True
            elif device.verify_token(code):
                return device, False
    return None, throttled


def status(user) -> dict:
    """What the account page shows: the app, when it was set up, how many recovery codes are left."""
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    codes = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return {"app": app, "recovery_codes_left": codes}
