"""Presentation mode on a projector's screen sizes (1366×768, 1280×720), with a dense case: the decision
always in sight, the skeleton's words legible, the lesion table readable, the side panel completing the
record."""

import re

import pytest
from playwright.sync_api import expect

from patients import models as m
from scoring import registry
from tests.factories import (
    AssessmentFactory,
    BoardFactory,
    CaseFactory,
    EventFactory,
    ExamFactory,
    LabFactory,
    LesionFactory,
    MeetingFactory,
    PatientFactory,
    PrimaryTumourFactory,
    TreatmentFactory,
    days_ago,
)

SCREENS = [(1366, 768), (1280, 720)]
SPINE = {  # level: (SINS location, collapse, posterolateral, Bilsky grade)
    "T4": ("semi_rigid", "none", "none", "0"),
    "T6": ("semi_rigid", "under_50", "unilateral", "1a"),
    "T7": ("semi_rigid", "involvement_over_50", "none", "1b"),
    "T11": ("junctional", "over_50", "bilateral", "2"),
    "T12": ("junctional", "under_50", "unilateral", "1c"),
    "L2": ("mobile", "none", "none", "0"),
    "L4": ("mobile", "under_50", "bilateral", "1b"),
}


def dense_case(chair):
    """A case with nine lesions, their SINS and Bilsky, an urgent event, hypercalcaemia, and an exam five
    months old (so the completeness list asks for imaging)."""
    meeting = MeetingFactory(board=BoardFactory(centre=chair.centre), chair=chair, title="RCP du jeudi")
    patient = PatientFactory(centre=chair.centre, family_name="Dense")
    PrimaryTumourFactory(patient=patient)
    AssessmentFactory(patient=patient, pain_nrs=7, pain_mechanical=True, ecog=2)
    LabFactory(patient=patient, calcium="3.10")
    TreatmentFactory(patient=patient)
    EventFactory(patient=patient, kind="cord_compression", date=days_ago(1))
    exam = ExamFactory(patient=patient, modality="spine_mri", date=days_ago(150))
    for level, (location, collapse, posterolateral, grade) in SPINE.items():
        lesion = LesionFactory(
            exam=exam,
            vertebral_level=level,
            collapse=collapse,
            posterolateral=posterolateral,
            alignment="normal",
            bilsky=grade,
            soft_tissue_extension=True,
            fracture=collapse == "over_50",
            size_mm=34,
        )
        sins = {
            "location": location,
            "pain": "mechanical",
            "lesion": "lytic",
            "alignment": "normal",
            "collapse": collapse,
            "posterolateral": posterolateral,
        }
        for slug, inputs in (("sins", sins), ("bilsky", {"grade": grade})):
            result = registry.get(slug).compute(**inputs)
            m.ScoreAssessment.objects.record(result, patient=patient, lesion=lesion.lesion, user=chair)
    LesionFactory(exam=exam, site="femur_subtrochanteric", vertebral_level="", side="left", size_mm=41)
    LesionFactory(exam=exam, site="rib", vertebral_level="", rib_number=6, side="right")
    CaseFactory(meeting=meeting, patient=patient, position=1, question="Radiothérapie, chirurgie ?" * 3)
    return meeting, patient


def in_window(page, selector):
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth
                && box.height > 20;
        }""",
        selector,
    )


# The rendered size of every word of the skeleton figure: its font size in the SVG's units times the
# SVG's scale on screen. A mark's "!" or "?" in the small overview is part of its symbol, not a word.
SKELETON_WORDS = """() => [...document.querySelectorAll('.dossier-skeleton svg text')]
    .filter((t) => !t.closest('.skeleton-overview g.lesion') && t.getBBox().width > 0)
    .map((t) => ({
        text: t.textContent,
        px: parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a,
        height: t.getBoundingClientRect().height,
    }))"""

# Each cell of the lesion table: its words, the lines its text takes (the line boxes of its content),
# and whether its longest word fits.
LESION_CELLS = """() => [...document.querySelectorAll('.lesion-table tbody tr')].flatMap((row) =>
    [...row.children].map((cell, column) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top);
        tops.sort((a, b) => a - b);
        const half = parseFloat(getComputedStyle(cell).fontSize) / 2;
        const lines = tops.filter((top, i) => i === 0 || top - tops[i - 1] > half).length;
        return {
            column, lines, text: cell.innerText.trim(),
            words: cell.innerText.trim().split(/\\s+/).filter(Boolean).length,
            fits: cell.scrollWidth <= cell.clientWidth,
        };
    }))"""


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_decision_stays_in_sight_and_the_case_is_legible_on_a_projector(login, chair, width, height):
    meeting, patient = dense_case(chair)
    page = login(chair)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/meetings/{meeting.pk}/present/1/")
    expect(page.locator(".dossier-title")).to_contain_text("DENSE")
    assert page.evaluate("document.documentElement.scrollHeight") > 2 * height  # a long case

    # The decision, and the way to the other cases, without scrolling; and still when scrolled.
    for position in (0, 0.5, 1):
        page.evaluate(f"window.scrollTo(0, {position} * document.documentElement.scrollHeight)")
        assert in_window(page, "#present-decision"), position
        assert in_window(page, "#present-next") and in_window(page, "#present-prev"), position
    assert page.locator(".present-bar").bounding_box()["height"] <= 60  # the bar stays on one line

    # Reached with the keyboard, with a visible focus.
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("body").focus()
    for _press in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "present-decision":
            break
    else:
        pytest.fail("the decision button is not reached with Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert in_window(page, "#present-decision")

    # Every word of the skeleton at 12 px or more: the involved levels are zoomed beside it.
    words = page.evaluate(SKELETON_WORDS)
    assert {"T4", "T11", "L4", "SINS 14 · BILSKY 2"} <= {w["text"] for w in words}
    small = [w for w in words if w["px"] < 12 or w["height"] < 12]
    assert not small, small
    zoom = page.locator(".skeleton-zoom svg").bounding_box()
    assert zoom["y"] + zoom["height"] <= height  # the zoomed levels are in sight at the top of the case

    # Scrolled down to the lesions, the skeleton has gone up with the findings: it covers nothing.
    page.locator(".lesion-table").scroll_into_view_if_needed()
    assert page.evaluate(
        """() => {
            const a = document.querySelector('.dossier-skeleton').getBoundingClientRect();
            const b = document.querySelector('.dossier-lesions').getBoundingClientRect();
            return a.bottom <= b.top || b.bottom <= a.top || a.right <= b.left || b.right <= a.left;
        }"""
    )
    # The lesion table reads across: no word overflowing its cell, lines of several words (before, the
    # table squeezed beside the skeleton gave "IRM du / rachis / entier, / 20/11/2026"), rows of a few lines.
    cells = page.evaluate(LESION_CELLS)
    assert len({c["text"] for c in cells if c["column"] == 0}) == 9
    for cell in cells:
        assert cell["fits"], cell
        if cell["column"] < 4:  # the text cells; the scores are badges, one a line
            assert cell["lines"] <= 4, cell
            assert cell["lines"] == 1 or cell["words"] >= 2.5 * cell["lines"], cell


def test_the_side_panel_adds_an_exam_with_its_lesion_and_a_treatment_and_the_case_refreshes(login, chair):
    meeting, patient = dense_case(chair)
    page = login(chair)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"/meetings/{meeting.pk}/present/1/")
    gaps = page.locator(".dossier-gaps")
    expect(gaps).to_contain_text(
        re.compile("imagerie au cours des 3 derniers mois|imaging in the last 3 months")
    )

    # The completeness list's "complete" opens the panel on a new imaging exam.
    gaps.locator("button.gap-complete").first.click()
    panel = page.locator("#panel")
    expect(panel).to_be_visible()
    expect(panel.locator("#panel-form select[name=modality]")).to_be_visible()
    panel.locator("#panel-form input[name=date]").fill(days_ago(1).isoformat())
    panel.locator("#panel-form select[name=modality]").select_option("fdg_pet")
    panel.locator("#panel-form textarea[name=conclusion]").fill("Nouvelle lésion du sacrum.")
    panel.locator("#panel-form button[type=submit]").click()

    # As on the patient page, the exam's lesion comes next; the case already shows the exam.
    expect(panel.locator("#panel-form select[name=vertebral_level]")).to_be_visible()
    expect(gaps).not_to_contain_text(re.compile("3 derniers mois|last 3 months"))
    panel.locator("#panel-form select[name=site]").select_option("vertebra")
    panel.locator("#panel-form select[name=vertebral_level]").select_option("S1")
    panel.locator("#panel-form select[name=lesion_type]").select_option("blastic")
    panel.locator("#panel-form button[type=submit]:not([name])").click()
    expect(panel.locator("#panel-form .alert-success")).to_contain_text("S1")
    lesion = m.LesionObservation.objects.get(exam__modality="fdg_pet")
    expect(page.locator(f"#lesion-{lesion.lesion_id}")).to_contain_text("S1")
    expect(page.locator('.skeleton-zoom rect.involved[data-level="S1"]')).to_have_count(1)
    expect(page.locator("#panel-lesions button")).to_have_count(10)  # it can be corrected at once

    # A treatment: a radiotherapy without its dose is refused beside the field, nothing typed lost.
    page.locator('#panel-add [hx-get$="/add/treatment/"]').click()
    form = panel.locator("#panel-form")
    form.locator("select[name=category]").select_option("radiotherapy")
    form.locator("input[name=start_date]").fill(days_ago(2).isoformat())
    form.locator("input[name=target]").fill("T11 et T12")
    form.locator("button[type=submit]").click()
    expect(form.locator("#error_1_id_rt_dose_gy")).to_be_visible()
    expect(form.locator("input[name=target]")).to_have_value("T11 et T12")
    form.locator("input[name=rt_dose_gy]").fill("20")
    form.locator("input[name=rt_fractions]").fill("5")
    form.locator("button[type=submit]").click()
    expect(form.locator(".alert-success")).to_be_visible()
    expect(page.locator(".dossier-history")).to_contain_text("20 Gy / 5 fr")
    expect(page.locator("#present-count")).to_contain_text("1 / 1")  # still presenting
    assert m.Treatment.objects.filter(patient=patient, category="radiotherapy").count() == 1
