"""A centre's board: read by the pages, created by a coordinator's first meeting (a POST, never a GET)."""

from django.db import transaction

from .accounts.models import Centre
from .models import Board


def centre_board(centre) -> Board | None:
    """The centre's board (the first, should an administrator have made several), or None before the
    centre's first meeting."""
    return Board.objects.filter(centre=centre).order_by("pk").first()


@transaction.atomic
def ensure_board(*, centre) -> Board:
    """The centre's board, created with the default quorum rule if it has none yet. The centre's row is
    locked meanwhile so that two coordinators planning their first meetings at once make one board."""
    Centre.objects.select_for_update(no_key=True).filter(pk=centre.pk).get()
    return centre_board(centre) or Board.objects.create(centre=centre)
