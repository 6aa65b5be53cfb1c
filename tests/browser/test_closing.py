import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from rcp.models import CaseSubmission, Decision
from tests.factories import BoardFactory, CaseFactory, MeetingFactory, PatientFactory

CLOSE = re.compile("Clôturer la séance|Close the meeting")


def test_coordinator_closes_the_meeting_choosing_for_each_case(login, coordinator, chair):
    board = BoardFactory(centre=coordinator.centre)
    meeting = MeetingFactory(
        board=board, chair=chair, starts_at=timezone.now() - timedelta(hours=2), status="in_progress"
    )
    following = MeetingFactory(board=board, chair=chair, starts_at=meeting.starts_at + timedelta(days=7))
    routine = CaseFactory(
        meeting=meeting, patient=PatientFactory(centre=coordinator.centre, family_name="Routine"), position=1
    )
    urgent = CaseFactory(
        meeting=meeting,
        patient=PatientFactory(centre=coordinator.centre, family_name="Urgence"),
        position=2,
        urgency="urgent",
    )
    talked = CaseFactory(
        meeting=meeting,
        patient=PatientFactory(centre=coordinator.centre, family_name="Discute"),
        position=3,
        status="discussed",
        discussed_at=timezone.now(),
    )
    Decision.objects.create(case=talked, free_text="Radiothérapie 8 Gy.", conforms=True, updated_by=chair)

    page = login(coordinator)
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("link", name=CLOSE).click()
    cases = page.locator("#close-form fieldset")
    expect(cases).to_have_count(3)
    expect(cases.first).to_contain_text("URGENCE")  # urgent first
    expect(page.locator("#carry-over-to")).to_contain_text(following.title)

    page.get_by_role("button", name=CLOSE).click()
    expect(page.locator(f"#closing-case-{urgent.pk} .invalid-feedback")).to_be_visible()  # nothing chosen

    page.locator(f"#closing-case-{urgent.pk}").get_by_label(re.compile("Reporté|Postponed")).check()
    page.locator(f"#closing-case-{routine.pk}").get_by_label(re.compile("Non discuté|Not discussed")).check()
    page.locator(f"#closing-case-{talked.pk}").get_by_label(re.compile("à valider|to validate")).check()
    page.get_by_role("button", name=CLOSE).click()

    expect(page.locator("#meeting-closed")).to_contain_text(re.compile("Séance clôturée le|closed on"))
    # The case kept for its decision stays, read only: no arrows, no drag, nothing to remove.
    expect(page.locator("#agenda .agenda-case")).to_have_count(1)
    expect(page.locator("#agenda")).to_contain_text("DISCUTE")
    expect(page.locator("#agenda .agenda-actions")).to_have_count(0)
    expect(page.locator("#agenda [draggable]")).to_have_count(0)
    expect(page.get_by_role("link", name=CLOSE)).to_have_count(0)
    expect(page.locator("form[action$='/attendance/']")).to_have_count(0)  # attendance read only
    assert set(CaseSubmission.objects.filter(meeting=following).values_list("pk", flat=True)) == {
        routine.pk,
        urgent.pk,
    }
    page.goto(f"/cases/{routine.pk}/")
    expect(page.locator("#case-history")).to_contain_text(re.compile("Non discuté|Not discussed"))
