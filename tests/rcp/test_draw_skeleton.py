"""The skeleton's anatomy: a static asset drawn by `manage.py draw_skeleton`, which every skeleton picture
inlines (rcp/diagrams.py) instead of drawing the bones again."""

import io
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import CommandError

from rcp import diagrams
from rcp.diagrams import ANATOMY_ASSET, LesionMark, anatomy, skeleton_svg


def test_the_static_asset_is_what_the_command_draws():
    call_command("draw_skeleton", "--check")


def test_the_check_fails_on_an_asset_edited_by_hand_and_drawing_again_mends_it(tmp_path, settings):
    drawn = Path(finders.find(ANATOMY_ASSET)).read_text(encoding="utf-8")
    edited = tmp_path / "static" / ANATOMY_ASSET
    edited.parent.mkdir(parents=True)
    edited.write_text(drawn.replace("#ebe7de", "#000000"), encoding="utf-8")
    settings.BASE_DIR = tmp_path
    with pytest.raises(CommandError, match="draw_skeleton"):
        call_command("draw_skeleton", "--check")
    call_command("draw_skeleton", stdout=io.StringIO())
    assert edited.read_text(encoding="utf-8") == drawn


def test_the_asset_is_read_once_and_inlined_in_every_picture(monkeypatch):
    diagrams._anatomy.cache_clear()
    read = []
    find = finders.find
    monkeypatch.setattr(finders, "find", lambda path, **kwargs: read.append(path) or find(path, **kwargs))
    full = [str(skeleton_svg([])), str(skeleton_svg([LesionMark("sternum", severity="high")]))]
    overview = str(skeleton_svg([LesionMark("sternum")], overview=True))
    assert read == [ANATOMY_ASSET]
    assert all(anatomy() in picture for picture in full)
    assert anatomy(levels=False) in overview and 'class="levels"' not in overview
    assert anatomy().count('class="vertebra"') == 29
