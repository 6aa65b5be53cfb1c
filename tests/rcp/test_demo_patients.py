"""The demo's data holds together before anything is loaded (rcp/demo/centres.py, rcp/demo/patients.py)."""

from rcp.demo import centres


def test_each_demo_patient_has_its_own_hospital_id():
    # A repeated id would be skipped as "already there" by the loader, silently.
    ids = [patient["hospital_id"] for *_, patients in centres.CENTRES for patient in patients]
    assert len(ids) == len(set(ids)) == 16


def test_the_demo_meeting_names_accounts_and_patients_of_the_board_centre():
    of_board_centre = {account[0] for account in centres.ACCOUNTS if account[-1] == centres.BOARD_CENTRE}
    people = ("chair", "deputy", "presenting_physician")
    assert {centres.MEETING[key] for key in people} <= of_board_centre
    patients = next(patients for name, *_, patients in centres.CENTRES if name == centres.BOARD_CENTRE)
    agenda = [hospital_id for hospital_id, *_ in centres.AGENDA]
    assert set(agenda) <= {patient["hospital_id"] for patient in patients}
    assert len(agenda) == len(set(agenda))


def test_each_centre_refers_its_patients_through_one_of_its_own_accounts():
    centre_of = {account[0]: account[-1] for account in centres.ACCOUNTS}
    assert [centre_of[physician] for _name, _city, physician, _patients in centres.CENTRES] == [
        name for name, *_ in centres.CENTRES
    ]
