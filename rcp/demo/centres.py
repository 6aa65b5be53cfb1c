"""The demo's centres, accounts and board, as data: `rcp.demo.load` turns them into rows.

For the demo database only: the accounts share the password "demo".
"""

from rcp.accounts.models import Specialty
from rcp.accounts.roles import Role

from .patients import OTHER_CENTRE_PATIENTS, PATIENTS

DEMO_PASSWORD = "demo"  # noqa: S105 - demo database only, documented in the README
DEMO_CENTRE = "CHU Démo (fictif)"
OTHER_CENTRE = "Clinique Autre-Centre (fictive)"

# Each centre: its name, its city, the account that refers its patients, its patients.
CENTRES = [
    (DEMO_CENTRE, "Démoville", "clinician", PATIENTS),
    (OTHER_CENTRE, "Autreville", "outsider", OTHER_CENTRE_PATIENTS),
]

ACCOUNTS = [
    # username, first, last, specialty, role, centre
    ("chair", "Camille", "Président", Specialty.MEDICAL_ONCOLOGY, Role.CHAIR, DEMO_CENTRE),
    ("coordinator", "Corinne", "Secrétariat", "", Role.COORDINATOR, DEMO_CENTRE),
    ("clinician", "Paul", "Pneumologue", Specialty.PULMONOLOGY, Role.CLINICIAN, DEMO_CENTRE),
    ("viewer", "Véra", "Lectrice", Specialty.RADIOLOGY, Role.VIEWER, DEMO_CENTRE),
    ("outsider", "Oscar", "Autrecentre", Specialty.MEDICAL_ONCOLOGY, Role.CLINICIAN, OTHER_CENTRE),
    # Board members of the demo centre, so that a meeting can reach its quorum; the radiotherapist
    # holds the chair role too, as the meeting's deputy chair.
    ("radiotherapist", "Rachel", "Radiothérapeute", Specialty.RADIATION_ONCOLOGY, Role.CHAIR, DEMO_CENTRE),
    ("surgeon", "Simon", "Orthopédiste", Specialty.ORTHOPAEDIC_SURGERY, Role.CLINICIAN, DEMO_CENTRE),
    # The centre's privacy officer: reads the access log (/audit/), not the records.
    ("privacy", "Paule", "Confidentialité", "", Role.PRIVACY_OFFICER, DEMO_CENTRE),
]

# The demo centre's board: its trials, and its next meeting, a week from today, with an agenda.
BOARD_CENTRE = DEMO_CENTRE

TRIALS = [
    {
        "name": "STEREO-OS",
        "description": "Radiothérapie stéréotaxique, patients oligométastatiques",
        "rule_ids": ["SBRT-OLIGO"],
    },
]

MEETING = {
    "title": "RCP métastases osseuses",
    "in_days": 7,
    "hour": 14,
    "place": "Salle de staff, bâtiment B",
    "chair": "chair",
    "deputy": "radiotherapist",
    "expected_specialties": [
        "medical_oncology",
        "pulmonology",
        "radiation_oncology",
        "orthopaedic_surgery",
        "radiology",
    ],
    # Who presents and submitted every case of the agenda.
    "presenting_physician": "clinician",
}

# The meeting's agenda, in order: (hospital id, reason, urgency, question).
AGENDA = [
    (
        "DEMO-003",
        "cord_compression",
        "urgent",
        "Compression médullaire T6 avec déficit moteur : chirurgie de décompression ou radiothérapie seule ?",
    ),
    (
        "DEMO-002",
        "fracture_risk",
        "routine",
        "Lyse trochantérienne gauche à haut risque fracturaire : fixation prophylactique ?",
    ),
    (
        "DEMO-001",
        "progression",
        "routine",
        "Progression osseuse rachidienne sous osimertinib : radiothérapie, cimentoplastie, anti-résorptif ?",
    ),
    (
        "DEMO-004",
        "new_diagnosis",
        "routine",
        "Lésion osseuse unique iliaque : radiothérapie stéréotaxique, essai STEREO-OS ?",
    ),
    (
        "DEMO-008",
        "postoperative",
        "routine",
        "Après enclouage huméral : radiothérapie post-opératoire, quel schéma ?",
    ),
    (
        "DEMO-005",
        "pain",
        "routine",
        "Hypercalcémie et douleurs : prise en charge et traitement anti-résorptif ?",
    ),
]

# The board's previous meeting, five weeks ago: its decisions validated through the services (minutes
# exist), their actions in every status, and a case to present again before next week's meeting.
PAST_MEETING = {
    "title": "RCP métastases osseuses",
    "days_ago": 35,
    "hour": 14,
    "place": "Salle de staff, bâtiment B",
    "chair": "chair",
    "deputy": "radiotherapist",
    "present": ["chair", "radiotherapist", "surgeon", "clinician"],
    "presenting_physician": "clinician",
    "follow_up_physician": "clinician",
}

# Each case: hospital id, reason, urgency, question, days submitted before the meeting, and its lines:
# (kind, lesions as {place}, fields of the kind's form, what became of the action). What became of it:
# None (planned), ("started", days ago), ("done", days ago), ("cancelled", reason, days ago). A date
# to present again is given in days from today ("represent_in").
PAST_AGENDA = [
    (
        "DEMO-007",
        "follow_up",
        "routine",
        "Lésions condensantes stables sous alectinib : poursuite du dénosumab ?",
        6,
        [
            ("bma", [], {"action": "continue", "drug": "denosumab", "interval_weeks": "4"}, ("started", 30)),
            ("exams", [], {"exam": "dental"}, ("done", 21)),
        ],
    ),
    (
        "DEMO-010",
        "fracture_risk",
        "routine",
        "Tassement L1 douloureux : stabilisation chirurgicale puis radiothérapie ?",
        9,
        [
            (
                "surgery",
                [{"site": "vertebra", "vertebral_level": "L1"}],
                {"procedures": ["decompression", "stabilisation"]},
                ("cancelled", "worsened", 12),
            ),
            (
                "radiotherapy",
                [{"site": "vertebra", "vertebral_level": "L1"}],
                {"intent": "postoperative", "technique": "3d", "schedule": "20x5"},
                None,
            ),
        ],
    ),
    (
        "DEMO-012",
        "pain",
        "routine",
        "Douleur costale après radiothérapie : quel suivi ?",
        4,
        [
            ("analgesia", [], {"who_step": "2"}, ("cancelled", "patient_refused", 28)),
            ("surveillance", [], {"represent_in": 4}, None),
        ],
    ),
]
