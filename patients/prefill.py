"""Prefill of the score forms from what the record already knows.

Each function returns {item slug: Prefill(value, source)}: the value a clinician would enter and a
short text saying where it comes from. Nothing is guessed: an item the record cannot answer is left
out, and the form asks for it. The clinician can change every prefilled value.
"""

from contextlib import suppress
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from scoring import ScoreInputError, formulas, registry
from scoring import thresholds as th
from scoring.sins import location_for_level
from scoring.tokuhashi import frankel_grade

from . import choices as c
from .reading import cord_compression_events, distinct_lesions, karnofsky_pair, visceral_sites


@dataclass(frozen=True)
class Prefill:
    value: object
    source: str


def _on(assessment) -> str:
    return _("assessment of %(date)s") % {"date": date_format(assessment.date, "SHORT_DATE_FORMAT")}


def karnofsky(record, slug):
    """Karnofsky as assessed; when only ECOG is known (or is newer), the Karnofsky value of that grade
    if both values of its pair score alike in score `slug`; otherwise the item is left empty with the
    reason ("Karnofsky needed": ECOG 1 is Karnofsky 70 or 80, which Tokuhashi scores 1 or 2)."""
    value, assessment = record.latest("karnofsky")
    ecog, ecog_assessment = record.latest("ecog")
    if ecog_assessment and (assessment is None or ecog_assessment.date > assessment.date):
        pair = karnofsky_pair(ecog)
        item = registry.get(slug).item("karnofsky")
        if len({item.points(k) for k in pair}) > 1:
            return Prefill(
                None,
                _(
                    "Karnofsky needed: ECOG %(ecog)s (%(source)s) is Karnofsky %(low)s or %(high)s, "
                    "which score differently"
                )
                % {"ecog": ecog, "source": _on(ecog_assessment), "low": min(pair), "high": max(pair)},
            )
        converted = formulas.karnofsky_from_ecog(ecog)
        return Prefill(
            converted,
            _("converted from ECOG %(ecog)s (%(source)s): Karnofsky %(low)s and %(high)s score alike")
            % {"ecog": ecog, "source": _on(ecog_assessment), "low": min(pair), "high": max(pair)},
        )
    if assessment:
        return Prefill(value, _on(assessment))
    return None


def known(prefilled: dict) -> dict:
    """{item: value} of the items the record answers (an item left empty with its reason is not)."""
    return {item: p.value for item, p in prefilled.items() if p.value is not None}


def visceral_bool(record):
    sites = visceral_sites(record)
    if sites:
        return Prefill(True, ", ".join(str(site.get_organ_display()) for site in sites))
    return Prefill(False, _("no non-bone metastatic site recorded"))


def visceral_resectability(record, *, none, resectable, unresectable):
    sites = visceral_sites(record)
    if not sites:
        return Prefill(none, _("no non-bone metastatic site recorded"))
    names = ", ".join(
        f"{site.get_organ_display()} ({site.get_resectability_display().lower()})" for site in sites
    )
    states = {site.resectability for site in sites}
    if c.Resectability.UNRESECTABLE in states:
        return Prefill(unresectable, names)
    if states == {c.Resectability.RESECTABLE}:
        return Prefill(resectable, names)
    return None  # resectability not assessed: the clinician decides


def lung(value):
    return Prefill(value, _("primary tumour: lung"))


def frankel(record):
    value, assessment = record.latest("frankel")
    if not assessment:
        return None
    return Prefill(
        frankel_grade(value), _("Frankel %(grade)s, %(source)s") % {"grade": value, "source": _on(assessment)}
    )


def tokuhashi(record, lesion=None):
    spinal = len(distinct_lesions(record, spinal=True))
    extraspinal = len(distinct_lesions(record, spinal=False))
    return {
        "karnofsky": karnofsky(record, "tokuhashi"),
        "extraspinal_bone_metastases": Prefill(extraspinal, _("lesion list")) if record.lesions else None,
        "vertebral_body_metastases": Prefill(spinal, _("lesion list")) if spinal else None,
        "visceral_metastases": visceral_resectability(
            record, none="none", resectable="resectable", unresectable="unresectable"
        ),
        "primary_site": lung("lung"),
        "frankel": frankel(record),
    }


def tomita(record, lesion=None):
    count = len(distinct_lesions(record))
    return {
        "primary_growth": lung("rapid"),
        "visceral_metastases": visceral_resectability(
            record, none="none", resectable="treatable", unresectable="untreatable"
        ),
        "bone_metastases": Prefill("solitary" if count == 1 else "multiple", _("lesion list"))
        if count
        else None,
    }


def modified_bauer(record, lesion=None):
    count = len(distinct_lesions(record))
    return {
        "visceral_metastases": visceral_bool(record),
        "primary": lung("lung"),
        "solitary_skeletal_metastasis": Prefill(count == 1, _("lesion list")) if count else None,
    }


def van_der_linden(record, lesion=None):
    return {
        "karnofsky": karnofsky(record, "van_der_linden"),
        "visceral_metastases": visceral_bool(record),
        "primary": lung("lung"),
    }


def rades(record, lesion=None):
    tumour = record.tumour
    values = {"visceral_metastases": visceral_bool(record)}
    if tumour:
        values["primary_tumour"] = Prefill(
            "sclc" if tumour.is_small_cell else "nsclc", str(tumour.get_histology_display())
        )
    events = cord_compression_events(record)  # newest first
    event = events[0] if events else None
    if tumour and event:
        months = round((event.date - tumour.diagnosis_date).days / th.AVERAGE_MONTH_DAYS, 1)
        if months >= 0:
            values["interval_months"] = Prefill(
                months,
                _("from the diagnosis (%(diagnosis)s) to the cord compression (%(event)s)")
                % {"diagnosis": date_format(tumour.diagnosis_date), "event": date_format(event.date)},
            )
    status, assessment = record.latest("ambulatory_status")
    if assessment:
        values["motor_function"] = Prefill(status, _on(assessment))
    onset, onset_assessment = record.latest("motor_deficit_onset")
    if onset_assessment:
        until = event.date if event and event.date >= onset else onset_assessment.date
        values["deficit_days"] = Prefill(
            (until - onset).days,
            _("deficit began %(onset)s, until %(until)s")
            % {"onset": date_format(onset), "until": date_format(until)},
        )
    return values


def _lesion_pain_source(lesion) -> str:
    return _("pain of this lesion, %(date)s") % {
        "date": date_format(lesion.pain_date, "SHORT_DATE_FORMAT") if lesion.pain_date else "—"
    }


def _observed(values, item, lesion, field, source):
    value = lesion.observed(field)
    if value not in (None, ""):
        values[item] = Prefill(value, source)


def sins(record, lesion):
    """SINS of one tracked lesion: its site, what its newest observations show, and ITS pain (never
    the patient's)."""
    values = {}
    with suppress(ScoreInputError):  # the coccyx has no SINS location: the clinician chooses
        values["location"] = Prefill(location_for_level(lesion.vertebral_level), lesion.vertebral_level)
    source = _("lesion, newest imaging")
    for item in ("lesion", "collapse", "posterolateral", "alignment"):
        _observed(values, item, lesion, "lesion_type" if item == "lesion" else item, source)
    nrs, mechanical = lesion.pain_nrs, lesion.pain_mechanical
    if mechanical:
        values["pain"] = Prefill("mechanical", _lesion_pain_source(lesion))
    elif nrs == 0:
        values["pain"] = Prefill("none", _lesion_pain_source(lesion))
    elif mechanical is False and nrs:
        values["pain"] = Prefill("occasional", _lesion_pain_source(lesion))
    return values


def mirels(record, lesion):
    """Mirels of one tracked long-bone lesion: its site, its newest observations, and ITS pain."""
    values = {}
    if lesion.site in c.UPPER_LIMB_LONG_BONES:
        values["site"] = Prefill("upper_limb", str(lesion.get_site_display()))
    elif lesion.site in c.PERITROCHANTERIC:
        values["site"] = Prefill("peritrochanteric", str(lesion.get_site_display()))
    elif lesion.site in c.LOWER_LIMB_LONG_BONES:
        values["site"] = Prefill("lower_limb", str(lesion.get_site_display()))
    source = _("lesion, newest imaging")
    _observed(values, "lesion", lesion, "lesion_type", source)
    cortical = lesion.observed("cortical_involvement")
    if cortical and cortical != c.CorticalInvolvement.NONE:
        values["size"] = Prefill(cortical, _("cortical involvement of the lesion"))
    if lesion.pain_mechanical:
        values["pain"] = Prefill("functional", _lesion_pain_source(lesion))
    elif lesion.pain_nrs is not None:
        values["pain"] = Prefill(
            "mild" if lesion.pain_nrs <= th.MIRELS_MILD_PAIN_NRS_MAX else "moderate",
            _("pain %(nrs)s/10 of this lesion, %(date)s")
            % {"nrs": lesion.pain_nrs, "date": date_format(lesion.pain_date, "SHORT_DATE_FORMAT")},
        )
    return values


def bilsky(record, lesion):
    grade = lesion.observed("bilsky")
    return {"grade": Prefill(grade, _("lesion, newest MRI"))} if grade else {}


PREFILLERS = {
    "mirels": mirels,
    "sins": sins,
    "tokuhashi": tokuhashi,
    "tomita": tomita,
    "rades": rades,
    "bilsky": bilsky,
    "modified_bauer": modified_bauer,
    "van_der_linden": van_der_linden,
}


def prefill(slug, record, lesion=None) -> dict[str, Prefill]:
    """The prefilled values of score `slug` for this record (and lesion, for a lesion's score)."""
    filler = PREFILLERS.get(slug)
    if filler is None:
        return {}
    return {item: value for item, value in filler(record, lesion).items() if value is not None}
