"""A lesion's site label: in French the side follows the bone and agrees with its gender ("côte 5
droite", "fémur gauche — diaphyse"); the English keeps the side in brackets."""

import pytest
from django.utils import translation

from patients import choices as c
from patients.models import TrackedLesion


@pytest.mark.parametrize(
    ("site", "rib_number", "side", "french", "english"),
    [
        ("rib", 5, "right", "Côte 5 droite", "Rib 5 (right)"),
        ("rib", 5, "left", "Côte 5 gauche", "Rib 5 (left)"),
        ("rib", 5, "midline", "Côte 5", "Rib 5"),
        ("clavicle", None, "right", "Clavicule droite", "Clavicle (right)"),
        ("fibula", None, "right", "Fibula droite", "Fibula (right)"),
        ("femur_shaft", None, "right", "Fémur droit — diaphyse", "Femur — shaft (right)"),
        ("femur_shaft", None, "left", "Fémur gauche — diaphyse", "Femur — shaft (left)"),
        ("tibia", None, "right", "Tibia droit", "Tibia (right)"),
        ("ilium", None, "right", "Bassin — ilium droit", "Pelvis — ilium (right)"),
        ("radius_ulna", None, "right", "Radius ou ulna, côté droit", "Radius or ulna (right)"),
        ("humerus_shaft", None, "midline", "Humérus — diaphyse", "Humerus — shaft"),
        ("sternum", None, "right", "Sternum, côté droit", "Sternum (right)"),
        ("skull", None, "", "Crâne", "Skull"),
    ],
)
def test_the_side_agrees_with_the_bone(site, rib_number, side, french, english):
    lesion = TrackedLesion(site=site, rib_number=rib_number, side=side)
    with translation.override("fr"):
        assert lesion.site_label == french
    with translation.override("en"):
        assert lesion.site_label == english


def test_a_vertebra_is_named_by_its_level():
    assert TrackedLesion(site="vertebra", vertebral_level="T11").site_label == "T11"


def test_every_paired_bone_has_its_label_with_each_side_translated():
    paired = {
        (site, side) for site in c.PAIRED_SITES - {c.SkeletalSite.RIB} for side in (c.Side.RIGHT, c.Side.LEFT)
    }
    assert set(c.SIDED_SITE_LABELS) == paired
    with translation.override("fr"):
        untranslated = [str(label) for label in c.SIDED_SITE_LABELS.values() if "(" in str(label)]
    assert untranslated == []
