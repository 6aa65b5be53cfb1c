"""Guideline rules: from the facts of a case to findings (recommendations and warnings).

Specification: ../shared/clinical/rules.md (the rules table is implemented here to the letter, in the
same order). Usage::

    from scoring.rules import evaluate
    findings = evaluate({"max_mirels": 9, "today": datetime.date(2025, 6, 15)})
    findings[0].rule, findings[0].level, findings[0].message, findings[0].source, findings[0].figures

`evaluate` is pure (no database, no request). Every fact is optional: a missing key, or None, means
unknown, and a rule fires only on known facts ("not x" means x is known and False), except BMA-DENTAL
where no date means that no dental evaluation was recorded. Unknown keys are ignored. A known fact of
the wrong type or out of range raises `ScoreInputError` naming the key: every fact is checked up front
against one table, `FACT_SPECS`. Findings come ordered by level (urgent, warning, recommendation,
info), then in the order of the rules table.

The thresholds live in `scoring.thresholds`, with their sources and the way time spans ("6 months",
"3 months", "24 months", "15 days") are counted in days. Messages are English source strings
translated with gettext when `evaluate` runs (the active language applies); they quote the figures
that made the rule fire, with numbers and dates formatted for the active language.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from scoring import thresholds as th
from scoring.base import ScoreInputError, input_error, not_allowed
from scoring.formulas import zoledronic_acid_dose  # the dose table by clearance (scores.md)
from scoring.i18n import date_format, decimal_separator, gettext, ngettext, today

__all__ = [
    "FACT_SPECS",
    "LEVELS",
    "RULES",
    "RULE_IDS",
    "FactSpec",
    "Finding",
    "Rule",
    "ScoreInputError",
    "clean_facts",
    "evaluate",
]

URGENT = "urgent"
WARNING = "warning"
RECOMMENDATION = "recommendation"
INFO = "info"
LEVELS = (URGENT, WARNING, RECOMMENDATION, INFO)  # display order, most pressing first

# Sources, named as the board reads them. "§x" alone is the inter-regional guideline.
GUIDELINE = "OncoBFC/NEON/ONCORIF 2021"  # seed 002, the board's reference
REGIONAL_GENERAL = "Regional thoracic-oncology guideline, bone metastases: general context"  # seed 000
REGIONAL_NUCLEAR = "Regional thoracic-oncology guideline, bone metastases: nuclear medicine"  # seed 001
CHINESE_CONSENSUS = "Chinese expert consensus on bone metastasis in lung cancer 2022"  # seed 003
DIGEST = "Literature digest 2026"  # seed 004
ZOLEDRONIC_ACID_LABEL = "Zoledronic acid product label"
NOMS = "NOMS framework"


# --------------------------------------------------------------------------------------------------
# Facts: one table of specifications, checked up front
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FactSpec:
    """What a fact accepts. `kind` is "date", "bool", "int", "float" or "choice"; numeric bounds are
    inclusive unless `above` (a strict lower bound) is given."""

    kind: str
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    choices: tuple = ()

    def expected(self) -> str:
        bounds = {"min": self.minimum, "max": self.maximum, "above": self.above}
        if self.kind == "date":
            return gettext("a date (datetime.date, not a datetime)")
        if self.kind == "bool":
            return gettext("True or False")
        if self.kind == "choice":
            return gettext("one of %(values)s") % {"values": ", ".join(repr(c) for c in self.choices)}
        if self.kind == "int":
            if self.maximum is None:
                return gettext("an integer ≥ %(min)s") % bounds
            return gettext("an integer from %(min)s to %(max)s") % bounds
        if self.above is not None:
            return gettext("a number > %(above)s") % bounds
        if self.maximum is None:
            return gettext("a number ≥ %(min)s") % bounds
        return gettext("a number from %(min)s to %(max)s") % bounds

    def _accepts(self, value) -> bool:
        if self.kind == "date":
            return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
        if self.kind == "bool":
            return value is True or value is False
        if self.kind == "choice":
            kind = type(self.choices[0])
            return isinstance(value, kind) and not isinstance(value, bool) and value in self.choices
        if isinstance(value, bool):
            return False
        if self.kind == "int" and not isinstance(value, int):
            return False
        if self.kind == "float":
            if not isinstance(value, int | float | Decimal):
                return False
            value = float(value)
            if not math.isfinite(value):
                return False
        if self.minimum is not None and value < self.minimum:
            return False
        if self.maximum is not None and value > self.maximum:
            return False
        return self.above is None or value > self.above

    def clean(self, key: str, value):
        """The value, normalised (a Decimal number becomes a float, a str subclass such as a Django
        TextChoices member a plain str), or ScoreInputError naming the key and what it accepts."""
        if not self._accepts(value):
            raise input_error(key, not_allowed(value, self.expected()))
        if self.kind == "float":
            return float(value)
        if self.kind == "choice":
            return type(self.choices[0])(value)
        return value


def _date() -> FactSpec:
    return FactSpec("date")


def _bool() -> FactSpec:
    return FactSpec("bool")


def _int(minimum: int, maximum: int | None = None) -> FactSpec:
    return FactSpec("int", minimum=minimum, maximum=maximum)


def _float(
    minimum: float | None = None, maximum: float | None = None, above: float | None = None
) -> FactSpec:
    return FactSpec("float", minimum=minimum, maximum=maximum, above=above)


def _choice(*choices) -> FactSpec:
    return FactSpec("choice", choices=choices)


# The facts of rules.md, in its order; the ranges are plausibility limits of the input, not clinical
# thresholds (those are in scoring.thresholds).
FACT_SPECS: dict[str, FactSpec] = {
    "today": _date(),
    "age": _int(0, 130),
    "bmi": _float(above=0),
    "ecog": _int(0, 4),
    "life_expectancy_months": _float(minimum=0),
    "bone_lesion_count": _int(0),
    "bone_sites_count": _int(0),
    "visceral_metastases": _bool(),
    "metastatic_sites_count": _int(0),
    "disease_status": _choice("stable", "responding", "progressing", "new"),
    "vertebral_involvement": _bool(),
    "spine_mri_done": _bool(),
    "single_lesion_on_whole_body_imaging": _bool(),
    "fdg_pet_done": _bool(),
    "bone_scan_requested": _bool(),
    "last_gcsf_date": _date(),
    "last_fdg_pet_date": _date(),
    "systemic_treatment_start": _date(),
    "new_foci_on_followup_scan": _bool(),
    "followup_scan_date": _date(),
    "bma_current": _choice("none", "zoledronic_acid", "denosumab"),
    "bma_start": _date(),
    "last_dental_exam_date": _date(),
    "creatinine_clearance": _float(minimum=0),
    "corrected_calcium": _float(0.5, 6.0),
    "vitamin_d_deficient": _bool(),
    "max_mirels": _int(4, 12),
    "mirels_site_pelvis_or_proximal_femur_fracture": _bool(),
    "max_sins": _int(0, 18),
    "max_bilsky": _choice("0", "1a", "1b", "1c", "2", "3"),
    "spinal_cord_compression": _bool(),
    "neurological_deficit": _bool(),
    "rades_group": _choice(1, 2, 3),
    "tokuhashi": _int(0, 15),
    "tomita": _int(2, 10),
    "bone_pain_nrs": _int(0, 10),
    "pain_mechanical": _bool(),
    "analgesia_failure": _bool(),
    "surgery_on_bone_date": _date(),
    "postoperative_rt_done": _bool(),
    "last_rt_date_same_site": _date(),
    "canal_narrowing_over_25_percent": _bool(),
    "tumour_cord_distance_mm": _float(minimum=0),
    "active_infection_or_sepsis": _bool(),
    "uncontrolled_coagulopathy": _bool(),
    "bone_first_presentation": _bool(),
    "asa": _int(1, 5),
}


def clean_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The known facts, checked and normalised: None and unknown keys dropped, `today` defaulting to
    the current local date. ScoreInputError (naming the key) for a wrong type or a value out of range."""
    if not isinstance(facts, Mapping):
        raise ScoreInputError(gettext("facts: expected a mapping of fact names to values"))
    cleaned = {}
    for key, spec in FACT_SPECS.items():
        value = facts.get(key)
        if value is not None:
            cleaned[key] = spec.clean(key, value)
    if "today" not in cleaned:
        cleaned["today"] = today()
    return cleaned


# --------------------------------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One recommendation or warning. `message` is already translated (in the language active when
    `evaluate` ran); `figures` holds the fact values (and derived figures) the message quotes."""

    rule: str
    level: str
    message: str
    source: str
    figures: dict[str, Any] = field(default_factory=dict, hash=False)

    def as_dict(self, *, figures: bool = False) -> dict[str, Any]:
        """Plain JSON values: rule, level, message, source (and, on request, the figures, with dates
        in ISO format)."""
        data = {"rule": self.rule, "level": self.level, "message": str(self.message), "source": self.source}
        if figures:
            data["figures"] = {
                key: value.isoformat() if isinstance(value, datetime.date) else value
                for key, value in self.figures.items()
            }
        return data


class _Facts:
    """The cleaned facts, read by the rules."""

    def __init__(self, values: dict[str, Any]):
        self.values = values
        self.today: datetime.date = values["today"]

    def get(self, key: str):
        return self.values.get(key)

    def true(self, key: str) -> bool:
        return self.values.get(key) is True

    def false(self, key: str) -> bool:
        return self.values.get(key) is False

    def days_since(self, key: str, until: datetime.date | None = None) -> int | None:
        """Whole days from the date fact `key` to `until` (default today); None if the date is unknown."""
        start = self.values.get(key)
        return None if start is None else ((until or self.today) - start).days


Outcome = tuple[str, dict[str, Any]] | None


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    source: str
    check: Callable[[_Facts], Outcome]


# --------------------------------------------------------------------------------------------------
# Formatting of the quoted figures (for the active language)
# --------------------------------------------------------------------------------------------------
def _quantize(value: float, places: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _num(value, places: int = 2, *, fixed: bool = False, differ_from=None) -> str:
    """A number as shown in a message: at most `places` decimals (exactly `places` if `fixed`), with
    more decimals if rounding would make it look equal to the threshold `differ_from` it is compared
    with, and the decimal separator of the active language."""
    if isinstance(value, int):
        return str(value)
    while True:
        rounded = _quantize(value, places)
        if differ_from is None or places >= 6 or float(value) == float(differ_from):
            break
        if rounded != _quantize(differ_from, places):
            break
        places += 1
    text = f"{rounded:f}"
    if not fixed and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", decimal_separator())


def _day(value: datetime.date) -> str:
    return date_format(value)


def _days(count: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}


def _calcium(f: _Facts) -> float | None:
    """Corrected calcium rounded half up to 2 decimals, as scores.md classifies it."""
    value = f.get("corrected_calcium")
    return None if value is None else float(_quantize(value, th.CALCIUM_DECIMALS))


def _ca(value: float) -> str:
    return _num(value, th.CALCIUM_DECIMALS, fixed=True)


def _in(value, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= value <= bounds[1]


# --------------------------------------------------------------------------------------------------
# The rules, in the order of the rules table of rules.md
# --------------------------------------------------------------------------------------------------
def _mscc_emergency(f: _Facts) -> Outcome:
    reasons, figures = [], {}
    if f.true("spinal_cord_compression"):
        reasons.append(gettext("spinal cord compression"))
        figures["spinal_cord_compression"] = True
    if f.true("neurological_deficit") and f.true("vertebral_involvement"):
        reasons.append(gettext("new neurological deficit with vertebral involvement"))
        figures.update(neurological_deficit=True, vertebral_involvement=True)
    if not reasons:
        return None
    message = gettext(
        "Metastatic spinal cord compression (%(reasons)s): emergency pathway. Whole-spine MRI within "
        "%(mri_hours)s h, corticosteroids at once, urgent multidisciplinary assessment; surgery within "
        "%(surgery_from)s–%(surgery_to)s h when indicated, otherwise start radiotherapy promptly."
    ) % {
        "reasons": "; ".join(reasons),
        "mri_hours": th.MSCC_MRI_WITHIN_HOURS,
        "surgery_from": th.MSCC_SURGERY_EARLIEST_HOURS,
        "surgery_to": th.MSCC_SURGERY_LATEST_HOURS,
    }
    return message, figures


def _ca_crisis(f: _Facts) -> Outcome:
    calcium = _calcium(f)
    if calcium is None or not calcium > th.CALCIUM_CRISIS_ABOVE:
        return None
    message = gettext(
        "Corrected calcium %(value)s mmol/L > %(threshold)s mmol/L: hypercalcaemic crisis, life-threatening; "
        "treat as an emergency."
    ) % {"value": _ca(calcium), "threshold": _ca(th.CALCIUM_CRISIS_ABOVE)}
    return message, {"corrected_calcium": calcium}


def _ca_high(f: _Facts) -> Outcome:
    calcium = _calcium(f)
    if calcium is None or not th.CALCIUM_HIGH_ABOVE < calcium <= th.CALCIUM_CRISIS_ABOVE:
        return None
    values = {
        "value": _ca(calcium),
        "threshold": _ca(th.CALCIUM_HIGH_ABOVE),
        "moderate": _ca(th.CALCIUM_MODERATE_FROM),
        "crisis": _ca(th.CALCIUM_CRISIS_ABOVE),
    }
    if calcium < th.CALCIUM_MODERATE_FROM:
        message = gettext(
            "Corrected calcium %(value)s mmol/L > %(threshold)s mmol/L: mild hypercalcaemia (below "
            "%(moderate)s mmol/L); treat it and monitor calcium."
        )
    else:
        message = gettext(
            "Corrected calcium %(value)s mmol/L > %(threshold)s mmol/L: moderate hypercalcaemia "
            "(%(moderate)s to %(crisis)s mmol/L); treat it and monitor calcium closely."
        )
    return message % values, {"corrected_calcium": calcium}


def _rades_group(f: _Facts) -> Outcome:
    group = f.get("rades_group")
    if group is None:
        return None
    if group == 1:
        message = gettext(
            "Rades group %(group)s (low chance of remaining ambulatory after radiotherapy): 8 Gy in a single "
            "fraction; no benefit from surgery."
        )
    elif group == 2:
        message = gettext(
            "Rades group %(group)s (intermediate chance of remaining ambulatory after radiotherapy): 20 Gy "
            "in 5 fractions or 30 Gy in 10 fractions, with or without surgery."
        )
    else:
        message = gettext(
            "Rades group %(group)s (high chance of remaining ambulatory after radiotherapy): 20 Gy in "
            "5 fractions or 30 Gy in 10 fractions; excellent result without surgery."
        )
    return message % {"group": group}, {"rades_group": group}


def _mirels_rt(f: _Facts) -> Outcome:
    mirels = f.get("max_mirels")
    if mirels is None or not mirels <= th.MIRELS_RT_MAX:
        return None
    message = gettext(
        "Mirels %(value)s ≤ %(threshold)s: low risk of pathological fracture (about 4 %%): radiotherapy."
    ) % {"value": mirels, "threshold": th.MIRELS_RT_MAX}
    return message, {"max_mirels": mirels}


def _mirels_discuss(f: _Facts) -> Outcome:
    mirels = f.get("max_mirels")
    if mirels is None or mirels != th.MIRELS_DISCUSS:
        return None
    message = gettext(
        "Mirels %(value)s = %(threshold)s: risk of pathological fracture about 15 %%: discuss at the "
        "multidisciplinary board (radiotherapy or prophylactic fixation)."
    ) % {"value": mirels, "threshold": th.MIRELS_DISCUSS}
    return message, {"max_mirels": mirels}


def _mirels_surgery(f: _Facts) -> Outcome:
    mirels = f.get("max_mirels")
    if mirels is None or not mirels >= th.MIRELS_SURGERY_MIN:
        return None
    message = gettext(
        "Mirels %(value)s ≥ %(threshold)s: high risk of pathological fracture (33 %% or more): prophylactic "
        "fixation, then radiotherapy; option: percutaneous nailing or screwing ± cementoplasty."
    ) % {"value": mirels, "threshold": th.MIRELS_SURGERY_MIN}
    return message, {"max_mirels": mirels}


def _percutaneous_screw(f: _Facts) -> Outcome:
    mirels = f.get("max_mirels")
    if not f.true("mirels_site_pelvis_or_proximal_femur_fracture") or mirels is None:
        return None
    if not mirels > th.PERCUTANEOUS_SCREW_MIRELS_ABOVE:
        return None
    message = gettext(
        "Lytic pathological fracture of the pelvis or proximal femur with Mirels %(value)s > %(threshold)s: "
        "discuss percutaneous screw fixation under CT or fluoroscopic guidance with the interventional "
        "radiologist."
    ) % {"value": mirels, "threshold": th.PERCUTANEOUS_SCREW_MIRELS_ABOVE}
    return message, {"max_mirels": mirels, "mirels_site_pelvis_or_proximal_femur_fracture": True}


def _sins_surgical_opinion(f: _Facts) -> Outcome:
    sins = f.get("max_sins")
    if sins is None or not sins >= th.SINS_SURGICAL_OPINION_MIN:
        return None
    if _in(sins, th.SINS_UNSTABLE):
        message = gettext(
            "SINS %(value)s ≥ %(threshold)s, unstable spine (%(low)s–%(high)s): ask for a spine surgeon's "
            "opinion."
        )
        low, high = th.SINS_UNSTABLE
    else:
        message = gettext(
            "SINS %(value)s ≥ %(threshold)s, potentially unstable spine (%(low)s–%(high)s): ask for a spine "
            "surgeon's opinion."
        )
        low, high = th.SINS_POTENTIALLY_UNSTABLE
    values = {"value": sins, "threshold": th.SINS_SURGICAL_OPINION_MIN, "low": low, "high": high}
    return message % values, {"max_sins": sins}


def _bilsky_high(f: _Facts) -> Outcome:
    grade = f.get("max_bilsky")
    if grade not in th.BILSKY_HIGH_GRADES:
        return None
    message = gettext(
        "Bilsky grade %(grade)s: high-grade epidural spinal cord compression; discuss decompression with "
        "the spine surgeon."
    ) % {"grade": grade}
    return message, {"max_bilsky": grade}


def _tokuhashi_strategy(f: _Facts) -> Outcome:
    score = f.get("tokuhashi")
    if score is None:
        return None
    if _in(score, th.TOKUHASHI_EXCISIONAL):
        message, bounds = (
            gettext("Revised Tokuhashi %(value)s (%(low)s–%(high)s): excisional surgery."),
            (th.TOKUHASHI_EXCISIONAL),
        )
    elif _in(score, th.TOKUHASHI_PALLIATIVE):
        message, bounds = (
            gettext("Revised Tokuhashi %(value)s (%(low)s–%(high)s): palliative surgery."),
            (th.TOKUHASHI_PALLIATIVE),
        )
    else:
        message, bounds = (
            gettext("Revised Tokuhashi %(value)s (%(low)s–%(high)s): conservative treatment."),
            (th.TOKUHASHI_CONSERVATIVE),
        )
    return message % {"value": score, "low": bounds[0], "high": bounds[1]}, {"tokuhashi": score}


def _tomita_strategy(f: _Facts) -> Outcome:
    score = f.get("tomita")
    if score is None:
        return None
    if _in(score, th.TOMITA_EN_BLOC):
        message, bounds = gettext("Tomita %(value)s (%(low)s–%(high)s): en bloc excision."), th.TOMITA_EN_BLOC
    elif _in(score, th.TOMITA_INTRALESIONAL):
        message, bounds = (
            gettext("Tomita %(value)s (%(low)s–%(high)s): intralesional excision."),
            (th.TOMITA_INTRALESIONAL),
        )
    elif _in(score, th.TOMITA_PALLIATIVE):
        message, bounds = (
            gettext("Tomita %(value)s (%(low)s–%(high)s): palliative surgery."),
            th.TOMITA_PALLIATIVE,
        )
    else:
        message, bounds = (
            gettext("Tomita %(value)s (%(low)s–%(high)s): non-operative supportive care."),
            (th.TOMITA_SUPPORTIVE),
        )
    return message % {"value": score, "low": bounds[0], "high": bounds[1]}, {"tomita": score}


def _surgery_life_expectancy(f: _Facts) -> Outcome:
    months = f.get("life_expectancy_months")
    if months is None:
        return None
    low, high = th.SURGERY_NO_BENEFIT_BELOW_MONTHS, th.SURGERY_RESECTION_ABOVE_MONTHS
    arthroplasty = th.ARTHROPLASTY_ABOVE_MONTHS
    if months < low:
        message = gettext(
            "Life expectancy %(value)s months < %(low)s months (%(weeks)s weeks): no benefit expected from "
            "surgery."
        )
        value = _num(months, differ_from=low)
    elif months > high:
        message = gettext(
            "Life expectancy %(value)s months > %(high)s months: resection–reconstruction surgery, for "
            "durable stabilisation and prolonged local tumour control; arthroplasty possible (life "
            "expectancy > %(arthroplasty)s months)."
        )
        value = _num(months, differ_from=high)
    elif months > arthroplasty:
        message = gettext(
            "Life expectancy %(value)s months (%(low)s to %(high)s months): less aggressive osteosynthesis "
            "and stabilisation techniques, possibly less durable; arthroplasty possible (life expectancy > "
            "%(arthroplasty)s months)."
        )
        value = _num(months, differ_from=arthroplasty)
    else:
        message = gettext(
            "Life expectancy %(value)s months (%(low)s to %(high)s months): less aggressive osteosynthesis "
            "and stabilisation techniques, possibly less durable; no arthroplasty (only if life expectancy > "
            "%(arthroplasty)s months)."
        )
        value = _num(months, differ_from=low)
    values = {
        "value": value,
        "low": _num(low),
        "high": _num(high),
        "weeks": th.SURGERY_NO_BENEFIT_BELOW_WEEKS,
        "arthroplasty": _num(arthroplasty),
    }
    return message % values, {"life_expectancy_months": months}


def _surgery_contraindicated(f: _Facts) -> Outcome:
    months = f.get("life_expectancy_months")
    if months is None or not months < th.SURGERY_CONTRAINDICATED_BELOW_MONTHS:
        return None
    message = gettext(
        "Life expectancy %(value)s months < %(threshold)s months: surgery contraindicated (so are multiple "
        "bone destruction, metastases to multiple organs and a poor general condition)."
    ) % {
        "value": _num(months, differ_from=th.SURGERY_CONTRAINDICATED_BELOW_MONTHS),
        "threshold": _num(th.SURGERY_CONTRAINDICATED_BELOW_MONTHS),
    }
    return message, {"life_expectancy_months": months}


def _surgery_low_bmi(f: _Facts) -> Outcome:
    bmi = f.get("bmi")
    if bmi is None or not bmi < th.UNDERWEIGHT_BMI_BELOW:
        return None
    message = gettext(
        "BMI %(value)s kg/m² < %(threshold)s kg/m² (underweight): about twice the 30-day mortality after "
        "surgery for spinal metastases; assess nutritional and functional status before any surgery."
    ) % {
        "value": _num(bmi, 1, differ_from=th.UNDERWEIGHT_BMI_BELOW),
        "threshold": _num(th.UNDERWEIGHT_BMI_BELOW),
    }
    return message, {"bmi": bmi}


def _postop_rt(f: _Facts) -> Outcome:
    surgery = f.get("surgery_on_bone_date")
    if surgery is None or not f.false("postoperative_rt_done"):
        return None
    message = gettext(
        "Surgery on a bone metastasis on %(date)s without post-operative radiotherapy: irradiate the whole "
        "bone, starting %(start)s days to %(weeks)s weeks after surgery on healed skin (%(first)s to "
        "%(last)s); 30 Gy in 10 fractions usually, 8 Gy in a single fraction as an option."
    ) % {
        "date": _day(surgery),
        "start": th.POSTOP_RT_START_DAYS,
        "weeks": th.POSTOP_RT_END_DAYS // 7,
        "first": _day(surgery + datetime.timedelta(days=th.POSTOP_RT_START_DAYS)),
        "last": _day(surgery + datetime.timedelta(days=th.POSTOP_RT_END_DAYS)),
    }
    return message, {"surgery_on_bone_date": surgery, "postoperative_rt_done": False}


def _oligometastatic(f: _Facts) -> tuple[str, dict[str, Any]] | None:
    """(description, figures) when the bone disease is oligometastatic in the sense of §3.5.5."""
    sites, status = f.get("bone_sites_count"), f.get("disease_status")
    if sites is None or not _in(sites, th.SBRT_BONE_SITES) or not f.false("visceral_metastases"):
        return None
    if status not in th.SBRT_DISEASE_STATUSES:
        return None
    status_text = (
        gettext("stable disease") if status == "stable" else gettext("disease responding to treatment")
    )
    description = ngettext(
        "%(count)s bone site, no visceral metastasis, %(status)s",
        "%(count)s bone sites, no visceral metastasis, %(status)s",
        sites,
    ) % {"count": sites, "status": status_text}
    return description, {"bone_sites_count": sites, "visceral_metastases": False, "disease_status": status}


def _sbrt_contraindications(f: _Facts) -> tuple[list[str], dict[str, Any]]:
    """The contraindications to stereotactic radiotherapy (§3.5.5) that hold, each quoting its figure."""
    reasons, figures = [], {}
    if f.true("spinal_cord_compression"):
        reasons.append(gettext("spinal cord compression"))
        figures["spinal_cord_compression"] = True
    sins = f.get("max_sins")
    if sins is not None and sins >= th.SINS_UNSTABLE[0]:
        reasons.append(
            gettext("SINS %(value)s ≥ %(threshold)s (spinal instability)")
            % {"value": sins, "threshold": th.SINS_UNSTABLE[0]}
        )
        figures["max_sins"] = sins
    days = f.days_since("last_rt_date_same_site")
    if days is not None and days < th.SBRT_RECENT_RT_BELOW_DAYS:
        reasons.append(
            gettext("radiotherapy on this site on %(date)s, less than %(months)s months (%(days)s days) ago")
            % {
                "date": _day(f.get("last_rt_date_same_site")),
                "months": th.SBRT_RECENT_RT_BELOW_MONTHS,
                "days": th.SBRT_RECENT_RT_BELOW_DAYS,
            }
        )
        figures["last_rt_date_same_site"] = f.get("last_rt_date_same_site")
    months = f.get("life_expectancy_months")
    if months is not None and months < th.SBRT_LIFE_EXPECTANCY_BELOW_MONTHS:
        reasons.append(
            gettext("life expectancy %(value)s months < %(threshold)s months")
            % {
                "value": _num(months, differ_from=th.SBRT_LIFE_EXPECTANCY_BELOW_MONTHS),
                "threshold": _num(th.SBRT_LIFE_EXPECTANCY_BELOW_MONTHS),
            }
        )
        figures["life_expectancy_months"] = months
    if f.true("canal_narrowing_over_25_percent"):
        reasons.append(
            gettext("spinal canal narrowing > %(percent)s %%") % {"percent": th.SBRT_CANAL_NARROWING_PERCENT}
        )
        figures["canal_narrowing_over_25_percent"] = True
    distance = f.get("tumour_cord_distance_mm")
    if distance is not None and distance < th.SBRT_TUMOUR_CORD_DISTANCE_BELOW_MM:
        reasons.append(
            gettext("tumour–cord distance %(value)s mm < %(threshold)s mm")
            % {
                "value": _num(distance, 1, differ_from=th.SBRT_TUMOUR_CORD_DISTANCE_BELOW_MM),
                "threshold": _num(th.SBRT_TUMOUR_CORD_DISTANCE_BELOW_MM),
            }
        )
        figures["tumour_cord_distance_mm"] = distance
    return reasons, figures


def _sbrt_oligo(f: _Facts) -> Outcome:
    oligo = _oligometastatic(f)
    if oligo is None or _sbrt_contraindications(f)[0]:
        return None
    description, figures = oligo
    message = gettext(
        "Oligometastatic bone disease (%(description)s): discuss stereotactic radiotherapy at the board, and "
        "inclusion in the STEREO-OS trial. Contraindications to rule out: spinal cord compression, SINS ≥ "
        "%(sins)s, radiotherapy on the site less than %(rt_months)s months ago, life expectancy < "
        "%(months)s months, spinal canal narrowing > %(percent)s %%, tumour–cord distance < %(mm)s mm."
    ) % {
        "description": description,
        "sins": th.SINS_UNSTABLE[0],
        "rt_months": th.SBRT_RECENT_RT_BELOW_MONTHS,
        "months": _num(th.SBRT_LIFE_EXPECTANCY_BELOW_MONTHS),
        "percent": th.SBRT_CANAL_NARROWING_PERCENT,
        "mm": _num(th.SBRT_TUMOUR_CORD_DISTANCE_BELOW_MM),
    }
    return message, figures


def _sbrt_contraindicated(f: _Facts) -> Outcome:
    oligo = _oligometastatic(f)
    if oligo is None:
        return None
    reasons, contraindication_figures = _sbrt_contraindications(f)
    if not reasons:
        return None
    description, figures = oligo
    message = gettext(
        "Oligometastatic bone disease (%(description)s), but stereotactic radiotherapy is contraindicated: "
        "%(reasons)s."
    ) % {"description": description, "reasons": "; ".join(reasons)}
    return message, {**figures, **contraindication_figures}


def _rt_pain_scheme(f: _Facts) -> Outcome:
    pain = f.get("bone_pain_nrs")
    if pain is None or not pain >= th.RT_PAIN_NRS_MIN:
        return None
    figures: dict[str, Any] = {"bone_pain_nrs": pain}
    reasons = []
    ecog, months = f.get("ecog"), f.get("life_expectancy_months")
    if ecog is not None and ecog > th.RT_SINGLE_FRACTION_ECOG_ABOVE:
        reasons.append(
            gettext("ECOG %(value)s > %(threshold)s")
            % {"value": ecog, "threshold": th.RT_SINGLE_FRACTION_ECOG_ABOVE}
        )
        figures["ecog"] = ecog
    if months is not None and months < th.RT_SINGLE_FRACTION_LIFE_EXPECTANCY_BELOW_MONTHS:
        limit = th.RT_SINGLE_FRACTION_LIFE_EXPECTANCY_BELOW_MONTHS
        reasons.append(
            gettext("life expectancy %(value)s months < %(threshold)s months")
            % {"value": _num(months, differ_from=limit), "threshold": _num(limit)}
        )
        figures["life_expectancy_months"] = months
    values = {
        "value": pain,
        "threshold": th.RT_PAIN_NRS_MIN,
        "ecog": th.RT_SINGLE_FRACTION_ECOG_ABOVE,
        "months": _num(th.RT_SINGLE_FRACTION_LIFE_EXPECTANCY_BELOW_MONTHS),
        "reasons": ", ".join(reasons),
    }
    if reasons:
        message = gettext(
            "Bone pain %(value)s/10 ≥ %(threshold)s/10: palliative radiotherapy in a single fraction of 8 Gy "
            "(%(reasons)s) rather than 30 Gy in 10 fractions, 24 Gy in 6 or 20 Gy in 5."
        )
    else:
        message = gettext(
            "Bone pain %(value)s/10 ≥ %(threshold)s/10: palliative radiotherapy, 30 Gy in 10 fractions, 24 "
            "Gy in 6, 20 Gy in 5 or 8 Gy in a single fraction; a single fraction if ECOG > %(ecog)s or life "
            "expectancy < %(months)s months."
        )
    return message % values, figures


def _local_treatment(f: _Facts) -> Outcome:
    sites = f.get("metastatic_sites_count")
    if sites is None or not sites <= th.LOCAL_TREATMENT_MAX_SITES:
        return None
    message = ngettext(
        "%(count)s metastatic site ≤ %(max)s: local treatments can aim at destroying the tumour "
        "(radiotherapy, cementoplasty or ablation, surgery).",
        "%(count)s metastatic sites ≤ %(max)s: local treatments can aim at destroying the tumour "
        "(radiotherapy, cementoplasty or ablation, surgery).",
        sites,
    ) % {"count": sites, "max": th.LOCAL_TREATMENT_MAX_SITES}
    return message, {"metastatic_sites_count": sites}


def _cementoplasty(f: _Facts) -> Outcome:
    if not (f.true("analgesia_failure") and f.true("vertebral_involvement")):
        return None
    if f.true("active_infection_or_sepsis") or f.true("uncontrolled_coagulopathy"):
        return None
    lesions = f.get("bone_lesion_count")
    if lesions is not None and not lesions <= th.CEMENTOPLASTY_MAX_LESIONS:
        return None
    figures: dict[str, Any] = {"analgesia_failure": True, "vertebral_involvement": True}
    if lesions is None:
        message = gettext(
            "Pain not controlled by analgesics (or opioids not tolerated) with vertebral involvement: "
            "discuss cementoplasty with the interventional radiologist (number of bone lesions not recorded: "
            "more than %(max)s contraindicate it). Check coagulation and manage anticoagulants beforehand; "
            "infection at the puncture site or uncontrolled sepsis contraindicates it."
        ) % {"max": th.CEMENTOPLASTY_MAX_LESIONS}
    else:
        figures["bone_lesion_count"] = lesions
        message = ngettext(
            "Pain not controlled by analgesics (or opioids not tolerated) with vertebral involvement and "
            "%(count)s bone lesion ≤ %(max)s: discuss cementoplasty with the interventional radiologist. "
            "Check coagulation and manage anticoagulants beforehand; infection at the puncture site or "
            "uncontrolled sepsis contraindicates it.",
            "Pain not controlled by analgesics (or opioids not tolerated) with vertebral involvement and "
            "%(count)s bone lesions ≤ %(max)s: discuss cementoplasty with the interventional radiologist. "
            "Check coagulation and manage anticoagulants beforehand; infection at the puncture site or "
            "uncontrolled sepsis contraindicates it.",
            lesions,
        ) % {"count": lesions, "max": th.CEMENTOPLASTY_MAX_LESIONS}
    return message, figures


def _ablation(f: _Facts) -> Outcome:
    pain = f.get("bone_pain_nrs")
    if pain is None or not pain > th.ABLATION_NRS_ABOVE:
        return None
    reasons, figures = [], {"bone_pain_nrs": pain}
    sites = f.get("bone_sites_count")
    if sites is not None and sites <= th.ABLATION_MAX_BONE_SITES:
        reasons.append(
            ngettext("%(count)s bone site ≤ %(max)s", "%(count)s bone sites ≤ %(max)s", sites)
            % {"count": sites, "max": th.ABLATION_MAX_BONE_SITES}
        )
        figures["bone_sites_count"] = sites
    if f.false("pain_mechanical"):
        reasons.append(gettext("non-mechanical (inflammatory) pain"))
        figures["pain_mechanical"] = False
    if not reasons:
        return None
    message = gettext(
        "Bone pain %(value)s/10 > %(threshold)s/10 under analgesics, %(reasons)s: discuss percutaneous "
        "thermal ablation (radiofrequency, microwave or cryoablation) with the interventional radiologist."
    ) % {"value": pain, "threshold": th.ABLATION_NRS_ABOVE, "reasons": ", ".join(reasons)}
    return message, figures


def _bma_start_applies(f: _Facts) -> bool:
    lesions, months = f.get("bone_lesion_count"), f.get("life_expectancy_months")
    return (
        lesions is not None
        and lesions >= th.BMA_START_MIN_LESIONS
        and f.get("bma_current") == "none"
        and (months is None or months > th.BMA_START_LIFE_EXPECTANCY_ABOVE_MONTHS)
    )


def _bma_start(f: _Facts) -> Outcome:
    if not _bma_start_applies(f):
        return None
    lesions, months = f.get("bone_lesion_count"), f.get("life_expectancy_months")
    limit = th.BMA_START_LIFE_EXPECTANCY_ABOVE_MONTHS
    figures: dict[str, Any] = {"bone_lesion_count": lesions, "bma_current": "none"}
    values = {
        "lesions": ngettext("%(count)s bone metastasis", "%(count)s bone metastases", lesions)
        % {"count": lesions},
        "threshold": _num(limit),
    }
    if months is None:
        message = gettext(
            "%(lesions)s and no bone-modifying agent: start zoledronic acid 4 mg IV every 4 weeks (dose "
            "adjusted to renal function) or denosumab 120 mg SC every 4 weeks, with calcium and vitamin D "
            "supplementation (life expectancy not recorded: start only if > %(threshold)s months)."
        )
    else:
        figures["life_expectancy_months"] = months
        values["value"] = _num(months, differ_from=limit)
        message = gettext(
            "%(lesions)s, no bone-modifying agent and life expectancy %(value)s months > %(threshold)s "
            "months: start zoledronic acid 4 mg IV every 4 weeks (dose adjusted to renal function) or "
            "denosumab 120 mg SC every 4 weeks, with calcium and vitamin D supplementation."
        )
    return message % values, figures


def _bma_context(f: _Facts) -> tuple[str, dict[str, Any]] | None:
    """Whether a bone-modifying agent is current or recommended (BMA-START fires), in words."""
    agent = f.get("bma_current")
    if agent == "zoledronic_acid":
        return gettext("Zoledronic acid in progress"), {"bma_current": agent}
    if agent == "denosumab":
        return gettext("Denosumab in progress"), {"bma_current": agent}
    if _bma_start_applies(f):
        return gettext("Bone-modifying agent recommended"), {"bma_current": agent, "bma_recommended": True}
    return None


def _bma_dental(f: _Facts) -> Outcome:
    context = _bma_context(f)
    if context is None:
        return None
    days = f.days_since("last_dental_exam_date")
    if days is not None and 0 <= days <= th.DENTAL_EXAM_VALID_DAYS:
        return None
    text, figures = context
    values = {"context": text, "months": th.DENTAL_EXAM_INTERVAL_MONTHS}
    if days is None:
        message = gettext(
            "%(context)s and no dental evaluation recorded: dental evaluation with panoramic X-ray (risk of "
            "osteonecrosis of the jaw) before the first or next injection, then every %(months)s months."
        )
    else:
        exam = f.get("last_dental_exam_date")
        figures = {**figures, "last_dental_exam_date": exam}
        values.update(date=_day(exam), days=th.DENTAL_EXAM_VALID_DAYS, today=_day(f.today))
        message = gettext(
            "%(context)s and last dental evaluation on %(date)s, not within the %(months)s months (%(days)s "
            "days) before %(today)s: dental evaluation with panoramic X-ray (risk of osteonecrosis of the "
            "jaw) before the next injection, then every %(months)s months."
        )
    return message % values, figures


def _bma_renal(f: _Facts) -> Outcome:
    clearance = f.get("creatinine_clearance")
    if clearance is None or not clearance < th.BMA_RENAL_CLEARANCE_BELOW:
        return None
    dose = zoledronic_acid_dose(clearance)
    values = {
        "value": _num(clearance, 1, differ_from=th.BMA_RENAL_CLEARANCE_BELOW),
        "threshold": th.BMA_RENAL_CLEARANCE_BELOW,
    }
    if dose is None:
        message = gettext(
            "Creatinine clearance %(value)s mL/min < %(threshold)s mL/min: zoledronic acid is not "
            "recommended at this clearance; prefer denosumab 120 mg SC every 4 weeks (no renal adjustment), "
            "with calcium and vitamin D."
        )
    else:
        values["dose"] = _num(dose, 1)  # no trailing zero on a dose ("3 mg", never "3.0 mg")
        message = gettext(
            "Creatinine clearance %(value)s mL/min < %(threshold)s mL/min: zoledronic acid %(dose)s mg "
            "instead of 4 mg (dose adjusted to the clearance); denosumab needs no renal adjustment."
        )
    return message % values, {"creatinine_clearance": clearance, "zoledronic_acid_dose_mg": dose}


def _bma_hypocalcaemia(f: _Facts) -> Outcome:
    context, calcium = _bma_context(f), _calcium(f)
    if context is None or calcium is None or not calcium < th.CALCIUM_LOW_BELOW:
        return None
    text, figures = context
    message = gettext(
        "%(context)s and corrected calcium %(value)s mmol/L < %(threshold)s mmol/L: correct the "
        "hypocalcaemia before the injection."
    ) % {"context": text, "value": _ca(calcium), "threshold": _ca(th.CALCIUM_LOW_BELOW)}
    return message, {**figures, "corrected_calcium": calcium}


def _bma_vitamin_d(f: _Facts) -> Outcome:
    context = _bma_context(f)
    if context is None or not f.true("vitamin_d_deficient"):
        return None
    text, figures = context
    message = gettext(
        "%(context)s and vitamin D deficiency: correct it (calcium 1 g/day and vitamin D supplementation)."
    ) % {"context": text}
    return message, {**figures, "vitamin_d_deficient": True}


def _bma_review(f: _Facts) -> Outcome:
    days = f.days_since("bma_start")
    if days is None or not days > th.BMA_REVIEW_AFTER_DAYS:
        return None
    message = gettext(
        "Bone-modifying agent started on %(date)s, more than %(months)s months ago (%(days)s > %(limit)s "
        "days): continue for at least 2 years, then review case by case (18 to 24 months in the Chinese "
        "consensus)."
    ) % {
        "date": _day(f.get("bma_start")),
        "months": th.BMA_REVIEW_AFTER_MONTHS,
        "days": days,
        "limit": th.BMA_REVIEW_AFTER_DAYS,
    }
    return message, {"bma_start": f.get("bma_start"), "days_since_bma_start": days}


def _img_spine_mri(f: _Facts) -> Outcome:
    if not (f.true("vertebral_involvement") and f.false("spine_mri_done")):
        return None
    message = gettext(
        "Vertebral involvement without whole-spine MRI: request a whole-spine MRI, looking for epiduritis."
    )
    return message, {"vertebral_involvement": True, "spine_mri_done": False}


def _img_single_lesion(f: _Facts) -> Outcome:
    if not f.true("single_lesion_on_whole_body_imaging"):
        return None
    message = gettext(
        "Single bone lesion on whole-body imaging: targeted MRI and specialist opinion; consider a biopsy, "
        "as 15 to 18 per cent of isolated bone lesions are not metastases of the lung cancer."
    )
    return message, {"single_lesion_on_whole_body_imaging": True}


def _img_no_bone_scan(f: _Facts) -> Outcome:
    if not (f.true("bone_scan_requested") and f.true("fdg_pet_done")):
        return None
    message = gettext(
        "Bone scan requested although an FDG-PET is available: a bone scan is not indicated after an "
        "FDG-PET, which performs better."
    )
    return message, {"bone_scan_requested": True, "fdg_pet_done": True}


def _img_gcsf(f: _Facts) -> Outcome:
    pet, gcsf = f.get("last_fdg_pet_date"), f.get("last_gcsf_date")
    if pet is None or gcsf is None:
        return None
    days = (pet - gcsf).days
    if not 0 <= days <= th.GCSF_PET_WITHIN_DAYS:
        return None
    message = gettext(
        "FDG-PET on %(pet)s, %(days)s after G-CSF on %(gcsf)s (within %(limit)s days): growth factors "
        "increase bone uptake and make the PET unreliable; postpone it or interpret bone uptake with caution."
    ) % {"pet": _day(pet), "days": _days(days), "gcsf": _day(gcsf), "limit": th.GCSF_PET_WITHIN_DAYS}
    return message, {"last_fdg_pet_date": pet, "last_gcsf_date": gcsf, "days_after_gcsf": days}


def _img_flare(f: _Facts) -> Outcome:
    scan, start = f.get("followup_scan_date"), f.get("systemic_treatment_start")
    if not f.true("new_foci_on_followup_scan") or scan is None or start is None:
        return None
    days = (scan - start).days
    if not 0 <= days < th.FLARE_WITHIN_DAYS:
        return None
    message = gettext(
        "New or more intense foci on the follow-up scan of %(scan)s, %(days)s after the start of systemic "
        "treatment on %(start)s (less than %(months)s months, %(limit)s days): possible flare phenomenon; do "
        "not conclude progression on this scan alone."
    ) % {
        "scan": _day(scan),
        "days": _days(days),
        "start": _day(start),
        "months": th.FLARE_WITHIN_MONTHS,
        "limit": th.FLARE_WITHIN_DAYS,
    }
    figures = {
        "new_foci_on_followup_scan": True,
        "followup_scan_date": scan,
        "systemic_treatment_start": start,
        "days_after_treatment_start": days,
    }
    return message, figures


def _biopsy(f: _Facts) -> Outcome:
    reasons, figures = [], {}
    if f.true("bone_first_presentation"):
        reasons.append(gettext("bone lesion revealing the disease, primary not yet proven"))
        figures["bone_first_presentation"] = True
    if f.true("single_lesion_on_whole_body_imaging"):
        reasons.append(gettext("single bone lesion on whole-body imaging"))
        figures["single_lesion_on_whole_body_imaging"] = True
    if not reasons:
        return None
    message = gettext(
        "Biopsy indicated (%(reasons)s): image-guided bone biopsy, with EDTA decalcification so that "
        "molecular tests remain possible."
    ) % {"reasons": "; ".join(reasons)}
    return message, figures


def _g(*sections: str) -> str:
    """The guideline's citation, "OncoBFC/NEON/ONCORIF 2021 §3.5.2; §3.7" (as rules.md writes it)."""
    return f"{GUIDELINE} {'; '.join(sections)}"


RULES: tuple[Rule, ...] = (
    Rule("MSCC-EMERGENCY", URGENT, f"{DIGEST} item 1; {_g('§3.5.3')}", _mscc_emergency),
    Rule("CA-CRISIS", URGENT, f"{REGIONAL_GENERAL} §4", _ca_crisis),
    Rule("CA-HIGH", WARNING, f"{REGIONAL_GENERAL} §4; {CHINESE_CONSENSUS} §4", _ca_high),
    Rule("RADES-GROUP", RECOMMENDATION, _g("§3.5.3"), _rades_group),
    Rule("MIRELS-RT", RECOMMENDATION, _g("§3.5.2"), _mirels_rt),
    Rule("MIRELS-DISCUSS", RECOMMENDATION, f"{_g('§3.5.2')}; {CHINESE_CONSENSUS} table 3", _mirels_discuss),
    Rule("MIRELS-SURGERY", WARNING, _g("§3.5.2", "§3.7"), _mirels_surgery),
    Rule("PERCUTANEOUS-SCREW", RECOMMENDATION, _g("§3.6.2"), _percutaneous_screw),
    Rule("SINS-SURGICAL-OPINION", WARNING, _g("§3.8.1"), _sins_surgical_opinion),
    Rule("BILSKY-HIGH", WARNING, f"{CHINESE_CONSENSUS} fig. 3; {NOMS}", _bilsky_high),
    Rule("TOKUHASHI-STRATEGY", INFO, _g("§3.8.5"), _tokuhashi_strategy),
    Rule("TOMITA-STRATEGY", INFO, _g("§3.8.5"), _tomita_strategy),
    Rule("SURGERY-LIFE-EXPECTANCY", RECOMMENDATION, _g("§3.7"), _surgery_life_expectancy),
    Rule("SURGERY-CONTRAINDICATED", WARNING, f"{CHINESE_CONSENSUS} §6.6.3", _surgery_contraindicated),
    Rule("SURGERY-LOW-BMI", WARNING, f"{DIGEST} item 8", _surgery_low_bmi),
    Rule("POSTOP-RT", RECOMMENDATION, _g("§3.5.4"), _postop_rt),
    Rule("SBRT-OLIGO", RECOMMENDATION, _g("§3.5.5", "§4"), _sbrt_oligo),
    Rule("SBRT-CONTRAINDICATED", INFO, _g("§3.5.5"), _sbrt_contraindicated),
    Rule("RT-PAIN-SCHEME", INFO, f"{_g('§3.5.1')}; {CHINESE_CONSENSUS} table 2", _rt_pain_scheme),
    Rule("LOCAL-TREATMENT", INFO, _g("§3"), _local_treatment),
    Rule("CEMENTOPLASTY", RECOMMENDATION, f"{_g('§3.6.1')}; {CHINESE_CONSENSUS} §6.7", _cementoplasty),
    Rule("ABLATION", INFO, _g("§3.6.3"), _ablation),
    Rule("BMA-START", RECOMMENDATION, f"{_g('§3.4')}; {CHINESE_CONSENSUS} table 1", _bma_start),
    Rule("BMA-DENTAL", WARNING, f"{_g('§3.4')}; {CHINESE_CONSENSUS} §6.3.3", _bma_dental),
    Rule("BMA-RENAL", WARNING, f"{_g('§3.4')}; {ZOLEDRONIC_ACID_LABEL}", _bma_renal),
    Rule("BMA-HYPOCALCAEMIA", WARNING, f"{CHINESE_CONSENSUS} table 1", _bma_hypocalcaemia),
    Rule("BMA-VITAMIN-D", RECOMMENDATION, _g("§3.4"), _bma_vitamin_d),
    Rule("BMA-REVIEW", INFO, f"{_g('§3.4')}; {CHINESE_CONSENSUS} table 1 (18–24 months)", _bma_review),
    Rule("IMG-SPINE-MRI", RECOMMENDATION, _g("§2"), _img_spine_mri),
    Rule("IMG-SINGLE-LESION", WARNING, f"{_g('§2')}; {CHINESE_CONSENSUS} §5.2", _img_single_lesion),
    Rule("IMG-NO-BONE-SCAN", INFO, _g("§2"), _img_no_bone_scan),
    Rule("IMG-GCSF", WARNING, _g("§2"), _img_gcsf),
    Rule("IMG-FLARE", WARNING, f"{_g('§2')}; {REGIONAL_NUCLEAR} §1.2", _img_flare),
    Rule("BIOPSY", RECOMMENDATION, f"{_g('§2')}; {CHINESE_CONSENSUS} §5.2", _biopsy),
)
RULE_IDS = tuple(rule.id for rule in RULES)  # the order of the rules table of rules.md


def evaluate(facts: Mapping[str, Any]) -> list[Finding]:
    """The findings of the rules that fire on `facts`, urgent first, then warnings, recommendations and
    information; within a level, in the order of the rules table. Never raises on missing facts;
    ScoreInputError (naming the key) for a known fact of the wrong type or out of range."""
    known = _Facts(clean_facts(facts))
    findings = []
    for rule in RULES:
        outcome = rule.check(known)
        if outcome is not None:
            message, figures = outcome
            findings.append(Finding(rule.id, rule.level, message, rule.source, figures))
    findings.sort(key=lambda finding: LEVELS.index(finding.level))  # stable: table order within a level
    return findings
