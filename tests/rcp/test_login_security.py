"""Login and sessions (README, "Security"): lockout after repeated failures, the login log, the previous
login shown, the second factor (required for chairs and staff, optional for others, recovery codes, the
demo exemption), the idle timeout and the absolute session limit."""

import logging
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rcp.accounts import security, two_factor
from rcp.accounts.models import Centre, User
from tests.conftest import verify_second_factor
from tests.factories import CentreFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "test-password"


def log_in(client, username, password=PASSWORD, address="10.0.0.1", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def code_for(key_hex: str, *, offset: int = 0) -> str:
    import binascii

    return f"{totp(binascii.unhexlify(key_hex), drift=offset):06d}"


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- lockout --------------------------------------------------------------------------------------------


def test_five_failures_lock_the_username_out_from_that_address_for_15_minutes(client, clinician):
    for attempt in range(1, 5):
        response = log_in(client, "clinician", "wrong")
        assert response.status_code == 200 and response.context["form"].errors, attempt
    fifth = log_in(client, "clinician", "wrong")
    assert fifth.status_code == 429

    right = log_in(client, "clinician")  # the right password, sixth attempt
    page = right.content.decode()
    assert right.status_code == 429 and not logged_in(client)
    assert "Trop de tentatives" in page and "bloquée pendant 15 minutes" in page
    assert 'id="nav-main"' in page  # in the site's layout

    # The lockout is per (username, address): the same user from another address is not locked out.
    assert log_in(Client(), "clinician", address="10.0.0.2").status_code == 302

    # Fifteen minutes later, it works again.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=15)
    )
    assert log_in(client, "clinician").status_code == 302 and logged_in(client)


def test_the_lockout_counts_the_client_address_behind_the_proxy(client, clinician):
    forwarded = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    with override_settings(PROXY_COUNT=1):
        for _attempt in range(5):
            log_in(client, "clinician", "wrong", address="127.0.0.1", **forwarded)
        assert log_in(client, "clinician", address="127.0.0.1", **forwarded).status_code == 429
        # What a client writes on the left of X-Forwarded-For changes nothing: the proxy's entry counts.
        spoofed = {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7"}
        assert log_in(Client(), "clinician", address="127.0.0.1", **spoofed).status_code == 429
        # Another client behind the same proxy is not locked out.
        other = {"HTTP_X_FORWARDED_FOR": "203.0.113.8"}
        assert log_in(Client(), "clinician", address="127.0.0.1", **other).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


# --- logging and the previous login ---------------------------------------------------------------------


def test_failed_and_successful_logins_are_logged_without_the_password(client, clinician, caplog):
    caplog.set_level(logging.INFO, logger="rcp.security")
    log_in(client, "clinician", "S3cret-wrong", address="192.0.2.5")
    log_in(client, "clinician", address="192.0.2.5")
    records = [r for r in caplog.records if r.name == "rcp.security"]
    failure, success = records[0], records[-1]
    assert failure.levelno == logging.WARNING
    assert "'clinician'" in failure.getMessage() and "192.0.2.5" in failure.getMessage()
    assert success.levelno == logging.INFO and success.getMessage().startswith("Login: user 'clinician'")
    assert "192.0.2.5" in success.getMessage()
    everything = caplog.text + "".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "S3cret-wrong" not in everything and PASSWORD not in everything


def test_the_previous_login_is_shown_with_its_time_and_address(client, clinician):
    log_in(client, "clinician", address="192.0.2.10")
    first = client.get(reverse("patients:list"), follow=True).content.decode()
    assert "Première connexion" in first
    client.post(reverse("logout"))

    log_in(client, "clinician", address="192.0.2.20")
    clinician.refresh_from_db()
    assert clinician.last_login_ip == "192.0.2.20" and clinician.previous_login_ip == "192.0.2.10"
    assert clinician.previous_login_at is not None and clinician.previous_login_at < clinician.last_login
    page = client.get(reverse("patients:list"), follow=True).content.decode()
    from django.utils import timezone

    at = timezone.localtime(clinician.previous_login_at)
    expected = f"Dernière connexion : le {at:%d/%m/%Y} à {at:%H:%M} depuis 192.0.2.10"
    assert expected in page
    assert expected in client.get(reverse("accounts:account")).content.decode()


# --- second factor --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["patients:list", "rcp:meetings", "accounts:account", "password_change"])
def test_a_chair_without_a_second_factor_is_sent_to_set_one_up_from_any_page(chair, page):
    client = Client()
    client.force_login(chair)
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:enrol')}?next={reverse(page).replace('/', '%2F')}"


def test_a_privacy_officer_must_use_a_second_factor_too(centre):
    officer = UserFactory(username="officer", centre=centre, role="privacy_officer")
    client = Client()
    client.force_login(officer)
    assert client.get(reverse("audit"))["Location"].startswith(reverse("accounts:enrol"))
    verify_second_factor(client, officer)
    assert client.get(reverse("audit")).status_code == 200


def test_a_chair_sent_to_set_one_up_by_an_htmx_request_is_redirected_whole(chair, patient):
    client = Client()
    client.force_login(chair)
    response = client.get(reverse("patients:list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"].startswith(reverse("accounts:enrol"))


def test_staff_must_use_a_second_factor_for_the_admin(centre):
    staff = UserFactory(username="staff", centre=centre, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("accounts:enrol"))
    verify_second_factor(client, staff)
    assert client.get(reverse("admin:index")).status_code == 200


def test_setting_up_the_app_with_a_right_code_shows_ten_recovery_codes_once(chair):
    client = Client()
    client.force_login(chair)
    page = client.get(reverse("accounts:enrol")).content.decode()
    key = client.session[security.ENROL_KEY]
    assert two_factor.key_base32(key) in page and 'src="data:image/svg+xml;base64,' in page
    assert not TOTPDevice.objects.exists()  # nothing saved before the first code is right

    response = client.post(reverse("accounts:enrol"), {"code": code_for(key), "next": "/meetings/"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:recovery_codes')}?next=%2Fmeetings%2F"
    device = TOTPDevice.objects.get(user=chair)
    assert device.confirmed and device.key == key

    shown = client.get(response["Location"])
    codes = shown.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in shown.content.decode() for code in codes)
    assert set(StaticToken.objects.filter(device__user=chair).values_list("token", flat=True)) == set(codes)
    assert client.get(reverse("accounts:recovery_codes"))["Location"] == reverse("accounts:account")  # once
    assert client.get(reverse("rcp:meetings")).status_code == 200  # this session is verified


def test_a_wrong_code_is_refused_beside_the_field_and_the_secret_is_kept(chair):
    client = Client()
    client.force_login(chair)
    client.get(reverse("accounts:enrol"))
    key = client.session[security.ENROL_KEY]
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:enrol"), {"code": wrong})
    assert response.status_code == 400
    assert "n’est pas bon" in str(response.context["form"].errors["code"])
    assert response.context["form"]["code"].value() == wrong  # what was typed is still there
    assert (
        client.session[security.ENROL_KEY] == key and two_factor.key_base32(key) in response.content.decode()
    )
    assert not TOTPDevice.objects.exists()


def test_an_enrolled_chair_is_asked_for_the_code_and_a_wrong_one_is_refused(chair):
    device = TOTPDevice.objects.create(user=chair, confirmed=True)
    client = Client()
    client.force_login(chair)
    assert client.get(reverse("rcp:meetings"))["Location"].startswith(reverse("accounts:verify"))
    wrong = client.post(
        reverse("accounts:verify"), {"code": "000000" if code_for(device.key) != "000000" else "1"}
    )
    assert wrong.status_code == 400 and wrong.context["form"].errors["code"]
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code's throttling delay, not what is tested here
    device.save()
    right = client.post(reverse("accounts:verify"), {"code": code_for(device.key), "next": "/meetings/"})
    assert right["Location"] == "/meetings/"
    assert client.get(reverse("rcp:meetings")).status_code == 200


def test_a_recovery_code_works_once(chair):
    TOTPDevice.objects.create(user=chair, confirmed=True)
    code = two_factor.new_recovery_codes(user=chair)[0]
    first = Client()
    first.force_login(chair)
    verified = first.post(reverse("accounts:verify"), {"code": code.upper(), "next": "/meetings/"})
    assert verified["Location"] == "/meetings/"
    assert first.get(reverse("rcp:meetings")).status_code == 200
    second = Client()
    second.force_login(chair)
    response = second.post(reverse("accounts:verify"), {"code": code})
    assert response.status_code == 400 and response.context["form"].errors["code"]
    assert StaticToken.objects.filter(device__user=chair).count() == 9


def test_a_password_alone_cannot_set_up_a_new_app_over_an_existing_one(chair):
    existing = TOTPDevice.objects.create(user=chair, confirmed=True)
    client = Client()
    client.force_login(chair)
    assert client.get(reverse("accounts:enrol"))["Location"].startswith(reverse("accounts:verify"))
    key = two_factor.new_key()
    session = client.session
    session[security.ENROL_KEY] = key
    session.save()
    response = client.post(reverse("accounts:enrol"), {"code": code_for(key)})
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert list(TOTPDevice.objects.filter(user=chair)) == [existing]
    assert client.post(reverse("accounts:recovery_codes"))["Location"].startswith(reverse("accounts:verify"))
    assert not StaticToken.objects.exists()


def test_a_clinician_is_not_asked_but_may_set_one_up_from_their_account_page(client_for, clinician):
    client = client_for(clinician)
    assert client.get(reverse("patients:list")).status_code == 200
    account = client.get(reverse("accounts:account")).content.decode()
    assert reverse("accounts:enrol") in account

    client.get(reverse("accounts:enrol"))
    key = client.session[security.ENROL_KEY]
    assert client.post(reverse("accounts:enrol"), {"code": code_for(key)}).status_code == 302
    # Enrolled of their own accord: asked at the next login, and free to turn it off.
    later = Client()
    later.force_login(clinician)
    assert later.get(reverse("patients:list"))["Location"].startswith(reverse("accounts:verify"))
    assert client.post(reverse("accounts:remove"))["Location"] == reverse("accounts:account")
    assert not TOTPDevice.objects.filter(user=clinician).exists()


def test_a_chair_cannot_turn_the_second_factor_off(client_for, chair):
    client = client_for(chair)
    assert client.post(reverse("accounts:remove")).status_code == 403
    assert TOTPDevice.objects.filter(user=chair).exists()


@override_settings(OTP_REQUIRED_FOR="all")
def test_everyone_is_asked_when_the_deployment_requires_it_for_all(clinician, viewer):
    for user in (clinician, viewer):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("patients:list"))["Location"].startswith(reverse("accounts:enrol"))


@pytest.mark.parametrize("value, expected", [("all", "all"), ("", "privileged"), ("everyone", None)])
def test_the_requirement_is_read_from_rcp_otp_required(value, expected):
    env = {**os.environ, "RCP_OTP_REQUIRED": value, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    script = (
        "import django; django.setup(); from django.conf import settings; print(settings.OTP_REQUIRED_FOR)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    if expected is None:
        assert result.returncode != 0 and "RCP_OTP_REQUIRED must be" in result.stderr
    else:
        assert result.stdout.strip() == expected, result.stderr


def test_the_demo_chair_logs_in_without_a_second_factor_in_the_demo_database_only():
    call_command("demo_data")
    demo = Client()
    response = demo.post(reverse("login"), {"username": "chair", "password": "demo"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("patients:list") and response.status_code == 200
    assert "Camille Président" in response.content.decode()

    elsewhere = UserFactory(username="realchair", centre=CentreFactory(name="CHU réel"), role="chair")
    client = Client()
    response = client.post(reverse("login"), {"username": "realchair", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:enrol"))
    assert not elsewhere.centre.is_demo
    # Staff are never exempt, not even in a demo centre.
    demo_staff = UserFactory(username="demostaff", centre=Centre.objects.get(name__startswith="CHU Démo"))
    demo_staff.is_staff = True
    demo_staff.save()
    assert security.second_factor_required(User.objects.get(username="demostaff"))


def test_the_demo_flag_cannot_be_set_in_the_admin(admin_client, centre):
    form = admin_client.get(reverse("admin:accounts_centre_change", args=[centre.pk])).context["adminform"]
    assert "is_demo" not in form.form.fields


# --- idle timeout and the absolute limit ----------------------------------------------------------------


def set_session(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_an_idle_session_is_logged_out_with_a_message(client_for, clinician, patient):
    client = client_for(clinician)
    set_session(client, **{security.LAST_ACTIVITY: time.time() - settings.SESSION_IDLE_TIMEOUT - 1})
    response = client.get(reverse("patients:detail", args=[patient.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/patients/{patient.pk}/"
    assert not logged_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "Session expirée après 30 minutes d’inactivité" in page


def test_an_htmx_request_of_an_idle_session_reloads_the_login_page(client_for, clinician):
    client = client_for(clinician)
    set_session(client, **{security.LAST_ACTIVITY: time.time() - settings.SESSION_IDLE_TIMEOUT - 1})
    response = client.get(reverse("patients:list"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="/meetings/")
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_activity_is_written_at_most_once_a_minute(client_for, clinician):
    client = client_for(clinician)
    recent = time.time() - 30
    set_session(client, **{security.LAST_ACTIVITY: recent})
    client.get(reverse("patients:list"))
    assert client.session[security.LAST_ACTIVITY] == recent  # no session write for this page
    set_session(client, **{security.LAST_ACTIVITY: time.time() - 61})
    client.get(reverse("patients:list"))
    assert client.session[security.LAST_ACTIVITY] > time.time() - 5


def test_the_keep_alive_restarts_the_idle_clock_and_the_status_does_not(client_for, clinician):
    client = client_for(clinician)
    timeout = settings.SESSION_IDLE_TIMEOUT
    set_session(client, **{security.LAST_ACTIVITY: time.time() - timeout + 100})
    status = client.get(reverse("accounts:session")).json()
    assert 90 <= status["remaining"] <= 100 and status["limit"] == "idle"
    alive = client.post(reverse("accounts:session")).json()
    assert alive["remaining"] >= timeout - 5
    set_session(client, **{security.LAST_ACTIVITY: time.time() - timeout + 100})
    # The status question itself is not activity.
    assert client.get(reverse("accounts:session")).json()["remaining"] <= 100


def test_a_fraction_of_a_second_left_is_not_reported_as_expired(client_for, clinician):
    # The page reloads itself when told 0; that reload would count as activity and keep it signed in.
    client = client_for(clinician)
    set_session(client, **{security.LAST_ACTIVITY: time.time() - settings.SESSION_IDLE_TIMEOUT + 0.9})
    assert client.get(reverse("accounts:session")).json()["remaining"] == 1


def test_the_status_of_an_expired_session_answers_401(client_for, clinician):
    client = client_for(clinician)
    set_session(client, **{security.LAST_ACTIVITY: time.time() - settings.SESSION_IDLE_TIMEOUT - 1})
    assert client.get(reverse("accounts:session")).status_code == 401
    assert not logged_in(client)


def test_the_session_ends_12_hours_after_login_whatever_the_activity(client_for, clinician):
    client = client_for(clinician)
    set_session(
        client,
        **{security.LOGIN_AT: time.time() - 12 * 3600 - 1, security.LAST_ACTIVITY: time.time() - 5},
    )
    response = client.get(reverse("patients:list"), follow=True)
    assert not logged_in(client)
    assert "Session terminée après 12 heures" in response.content.decode()


def test_the_absolute_limit_cannot_be_pushed_back_by_the_keep_alive(client_for, clinician):
    client = client_for(clinician)
    set_session(client, **{security.LOGIN_AT: time.time() - 12 * 3600 + 60})
    status = client.post(reverse("accounts:session")).json()
    assert status["limit"] == "absolute" and status["remaining"] <= 60


def test_a_verified_session_stays_verified_only_with_its_device(client_for, chair):
    client = client_for(chair)
    assert client.get(reverse("rcp:meetings")).status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY]
    TOTPDevice.objects.filter(user=chair).delete()
    assert client.get(reverse("rcp:meetings"))["Location"].startswith(reverse("accounts:enrol"))
