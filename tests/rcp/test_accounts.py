import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_public_and_in_french_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()
    assert "Connexion" in response.content.decode()


def test_login_then_logout(client, clinician):
    response = client.post(reverse("login"), {"username": "clinician", "password": "test-password"})
    assert response["Location"] == reverse("patients:list")
    assert client.get(reverse("patients:list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("patients:list")).status_code == 302


def test_bad_login_says_so(client, clinician):
    response = client.post(reverse("login"), {"username": "clinician", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_language_switch_works_before_login(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()


def test_password_change_page_uses_the_layout(client_for, clinician):
    page = client_for(clinician).get(reverse("password_change")).content.decode()
    assert 'id="nav-main"' in page and "new_password1" in page


def test_layout_shows_the_user_and_their_centre(client_for, clinician):
    page = client_for(clinician).get(reverse("patients:list")).content.decode()
    assert "Paul Pneumo" in page and "Centre A" in page


def test_admin_link_only_for_staff(client_for, clinician):
    assert reverse("admin:index") not in client_for(clinician).get(reverse("patients:list")).content.decode()
    clinician.is_staff = True
    clinician.save()
    assert reverse("admin:index") in client_for(clinician).get(reverse("patients:list")).content.decode()


def test_admin_staff_sees_only_their_centre(client_for, clinician, outsider, patient):
    from django.contrib.auth.models import Permission

    outsider.is_staff = True
    outsider.save()
    outsider.user_permissions.add(Permission.objects.get(codename="view_patient"))
    client = client_for(outsider)
    assert client.get(reverse("admin:patients_patient_changelist")).context["cl"].result_count == 0
    assert client.get(reverse("admin:patients_patient_change", args=[patient.pk])).status_code == 302
