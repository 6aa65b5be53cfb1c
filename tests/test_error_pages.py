"""403, 404, 500 and CSRF-failure pages: the site's layout, in the reader's language (DEBUG off)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db

LAYOUT = 'id="main"'  # base.html's main landmark
TEXTS = {
    "fr": {
        404: "Page introuvable",
        403: "Accès refusé",
        500: "Erreur du serveur",
        "csrf": "Formulaire expiré",
    },
    "en": {404: "Page not found", 403: "Access denied", 500: "Server error", "csrf": "Form expired"},
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_404_page_uses_the_layout_and_the_readers_language(client_for, clinician, language, settings):
    assert settings.DEBUG is False
    response = client_for(clinician).get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    page = response.content.decode()
    assert LAYOUT in page and f'lang="{language}"' in page
    assert TEXTS[language][404] in page
    assert reverse("patients:list") in page  # the navigation, and a way back
    assert "Paul Pneumo" in page  # the signed-in user, as on every page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_403_page_uses_the_layout_and_the_language_cookie(client_for, viewer, language, settings):
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("patients:create"))
    assert response.status_code == 403
    page = response.content.decode()
    assert LAYOUT in page and f'lang="{language}"' in page
    assert TEXTS[language][403] in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_500_page_renders_without_a_request_context_in_the_active_language(language):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = defaults.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert LAYOUT in page and f'lang="{language}"' in page
    assert TEXTS[language][500] in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_csrf_failure_page_uses_the_layout_and_keeps_the_user_signed_in(clinician, language):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)
    response = client.post(reverse("patients:create"), {}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    page = response.content.decode()
    assert LAYOUT in page and f'lang="{language}"' in page
    assert TEXTS[language]["csrf"] in page
