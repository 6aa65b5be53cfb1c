"""How the record is read where several readers must agree: the guideline's facts (`patients.facts`),
the prefill of the score forms (`patients.prefill`) and the summary the board sees and freezes
(`patients.summary`).

Pure on a loaded `PatientRecord` (its prefetched rows): no query of its own. Conventions:
- a lesion is current unless it was resected and not seen again since (a lesion seen on an exam after
  its resection is a recurrence); a resected lesion is no longer a metastasis;
- the distinct lesions are the current ones counted by their site (site, vertebral level, rib number,
  side): a lesion seen on two exams, or recorded twice at the same site, counts once;
- visceral metastases are the non-bone metastatic sites but distant nodes and skin;
- a lesion compresses the cord when its newest observation says so, or when its Bilsky grade (the
  newest observation that grades it, else a saved Bilsky score) is high (2 or 3);
- the current treatment of a category is the newest one not ended (an end date means stopped).
"""

from scoring import formulas
from scoring import thresholds as th

from . import choices as c

# Organs counted as visceral metastases by the prognostic scores (major internal organs).
NOT_VISCERAL = {c.Organ.DISTANT_NODES, c.Organ.SKIN}


def is_resected(lesion) -> bool:
    """Resected, and not seen on an exam after its resection (a lesion seen again is a recurrence)."""
    if lesion.status != c.LesionStatus.RESECTED:
        return False
    resections = [
        link.treatment.start_date
        for link in lesion.treated_by.all()
        if link.outcome == c.LesionOutcome.RESECTED
    ]
    latest = lesion.latest_observation
    return not resections or latest is None or latest.exam.date <= max(resections)


def current_lesions(record) -> list:
    """The tracked lesions that are still metastases (not resected), in the record's order."""
    return [lesion for lesion in record.lesions if not is_resected(lesion)]


def distinct_lesions(record, *, spinal=None) -> set:
    """The site keys of the current lesions (each site once); only the spinal ones, or only the others,
    when `spinal` is given."""
    return {
        lesion.site_key for lesion in current_lesions(record) if spinal is None or lesion.is_spinal == spinal
    }


def visceral_sites(record) -> list:
    return [site for site in record.patient.metastaticsites.all() if site.organ not in NOT_VISCERAL]


def bilsky_grade(record, lesion) -> str | None:
    """The Bilsky grade of a spinal lesion: read on the imaging (the newest observation that grades
    it), else the grade of its saved Bilsky score."""
    if not lesion.is_spinal:
        return None
    observed = lesion.observed("bilsky")
    if observed:
        return observed
    saved = record.latest_scores.get(("bilsky", lesion.pk))
    return (saved.inputs.get("grade") or None) if saved else None


def cord_compression(record, lesion) -> bool | None:
    """Radiological compression of the cord at this lesion: True, False, or None (not recorded)."""
    if bilsky_grade(record, lesion) in th.BILSKY_HIGH_GRADES:  # grades 2 and 3 are, by definition
        return True
    return lesion.observed("cord_compression")


def cord_compression_events(record) -> list:
    """The recorded cord compression events, newest first."""
    return [e for e in record.patient.skeletalevents.all() if e.kind == c.EventKind.CORD_COMPRESSION]


def treatments(record, category) -> list:
    """The record's treatments of one category, oldest first."""
    return [t for t in record.treatments if t.category == category]


def current_treatment(record, category):
    """The newest treatment of the category that has not ended, or None."""
    ongoing = [t for t in treatments(record, category) if t.end_date is None]
    return ongoing[-1] if ongoing else None


def current_bone_agent(record):
    """The bone-modifying agent in progress (a Treatment), or None."""
    return current_treatment(record, c.TreatmentCategory.BONE_MODIFYING)


def karnofsky_pair(ecog) -> list[int]:
    """The Karnofsky values of an ECOG grade by the paired table (ECOG 1 is Karnofsky 70 or 80)."""
    return [k for k in range(0, 101, 10) if formulas.ecog_from_karnofsky(k) == ecog]
