"""Planning meetings (rcp.meetings.save_meeting) and the centre's board (rcp.boards): no page creates a
board when it is only read; a coordinator's first meeting does."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from rcp.boards import centre_board, ensure_board
from rcp.forms import MeetingForm
from rcp.meetings import MeetingClosed, save_meeting
from rcp.models import Board, Meeting
from tests.factories import BoardFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def meeting_data(chair, **data):
    return {"title": "RCP os", "starts_at": "2030-01-10T14:00", "place": "Salle B", "chair": chair.pk, **data}


def meeting_form(centre, chair, instance=None, **data):
    form = MeetingForm(meeting_data(chair, **data), instance=instance or Meeting(), centre=centre)
    assert form.is_valid(), form.errors
    return form


@pytest.mark.parametrize("page", ["rcp:meetings", "rcp:meeting_create", "rcp:case_create"])
def test_reading_a_page_creates_no_board(client_for, coordinator, page):
    assert client_for(coordinator).get(reverse(page)).status_code == 200
    assert not Board.objects.exists()


def test_the_first_meeting_of_a_centre_creates_its_board_and_the_next_ones_share_it(
    client_for, coordinator, chair, centre
):
    client = client_for(coordinator)
    refused = client.post(reverse("rcp:meeting_create"), meeting_data(chair, title=""))
    assert refused.status_code == 400 and not Board.objects.exists()  # nothing saved, nothing created
    for day in ("10", "17"):
        client.post(reverse("rcp:meeting_create"), meeting_data(chair, starts_at=f"2030-01-{day}T14:00"))
    board = Board.objects.get()
    assert board.centre == centre
    assert list(Meeting.objects.values_list("board", flat=True)) == [board.pk, board.pk]


def test_a_centres_board_is_its_first_whatever_the_others(centre, other_centre):
    assert centre_board(centre) is None
    first = ensure_board(centre=centre)
    BoardFactory(centre=centre, name="Another board")
    BoardFactory(centre=other_centre)
    assert ensure_board(centre=centre) == centre_board(centre) == first
    assert Board.objects.filter(centre=centre).count() == 2


def test_a_planned_meeting_is_attributed(coordinator, chair, centre):
    meeting = save_meeting(form=meeting_form(centre, chair), user=coordinator)
    assert meeting.board == centre_board(centre)
    assert meeting.history.get().history_user == coordinator
    edited = save_meeting(form=meeting_form(centre, chair, instance=meeting, place="Salle C"), user=chair)
    assert edited.place == "Salle C" and meeting.history.first().history_user == chair


def test_a_first_meeting_that_fails_to_save_leaves_no_board(coordinator, chair, centre):
    form = meeting_form(centre, chair)
    with (
        mock.patch.object(Meeting, "save", side_effect=RuntimeError("the database went away")),
        pytest.raises(RuntimeError),
    ):
        save_meeting(form=form, user=coordinator)
    assert not Board.objects.exists()


def test_a_closed_meeting_cannot_be_edited(coordinator, chair, centre):
    meeting = MeetingFactory(board=BoardFactory(centre=centre), chair=chair)
    form = meeting_form(centre, chair, instance=meeting, place="Salle C")
    Meeting.objects.filter(pk=meeting.pk).update(
        status="closed", closed_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(MeetingClosed):
        save_meeting(form=form, user=coordinator)
    assert Meeting.objects.get(pk=meeting.pk).place != "Salle C"


def test_editing_a_meeting_started_since_the_form_was_loaded_leaves_it_under_way(coordinator, chair, centre):
    meeting = MeetingFactory(board=BoardFactory(centre=centre), chair=chair)
    form = meeting_form(centre, chair, instance=meeting, place="Salle C")
    Meeting.objects.filter(pk=meeting.pk).update(status="in_progress")
    save_meeting(form=form, user=coordinator)
    assert Meeting.objects.filter(pk=meeting.pk, status="in_progress", place="Salle C").exists()
