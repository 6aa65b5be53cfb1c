"""Every template of the project compiles (a typo in a tag fails here, not in front of a user)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template

TEMPLATES = sorted(
    str(path.relative_to(settings.BASE_DIR / "templates"))
    for path in (settings.BASE_DIR / "templates").rglob("*.html")
)


def test_templates_are_found():
    assert "base.html" in TEMPLATES and len(TEMPLATES) > 10


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_compiles(name):
    assert get_template(name).template.source == Path(settings.BASE_DIR / "templates" / name).read_text()
