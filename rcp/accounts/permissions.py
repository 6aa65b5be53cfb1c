"""Every "may this user …" question of the site, answered in one place: views, templates (through the
booleans their views pass, and for the layout `rcp.accounts.context_processors.permissions`), the board's
services and models ask this module. Nothing else calls `has_perm` (tests/rcp/test_permissions.py keeps
it so); the roles and their permissions are defined in roles.py, the admin's centre scoping in scoping.py.

Two answers, never confused: a row of another centre is not found (404: the lookups below fetch through
the querysets' `visible_to`), a role without the right is refused (403: `require`).

The models are reached through the app registry, not imported: the patients app asks this module who may
read, and must not import the board app.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

READ_RECORDS = "patients.view_patient"
WRITE_RECORDS = "patients.change_patient"
SUBMIT = "rcp.add_casesubmission"
ORGANISE = "rcp.change_meeting"
# The chair role's own permission: who may chair a meeting, validate and amend its decisions.
VALIDATE = "rcp.validate_decision"
READ_ACCESS_LOG = "accounts.view_accesslog"


# --- what a role may do -------------------------------------------------------------------------------


def may_read_records(user) -> bool:
    """Every role of the board, and the privacy officer investigating an access, reads the records."""
    return user.has_perm(READ_RECORDS)


def may_write_records(user) -> bool:
    """Adds to and corrects the clinical record (not the viewer's nor the privacy officer's role)."""
    return user.has_perm(WRITE_RECORDS)


def may_submit(user) -> bool:
    """Submits a case to the board."""
    return user.has_perm(SUBMIT)


def may_organise(user) -> bool:
    """Plans meetings, keeps their agenda and attendance, the board's quorum rule and trial register."""
    return user.has_perm(ORGANISE)


def may_record_decision(user) -> bool:
    """Writes the draft of a decision: whoever submits cases or organises the meeting."""
    return may_submit(user) or may_organise(user)


def may_chair(user) -> bool:
    """Holds the chair role: may be chosen as a meeting's chair or deputy."""
    return user.is_active and user.has_perm(VALIDATE)


def may_validate(user, meeting) -> bool:
    """Validates or amends the decisions of `meeting`: the chair role, and its chair or deputy."""
    return user.pk in {meeting.chair_id, meeting.deputy_id} and user.has_perm(VALIDATE)


def may_change_action(user, action) -> bool:
    """Starts, completes, cancels or reschedules an action of the board: its owner, a coordinator (or a
    chair, who organises too), or the chair or deputy of the meeting that decided it. `action` with its
    line's decision's case's meeting loaded (get_action_for_user does)."""
    return (
        user.pk == action.owner_id
        or may_organise(user)
        or may_validate(user, action.line.decision.case.meeting)
    )


def may_record_outcome(user) -> bool:
    """Records how a patient is 3, 6 or 12 months after a decision: whoever writes the record."""
    return may_write_records(user)


def may_read_access_log(user) -> bool:
    """The privacy officer's: reads, filters and exports the access log of their centre."""
    return user.has_perm(READ_ACCESS_LOG)


def require(allowed: bool) -> None:
    """403 unless `allowed` (the answer of one of the predicates above)."""
    if not allowed:
        raise PermissionDenied


def chair_candidates(centre):
    """The active users of `centre` who hold the chair role, for the chair and deputy choices."""
    users = get_user_model().objects
    holders = users.with_perm(VALIDATE, backend="rcp.accounts.backends.ModelBackend")
    return holders.filter(centre=centre).order_by("last_name", "first_name")


# --- what a user may see: 404 outside their centre, then 403 without the role -------------------------


def patients_for(user):
    """The patients `user` may read: their centre's, if their role reads records."""
    return apps.get_model("patients", "Patient").objects.visible_to(user)


def get_patient_for_user(user, pk, *, write=False, queryset=None):
    """The patient `pk` if `user` may see it (else 404), and change it when `write` (else 403)."""
    queryset = apps.get_model("patients", "Patient").objects.all() if queryset is None else queryset
    patient = get_object_or_404(queryset.visible_to(user), pk=pk)
    if write:
        require(may_write_records(user))
    return patient


def get_meeting_for_user(user, pk, *, organise=False, queryset=None):
    if queryset is None:
        queryset = apps.get_model("rcp", "Meeting").objects.select_related("board__centre", "chair", "deputy")
    meeting = get_object_or_404(queryset.visible_to(user), pk=pk)
    if organise:
        require(may_organise(user))
    return meeting


def get_case_for_user(user, pk, *, organise=False, submit=False):
    queryset = apps.get_model("rcp", "CaseSubmission").objects.visible_to(user)
    case = get_object_or_404(queryset.select_related("patient", "meeting", "meeting__board"), pk=pk)
    if organise:
        require(may_organise(user))
    if submit:
        require(may_record_decision(user))
    return case


def get_action_for_user(user, pk, *, change=False):
    """The action `pk` of a case of the user's centre (else 404), to change when `change` (else 403)."""
    queryset = apps.get_model("rcp", "Action").objects.visible_to(user)
    action = get_object_or_404(
        queryset.select_related("line__decision__case__patient", "line__decision__case__meeting", "owner"),
        pk=pk,
    )
    if change:
        require(may_change_action(user, action))
    return action


def get_board_for_user(user, pk, *, organise=False):
    """The board `pk` of the user's centre (else 404), to keep when `organise` (else 403)."""
    board = get_object_or_404(apps.get_model("rcp", "Board"), pk=pk, centre_id=user.centre_id)
    if organise:
        require(may_organise(user))
    return board


def get_document_for_user(user, pk, *, meeting):
    """A PDF asked of the worker (GeneratedDocument) for `meeting`, if `user` may see it (else 404)."""
    queryset = apps.get_model("rcp", "GeneratedDocument").objects.visible_to(user)
    return get_object_or_404(queryset.select_related("minute"), pk=pk, meeting=meeting)


def get_minute_for_user(user, pk, *, related=("rendered", "render_job")):
    """The minute `pk` of the user's centre (else 404), with its case and patient and, by default, its PDF
    once rendered and its render job (`related` names what else to read with it)."""
    queryset = apps.get_model("rcp", "Minute").objects.visible_to(user)
    return get_object_or_404(queryset.select_related("decision__case__patient", *related), pk=pk)
