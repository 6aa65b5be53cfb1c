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
