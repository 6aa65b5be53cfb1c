"""The code systems and identifier roots both exports use, in one place: the Fiche RCP (CDA, OIDs) and the
FHIR bundles (URIs). A code is written here only when its meaning is certain; what has no code the
exports are sure of goes out as words only."""

# Code systems: (OID for the CDA, URI for FHIR).
LOINC = "2.16.840.1.113883.6.1"
SNOMED = "2.16.840.1.113883.6.96"
CIM10 = "2.16.840.1.113883.6.3"  # ICD-10 (WHO; French CIM-10)
CIMO3 = "2.16.840.1.113883.6.43.1"  # ICD-O-3
NCIT = "2.16.840.1.113883.3.26.1.1"
FHIR_SYSTEMS = {
    LOINC: "http://loinc.org",
    SNOMED: "http://snomed.info/sct",
    CIM10: "http://hl7.org/fhir/sid/icd-10",
    CIMO3: "http://terminology.hl7.org/CodeSystem/icd-o-3",
    NCIT: "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl",
}
UCUM = "http://unitsofmeasure.org"

TNM_EDITION = "8"  # patients/tnm.py stages with the 8th edition (UICC)

# French national identifier roots (ANS).
RPPS_ROOT = "1.2.250.1.71.4.2.1"  # health professionals: "8" + RPPS
ORGANISATION_ROOT = "1.2.250.1.71.4.2.2"  # structures: "1" + FINESS
INS_NIR, INS_NIA, INS_NIR_TEST, INS_NIA_TEST = (f"1.2.250.1.213.1.4.{n}" for n in (8, 9, 10, 11))


def ins_root(ins: str, *, test: bool) -> str:
    """The OID an INS goes out under: an NIA (identifier awaiting an NIR) starts with 7 or 8; test INS
    (settings.RCP_INS_TEST) have their own roots."""
    nia = ins[0] in "78"
    if test:
        return INS_NIA_TEST if nia else INS_NIR_TEST
    return INS_NIA if nia else INS_NIR


# The app's sex codes (patients.choices.Sex) in HL7 administrative gender: CDA code, FHIR code.
SEX = {"female": ("F", "female"), "male": ("M", "male")}

# LOINC codes of the labs, each for the unit the record stores (patients.models.LabResult) or computes
# (scoring.formulas): key of the summary's `labs` -> (LOINC, LOINC long name, UCUM unit).
LABS = {
    "calcium": ("2000-8", "Calcium [Moles/volume] in Serum or Plasma", "mmol/L"),
    "albumin": ("1751-7", "Albumin [Mass/volume] in Serum or Plasma", "g/L"),
    "creatinine": ("14682-9", "Creatinine [Moles/volume] in Serum or Plasma", "umol/L"),
    "corrected_calcium": (
        "29265-6",
        "Calcium [Moles/volume] corrected for albumin in Serum or Plasma",
        "mmol/L",
    ),
    "clearance": ("35591-7", "Creatinine renal clearance predicted by Cockcroft-Gault formula", "mL/min"),
}
# The computed labs and what each is computed from (scoring.formulas).
LAB_SOURCES = {"corrected_calcium": ("calcium", "albumin"), "clearance": ("creatinine",)}

PERFORMANCE = {
    "ecog": ("89247-1", "ECOG Performance Status score"),
    "karnofsky": ("89243-0", "Karnofsky Performance Status score"),
}
# TNM 8th edition, clinical (mCODE's TNM category profiles).
TNM = {
    "t": ("21905-5", "Primary tumor.clinical [Class] Cancer"),
    "n": ("21906-3", "Regional lymph nodes.clinical [Class] Cancer"),
    "m": ("21907-1", "Distant metastases.clinical [Class] Cancer"),
    "stage": ("21908-9", "Stage group.clinical Cancer"),
}
# The board's minute (CR de RCP), for the CDA document and the FHIR Composition and DocumentReference.
MINUTE_TYPE = ("34794-8", "Interdisciplinary conference note")
# Bone metastasis: ICD-10 C79.5 and SNOMED CT 94222008 (secondary malignant neoplasm of bone).
BONE_METASTASIS = ((CIM10, "C79.5"), (SNOMED, "94222008"))
