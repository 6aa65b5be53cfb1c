import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """The scoring tests read the English source messages; the site's default language is French."""
    with translation.override("en"):
        yield
