"""rcp.accounts.permissions answers every "may this user …" question: what each role may do, what each
user may see (another centre's rows are not found, a missing right is refused), and nothing else in the
code asks `has_perm` itself."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from rcp.accounts import permissions as p
from tests.factories import BoardFactory, CaseFactory, MeetingFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLE_PREDICATES = [
    p.may_read_records,
    p.may_write_records,
    p.may_submit,
    p.may_organise,
    p.may_record_decision,
    p.may_chair,
    p.may_read_access_log,
]

# What each user may do, in the order of ROLE_PREDICATES.
EXPECTED = {
    "viewer": [True, False, False, False, False, False, False],
    "clinician": [True, True, True, False, True, False, False],
    # Organising includes adding a case to the agenda.
    "coordinator": [True, True, True, True, True, False, False],
    "chair": [True, True, True, True, True, True, False],
    "privacy_officer": [True, False, False, False, False, False, True],
    # Staff without a role administer the site; the board's pages are not theirs.
    "staff": [False, False, False, False, False, False, False],
    # A role is the same right in every centre; what another centre's user sees is the lookups' question.
    "outsider": [True, True, True, False, True, False, False],
}


@pytest.fixture
def people(centre, other_centre, viewer, clinician, coordinator, chair):
    return {
        "viewer": viewer,
        "clinician": clinician,
        "coordinator": coordinator,
        "chair": chair,
        "privacy_officer": UserFactory(username="dpo", centre=centre, role="privacy_officer"),
        "staff": UserFactory(username="staff", centre=centre, is_staff=True),
        "outsider": UserFactory(username="outsider", centre=other_centre, role="clinician"),
    }


@pytest.mark.parametrize("who", EXPECTED)
def test_each_role_may_do_what_roles_py_gives_it(people, who):
    user = people[who]
    assert [predicate(user) for predicate in ROLE_PREDICATES] == EXPECTED[who]


def test_an_inactive_chair_may_not_be_chosen_to_chair(chair):
    chair.is_active = False
    assert p.may_chair(chair) is False


def test_only_the_meetings_chair_or_deputy_holding_the_role_validates(people, centre, deputy):
    meeting = MeetingFactory(board=BoardFactory(centre=centre), chair=people["chair"], deputy=deputy)
    assert p.may_validate(people["chair"], meeting) and p.may_validate(deputy, meeting)
    other_chair = UserFactory(username="other-chair", centre=centre, role="chair")
    assert not p.may_validate(other_chair, meeting)
    # Named chair without the chair role (made so before the rule existed): refused all the same.
    meeting.deputy = people["coordinator"]
    assert not p.may_validate(people["coordinator"], meeting)
    for who in ("viewer", "clinician", "privacy_officer", "staff", "outsider"):
        assert not p.may_validate(people[who], meeting), who


def test_patients_for_gives_the_users_centre_to_roles_that_read(people, centre, other_centre):
    own = PatientFactory(centre=centre)
    PatientFactory(centre=other_centre)
    for who in ("viewer", "clinician", "coordinator", "chair", "privacy_officer"):
        assert list(p.patients_for(people[who])) == [own], who
    assert not p.patients_for(people["staff"]).exists()
    assert own not in p.patients_for(people["outsider"])


def test_another_centres_patient_is_not_found_and_a_reader_may_not_write(people, centre):
    patient = PatientFactory(centre=centre)
    assert p.get_patient_for_user(people["clinician"], patient.pk, write=True) == patient
    assert p.get_patient_for_user(people["viewer"], patient.pk) == patient
    with pytest.raises(PermissionDenied):
        p.get_patient_for_user(people["viewer"], patient.pk, write=True)
    with pytest.raises(PermissionDenied):
        p.get_patient_for_user(people["privacy_officer"], patient.pk, write=True)
    for who in ("outsider", "staff"):
        with pytest.raises(Http404):
            p.get_patient_for_user(people[who], patient.pk, write=True)


def test_meetings_cases_and_boards_are_found_in_the_centre_and_kept_by_organisers(people, centre):
    board = BoardFactory(centre=centre)
    case = CaseFactory(patient=PatientFactory(centre=centre), meeting=MeetingFactory(board=board))
    for who in ("coordinator", "chair"):
        user = people[who]
        assert p.get_meeting_for_user(user, case.meeting_id, organise=True) == case.meeting
        assert p.get_case_for_user(user, case.pk, organise=True, submit=True) == case
        assert p.get_board_for_user(user, board.pk, organise=True) == board
    clinician = people["clinician"]
    assert p.get_case_for_user(clinician, case.pk, submit=True) == case
    for refused in (
        lambda: p.get_meeting_for_user(clinician, case.meeting_id, organise=True),
        lambda: p.get_case_for_user(clinician, case.pk, organise=True),
        lambda: p.get_board_for_user(clinician, board.pk, organise=True),
        lambda: p.get_case_for_user(people["viewer"], case.pk, submit=True),
    ):
        with pytest.raises(PermissionDenied):
            refused()
    outsider = people["outsider"]
    for hidden in (
        lambda: p.get_meeting_for_user(outsider, case.meeting_id),
        lambda: p.get_case_for_user(outsider, case.pk),
        lambda: p.get_board_for_user(outsider, board.pk),
    ):
        with pytest.raises(Http404):
            hidden()


def test_chair_candidates_are_the_centres_active_chairs(people, centre, deputy):
    gone = UserFactory(username="gone", centre=centre, role="chair", is_active=False)
    UserFactory(username="elsewhere", centre=people["outsider"].centre, role="chair")
    assert set(p.chair_candidates(centre)) == {people["chair"], deputy}
    assert gone not in p.chair_candidates(centre)


def test_the_layout_links_what_the_user_may_open(people, client_for):
    officer = client_for(people["privacy_officer"]).get(reverse("patients:list")).content.decode()
    assert reverse("audit") in officer and reverse("patients:list") in officer
    clinician = client_for(people["clinician"]).get(reverse("patients:list")).content.decode()
    assert reverse("audit") not in clinician and reverse("rcp:meetings") in clinician


# --- the rule stays true ------------------------------------------------------------------------------

PERMISSIONS_MODULE = Path(p.__file__).resolve()
CODE = [settings.BASE_DIR / package for package in ("rcp", "patients", "scoring")]
ASKS_DJANGO = re.compile(r"\.(has_perm|has_perms|with_perm)\(")
# A lookup by the user's centre written by hand, instead of the scoped lookups of the module.
CENTRE_LOOKUP = re.compile(r"get_object_or_404\([^)]*centre=")


def python_files():
    for package in CODE:
        for path in sorted(package.rglob("*.py")):
            if "migrations" not in path.parts and path.resolve() != PERMISSIONS_MODULE:
                yield path


def offenders(pattern, paths):
    return [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for path in paths
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]


def test_the_scan_finds_the_permissions_module_asking_django():
    assert offenders(ASKS_DJANGO, [PERMISSIONS_MODULE])  # else the pattern could never fail


def test_only_the_permissions_module_asks_django_for_a_permission():
    assert offenders(ASKS_DJANGO, python_files()) == []


def test_no_view_looks_a_row_up_by_the_users_centre_by_hand():
    assert offenders(CENTRE_LOOKUP, python_files()) == []


def test_templates_show_what_their_view_or_the_layout_was_told_not_perms():
    templates = sorted((settings.BASE_DIR / "templates").rglob("*.html"))
    assert offenders(re.compile(r"\bperms\."), templates) == []


@pytest.mark.parametrize("who", EXPECTED)
def test_the_backend_reads_a_users_and_their_groups_permissions_in_one_query_as_django_does(
    people, who, django_assert_num_queries
):
    from django.contrib.auth.backends import ModelBackend as DjangoBackend
    from django.contrib.auth.models import Permission

    from rcp.accounts.backends import ModelBackend

    user = type(people[who]).objects.get(pk=people[who].pk)
    user.user_permissions.add(Permission.objects.get(codename="view_trial"))  # one of the user's own
    fresh = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        ours = ModelBackend().get_all_permissions(fresh)
        assert ModelBackend().get_all_permissions(fresh) is ours  # kept on the user for the request
    assert ours == DjangoBackend().get_all_permissions(type(user).objects.get(pk=user.pk))
    assert "rcp.view_trial" in ours


def test_the_sessions_user_comes_with_their_centre(clinician, django_assert_num_queries):
    from rcp.accounts.backends import ModelBackend

    with django_assert_num_queries(1):
        user = ModelBackend().get_user(clinician.pk)
        assert user.centre.name == clinician.centre.name
    clinician.is_active = False
    clinician.save()
    assert ModelBackend().get_user(clinician.pk) is None
