"""The skeleton's anatomy: a static asset drawn by `manage.py draw_skeleton`, which every skeleton picture
inlines (rcp/diagrams.py) instead of drawing the bones again; a PDF of several minutes draws it, with the
heading and the legend that every picture shows, once."""

import copy
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from rcp import diagrams
from rcp.diagrams import ANATOMY_ASSET, LesionMark, anatomy, skeleton_svg
from rcp.minutes import render_meeting_minutes


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


BONE_FILL = b"0.921569 0.905882 0.870588 rg"  # #ebe7de, the fill of most bones
CAPTION = "Vue de face : la droite du patient est à votre gauche"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_meeting_minutes_draw_what_every_skeleton_shows_once(tmp_path):
    # A minute frozen by snapshot format 2 (its picture inlines the asset as drawn today), twice.
    first = json.loads((Path(__file__).parent / "data" / "snapshot_format2.json").read_text())
    second = copy.deepcopy(first)
    second["validation"]["number"] = "RCP-TEST-2"
    pdf = render_meeting_minutes([first, second], title="Compte rendu", author="Centre")
    reader = PdfReader(io.BytesIO(pdf))
    contents = [page.get_contents().get_data() for page in reader.pages]
    resources = reader.pages[0]["/Resources"]["/XObject"]  # one dictionary for every page
    shared = [name for name, ref in resources.items() if BONE_FILL in ref.get_object().get_data()]
    assert len(shared) == 1
    pages = [n for n, content in enumerate(contents) if f"{shared[0]} Do".encode() in content]
    assert len(pages) == 2 and pages[0] == 0  # each minute's skeleton, on its first page
    assert not any(BONE_FILL in content for content in contents)
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    for page in (text.split("\f")[n] for n in pages):  # the skeleton's words, still text, in each
        assert CAPTION in page and "Sévérité" in page and re.search(r"\bS5\b", page)
