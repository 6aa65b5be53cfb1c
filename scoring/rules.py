"""Guideline rules, version 2: from the facts of a case to findings (recommendations and warnings).

Specification: ../shared/clinical/rules.md, version 2 (the rules table is implemented here to the
letter, in the same order). Usage::

    from scoring.rules import evaluate
    findings = evaluate({
        "today": datetime.date(2025, 6, 15),
        "lesions": [{"label": "Left femur", "region": "long_bone", "mirels": 9, "weight_bearing": True}],
    })
    f = findings[0]
    f.rule, f.level, f.lesion, f.message, f.source, f.figures

`evaluate` is pure (no database, no request). Every fact is optional: a missing key, or None, means
unknown, and a rule fires only on known facts ("not x" means x is known and False). The exceptions of
rules.md, because the record holds every fracture, fixation, treatment and proven diagnosis: an absent
`fractured`, `stabilised` or `rt_after_surgery` of a lesion, and an absent `bone_first_presentation`
or `prior_radionuclide_therapy`, mean False (`ABSENT_MEANS_FALSE`); a rule that says "no date" means
none recorded. Unknown keys are ignored. A known fact of the wrong type or out of range raises
`ScoreInputError` naming the key (`lesions[2].mirels` for a lesion's): every fact is checked up front
against one table, `FACT_SPECS` for the patient and `LESION_FACT_SPECS` for each lesion.

Lesion rules give one finding per lesion they fire on, naming it (`Finding.lesion`). Findings come
ordered by level (urgent, warning, recommendation, info), then in the order of the rules table, then in
the order of `lesions`.

The thresholds live in `scoring.thresholds`, with their sources and the way time spans are counted in
days. Messages and source names are English source strings translated with gettext when `evaluate`
runs (the active language applies); messages quote the figures that made the rule fire, with numbers
and dates formatted for the active language.
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
from scoring.i18n import date_format, decimal_separator, gettext, gettext_lazy, ngettext, today

__all__ = [
    "ABSENT_MEANS_FALSE",
    "FACT_SPECS",
    "LESION_FACT_SPECS",
    "LEVELS",
    "REGIONS",
    "RULES",
    "RULE_IDS",
    "SPINE_ONLY_FACTS",
    "FactSpec",
    "Finding",
    "Rule",
    "ScoreInputError",
    "ablation_exclusions",
    "clean_facts",
    "evaluate",
    "format_number",
]

URGENT = "urgent"
WARNING = "warning"
RECOMMENDATION = "recommendation"
INFO = "info"
LEVELS = (URGENT, WARNING, RECOMMENDATION, INFO)  # display order, most pressing first
PATIENT = "patient"
LESION = "lesion"

SPINE, LONG_BONE, PELVIS, RIB, OTHER = "spine", "long_bone", "pelvis", "rib", "other"
REGIONS = (SPINE, LONG_BONE, PELVIS, RIB, OTHER)


# --------------------------------------------------------------------------------------------------
# Sources, named as the board reads them (translated: the French interface names them in French).
# "§x" alone is the inter-regional guideline.
# --------------------------------------------------------------------------------------------------
GUIDELINE = "OncoBFC/NEON/ONCORIF 2021"  # seed 002, the board's reference (a proper name)
REGIONAL_GENERAL = gettext_lazy(
    "Regional thoracic-oncology guideline, bone metastases: general context"
)  # 000
REGIONAL_NUCLEAR = gettext_lazy(
    "Regional thoracic-oncology guideline, bone metastases: nuclear medicine"
)  # 001
CHINESE_CONSENSUS = gettext_lazy("Chinese expert consensus on bone metastasis in lung cancer 2022")  # 003
DIGEST = gettext_lazy("Literature digest 2026")  # 004
ZOLEDRONIC_ACID_LABEL = gettext_lazy("Zoledronic acid product label")
DENOSUMAB_LABEL = gettext_lazy("Denosumab product label")


def _semicolons(items) -> str:
    """Items joined by semicolons as the active language writes them ("a; b", in French "a ; b")."""
    return gettext("; ").join(items)


@dataclass(frozen=True)
class Cite:
    """One cited work and where in it: `where` holds "§3.5.2", ("item", "1"), ("table", "3"),
    ("fig.", "3"), rendered in the active language."""

    work: Any
    where: tuple = ()

    def render(self) -> str:
        places = [
            str(PLACE_WORDS[place[0]]) % {"number": place[1]} if isinstance(place, tuple) else place
            for place in self.where
        ]
        return " ".join([str(self.work), _semicolons(places)]).strip()


# Lazy: a citation translates only the words it uses (a page renders hundreds of citations).
PLACE_WORDS = {
    "item": gettext_lazy("item %(number)s"),
    "table": gettext_lazy("table %(number)s"),
    "fig.": gettext_lazy("fig. %(number)s"),
}


def _g(*sections: str) -> Cite:
    return Cite(GUIDELINE, sections)


# --------------------------------------------------------------------------------------------------
# Facts: one table of specifications for the patient, one for each lesion, checked up front
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FactSpec:
    """What a fact accepts. `kind` is "date", "bool", "int", "float", "choice" or "text" (a non-empty
    string); numeric bounds are inclusive."""

    kind: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple = ()

    def expected(self) -> str:
        bounds = {"min": self.minimum, "max": self.maximum}
        if self.kind == "date":
            return gettext("a date (datetime.date, not a datetime)")
        if self.kind == "bool":
            return gettext("True or False")
        if self.kind == "text":
            return gettext("a non-empty text")
        if self.kind == "choice":
            return gettext("one of %(values)s") % {"values": ", ".join(repr(c) for c in self.choices)}
        if self.kind == "int":
            return gettext("an integer from %(min)s to %(max)s") % bounds
        return gettext("a number from %(min)s to %(max)s") % bounds

    def _accepts(self, value) -> bool:
        if self.kind == "date":
            return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
        if self.kind == "bool":
            return value is True or value is False
        if self.kind == "text":
            return isinstance(value, str) and bool(value.strip())
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
        return self.minimum <= value <= self.maximum

    def clean(self, key: str, value):
        """The value, normalised (a Decimal number becomes a float, a str subclass such as a Django
        TextChoices member a plain str, a text is stripped), or ScoreInputError naming the key."""
        if not self._accepts(value):
            raise input_error(key, not_allowed(value, self.expected()))
        if self.kind == "float":
            return float(value)
        if self.kind == "text":
            return str(value).strip()
        if self.kind == "choice":
            return type(self.choices[0])(value)
        return value


def _date() -> FactSpec:
    return FactSpec("date")


def _bool() -> FactSpec:
    return FactSpec("bool")


def _int(minimum: int, maximum: int) -> FactSpec:
    return FactSpec("int", minimum=minimum, maximum=maximum)


def _float(minimum: float, maximum: float) -> FactSpec:
    return FactSpec("float", minimum=minimum, maximum=maximum)


def _choice(*choices) -> FactSpec:
    return FactSpec("choice", choices=choices)


MAX_COUNT = 500
BILSKY_GRADES = ("0", "1a", "1b", "1c", "2", "3")

# The patient facts of rules.md, in its order; the ranges are plausibility limits of the input
# (rules.md), not clinical thresholds (those are in scoring.thresholds).
FACT_SPECS: dict[str, FactSpec] = {
    "today": _date(),
    "age": _int(0, 120),
    "bmi": _float(10, 80),
    "ecog": _int(0, 4),
    "asa": _int(1, 5),
    "life_expectancy_months": _float(0, 240),
    "bone_lesion_count": _int(0, MAX_COUNT),
    "bone_sites_count": _int(0, MAX_COUNT),
    "visceral_metastases": _bool(),
    "metastatic_sites_count": _int(0, MAX_COUNT),
    "disease_status": _choice("stable", "responding", "progressing", "new"),
    "spinal_cord_compression": _bool(),
    "neurological_deficit": _bool(),
    "spine_mri_done": _bool(),
    "single_lesion_on_whole_body_imaging": _bool(),
    "bone_first_presentation": _bool(),
    "last_gcsf_date": _date(),
    "last_fdg_pet_date": _date(),
    "systemic_treatment_start": _date(),
    "followup_scan_date": _date(),
    "new_foci_on_followup_scan": _bool(),
    "bma_current": _choice("none", "zoledronic_acid", "denosumab"),
    "bma_start": _date(),
    "last_dental_exam_date": _date(),
    "creatinine_clearance": _float(0, 300),
    "creatinine_baseline": _float(20, 2000),
    "creatinine_latest": _float(20, 2000),
    "corrected_calcium": _float(1.0, 5.0),
    "vitamin_d_deficient": _bool(),
    "rades_group": _choice(1, 2, 3),
    "tokuhashi": _int(0, 15),
    "tomita": _int(2, 10),
    "bone_pain_nrs": _int(0, 10),
    "analgesia_failure": _bool(),
    "prior_radionuclide_therapy": _bool(),
    "active_infection_or_sepsis": _bool(),
    "uncontrolled_coagulopathy": _bool(),
}

# The facts of each entry of `lesions`, in the order of rules.md; `label` and `region` are required.
LESION_FACT_SPECS: dict[str, FactSpec] = {
    "label": FactSpec("text"),
    "region": _choice(*REGIONS),
    "weight_bearing": _bool(),
    "proximal_femur_or_pelvis": _bool(),
    "mirels": _int(4, 12),
    "sins": _int(0, 18),
    "bilsky": _choice(*BILSKY_GRADES),
    "cord_compression": _bool(),
    "pain_nrs": _int(0, 10),
    "pain_mechanical": _bool(),
    "fractured": _bool(),
    "stabilised": _bool(),
    "surgery_date": _date(),
    "rt_after_surgery": _bool(),
    "last_rt_date": _date(),
    "canal_narrowing_over_25_percent": _bool(),
    "tumour_cord_distance_mm": _float(0, 100),
    "soft_tissue_predominant": _bool(),
}
REQUIRED_LESION_FACTS = ("label", "region")
SPINE_ONLY_FACTS = ("sins", "bilsky", "canal_narrowing_over_25_percent", "tumour_cord_distance_mm")

# rules.md: the record holds every fracture, fixation, treatment and proven diagnosis, so these read
# False when absent (for the patient, and for each lesion).
ABSENT_MEANS_FALSE = {
    PATIENT: ("bone_first_presentation", "prior_radionuclide_therapy"),
    LESION: ("fractured", "stabilised", "rt_after_surgery"),
}


def _clean_lesions(value) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise input_error("lesions", not_allowed(value, gettext("a list of lesions (mappings)")))
    cleaned, labels = [], {}
    for index, lesion in enumerate(value):
        name = f"lesions[{index}]"
        if not isinstance(lesion, Mapping):
            raise input_error(name, not_allowed(lesion, gettext("a mapping of lesion facts")))
        row = {}
        for key, spec in LESION_FACT_SPECS.items():
            item = lesion.get(key)
            if item is not None:
                row[key] = spec.clean(f"{name}.{key}", item)
            elif key in REQUIRED_LESION_FACTS:
                raise input_error(f"{name}.{key}", gettext("required for every lesion"))
        if row["label"] in labels:
            raise input_error(
                f"{name}.label",
                gettext("%(label)s is already the label of lesions[%(index)s]; each label is unique")
                % {"label": repr(row["label"]), "index": labels[row["label"]]},
            )
        labels[row["label"]] = index
        if row["region"] != SPINE:
            for key in SPINE_ONLY_FACTS:
                if key in row:
                    raise input_error(
                        f"{name}.{key}",
                        gettext("only for a spine lesion, not for region %(region)s")
                        % {"region": repr(row["region"])},
                    )
        for key in ABSENT_MEANS_FALSE[LESION]:
            row.setdefault(key, False)
        cleaned.append(row)
    return cleaned


def clean_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The known facts, checked and normalised: None and unknown keys dropped, `today` defaulting to
    the current local date, the absent facts of `ABSENT_MEANS_FALSE` set to False, `bone_lesion_count`
    defaulting to the number of `lesions`. ScoreInputError (naming the key) for a wrong type, a value
    out of range, or a lesion list that breaks the rules of rules.md."""
    if not isinstance(facts, Mapping):
        raise ScoreInputError(gettext("facts: expected a mapping of fact names to values"))
    cleaned = {}
    for key, spec in FACT_SPECS.items():
        value = facts.get(key)
        if value is not None:
            cleaned[key] = spec.clean(key, value)
    if facts.get("lesions") is not None:
        cleaned["lesions"] = _clean_lesions(facts["lesions"])
        cleaned.setdefault("bone_lesion_count", len(cleaned["lesions"]))
    for key in ABSENT_MEANS_FALSE[PATIENT]:
        cleaned.setdefault(key, False)
    cleaned.setdefault("today", today())
    return cleaned


# --------------------------------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One recommendation or warning. `lesion` is the label of the lesion it concerns (None for a
    patient rule). `message` and `source` are already translated (in the language active when
    `evaluate` ran); `figures` holds the fact values (and derived figures) the message quotes."""

    rule: str
    level: str
    message: str
    source: str
    lesion: str | None = None
    figures: dict[str, Any] = field(default_factory=dict, hash=False)

    def as_dict(self, *, figures: bool = False) -> dict[str, Any]:
        """Plain JSON values: rule, level, lesion, message, source (and, on request, the figures, with
        dates in ISO format)."""
        data = {
            "rule": self.rule,
            "level": self.level,
            "lesion": self.lesion,
            "message": str(self.message),
            "source": str(self.source),
        }
        if figures:
            data["figures"] = {key: _plain(value) for key, value in self.figures.items()}
        return data


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class _Known:
    """Known facts, read by the rules: `true` and `false` mean known True / known False."""

    def __init__(self, values: dict[str, Any]):
        self.values = values

    def get(self, key: str):
        return self.values.get(key)

    def true(self, key: str) -> bool:
        return self.values.get(key) is True

    def false(self, key: str) -> bool:
        return self.values.get(key) is False


class _Lesion(_Known):
    def __init__(self, values: dict[str, Any]):
        super().__init__(values)
        self.label: str = values["label"]
        self.region: str = values["region"]

    @property
    def is_spine(self) -> bool:
        return self.region == SPINE


class _Facts(_Known):
    """The cleaned facts of a case, and what rules.md derives from them."""

    def __init__(self, values: dict[str, Any]):
        super().__init__(values)
        self.today: datetime.date = values["today"]
        self.lesions = [_Lesion(lesion) for lesion in values.get("lesions", [])]
        self.spine_lesions = [lesion for lesion in self.lesions if lesion.is_spine]
        self.surgery_reasons = _surgery_reasons(self)

    def days_since(self, value: datetime.date | None) -> int | None:
        """Whole days from `value` to today; None if the date is unknown."""
        return None if value is None else (self.today - value).days

    @property
    def surgery_on_the_table(self) -> bool:
        return bool(self.surgery_reasons)

    def calcium(self) -> float | None:
        """Corrected calcium rounded half up to 2 decimals, as scores.md classifies it."""
        value = self.get("corrected_calcium")
        return None if value is None else float(_quantize(value, th.CALCIUM_DECIMALS))

    def hypercalcaemia(self) -> bool | None:
        """Corrected calcium > 2.60 (None when unknown)."""
        calcium = self.calcium()
        return None if calcium is None else calcium > th.CALCIUM_HIGH_ABOVE


Outcome = tuple[str, dict[str, Any]] | None


@dataclass(frozen=True)
class Rule:
    """One row of the rules table. `per` is "patient" (check(facts)) or "lesion" (check(facts, lesion),
    run on each lesion in order)."""

    id: str
    level: str
    per: str
    cites: tuple[Cite, ...]
    check: Callable[..., Outcome]

    @property
    def source(self) -> str:
        """The citation, in the active language: "OncoBFC/NEON/ONCORIF 2021 §3.5.2; §3.7"."""
        return _semicolons(cite.render() for cite in self.cites)


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


format_number = _num  # for the conformity check, which quotes figures against the same thresholds


def _day(value: datetime.date) -> str:
    return date_format(value)


def _days(count: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}


def _ca(value: float) -> str:
    return _num(value, th.CALCIUM_DECIMALS, fixed=True)


def _months(value: float, limit: float) -> str:
    return _num(value, differ_from=limit)


def _in(value, bounds: tuple) -> bool:
    return bounds[0] <= value <= bounds[1]


def _labels(lesions) -> str:
    return ", ".join(lesion.label for lesion in lesions)


def _lesion_text(lesion: _Lesion, text: str) -> str:
    """ "T8: SINS 14 ≥ 13" — a reason that belongs to one lesion, for a patient-level message."""
    return gettext("%(lesion)s: %(text)s") % {"lesion": lesion.label, "text": text}


# --------------------------------------------------------------------------------------------------
# What rules.md derives: surgery on the table, BMA current or recommended, oligometastatic disease
# --------------------------------------------------------------------------------------------------
def _surgery_reasons(f: _Facts) -> list[str]:
    """Why surgery is on the table (rules.md): MSCC, or a lesion not stabilised with Mirels ≥ 8,
    SINS ≥ 7, Bilsky 2–3, or a pathological fracture of a long bone, the pelvis or the spine."""
    reasons = []
    if f.true("spinal_cord_compression"):
        reasons.append(gettext("spinal cord compression"))
    for lesion in f.lesions:
        if lesion.true("stabilised"):
            continue
        mirels, sins, bilsky = lesion.get("mirels"), lesion.get("sins"), lesion.get("bilsky")
        if mirels is not None and mirels >= th.SURGERY_CONSIDERED_MIRELS_MIN:
            text = gettext("Mirels %(value)s ≥ %(threshold)s") % {
                "value": mirels,
                "threshold": th.SURGERY_CONSIDERED_MIRELS_MIN,
            }
            reasons.append(_lesion_text(lesion, text))
        if sins is not None and sins >= th.SURGERY_CONSIDERED_SINS_MIN:
            text = gettext("SINS %(value)s ≥ %(threshold)s") % {
                "value": sins,
                "threshold": th.SURGERY_CONSIDERED_SINS_MIN,
            }
            reasons.append(_lesion_text(lesion, text))
        if bilsky in th.BILSKY_HIGH_GRADES:
            reasons.append(_lesion_text(lesion, gettext("Bilsky grade %(grade)s") % {"grade": bilsky}))
        if lesion.true("fractured") and lesion.region in th.SURGERY_CONSIDERED_FRACTURE_REGIONS:
            reasons.append(_lesion_text(lesion, gettext("pathological fracture")))
    return reasons


def _surgery_context(f: _Facts) -> str:
    return gettext("surgery being considered: %(reasons)s") % {"reasons": _semicolons(f.surgery_reasons)}


def _bma_start_applies(f: _Facts) -> bool:
    lesions, months = f.get("bone_lesion_count"), f.get("life_expectancy_months")
    return (
        lesions is not None
        and lesions >= th.BMA_START_MIN_LESIONS
        and f.get("bma_current") == "none"
        and (months is None or months > th.BMA_START_LIFE_EXPECTANCY_ABOVE_MONTHS)
        and not f.true("bone_first_presentation")
    )


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
    """The contraindications to stereotactic radiotherapy (§3.5.5) known to hold, each quoting its
    figure and, for a lesion, its label."""
    reasons: list[str] = []
    figures: dict[str, Any] = {}
    lesion_figures: dict[str, dict[str, Any]] = {}

    def lesion_reason(lesion, text, key, value):
        reasons.append(_lesion_text(lesion, text))
        lesion_figures.setdefault(lesion.label, {})[key] = value

    if f.true("spinal_cord_compression"):
        reasons.append(gettext("spinal cord compression"))
        figures["spinal_cord_compression"] = True
    if f.true("prior_radionuclide_therapy"):
        reasons.append(gettext("metabolic (radionuclide) radiotherapy received"))
        figures["prior_radionuclide_therapy"] = True
    months = f.get("life_expectancy_months")
    if months is not None and months < th.SBRT_LIFE_EXPECTANCY_BELOW_MONTHS:
        limit = th.SBRT_LIFE_EXPECTANCY_BELOW_MONTHS
        reasons.append(
            gettext("life expectancy %(value)s months < %(threshold)s months")
            % {"value": _months(months, limit), "threshold": _num(limit)}
        )
        figures["life_expectancy_months"] = months
    for lesion in f.lesions:
        if lesion.true("cord_compression"):
            lesion_reason(lesion, gettext("cord compression"), "cord_compression", True)
        sins = lesion.get("sins")
        if sins is not None and sins >= th.SINS_UNSTABLE_MIN:
            text = gettext("SINS %(value)s ≥ %(threshold)s (spinal instability)") % {
                "value": sins,
                "threshold": th.SINS_UNSTABLE_MIN,
            }
            lesion_reason(lesion, text, "sins", sins)
        last_rt = lesion.get("last_rt_date")
        days = f.days_since(last_rt)
        if days is not None and days < th.SBRT_RECENT_RT_BELOW_DAYS:
            text = gettext("radiotherapy on %(date)s, less than %(months)s months (%(limit)s days) ago") % {
                "date": _day(last_rt),
                "months": th.SBRT_RECENT_RT_BELOW_MONTHS,
                "limit": th.SBRT_RECENT_RT_BELOW_DAYS,
            }
            lesion_reason(lesion, text, "last_rt_date", last_rt)
        if lesion.true("canal_narrowing_over_25_percent"):
            text = gettext("spinal canal narrowing > %(percent)s %%") % {
                "percent": th.SBRT_CANAL_NARROWING_PERCENT
            }
            lesion_reason(lesion, text, "canal_narrowing_over_25_percent", True)
        distance = lesion.get("tumour_cord_distance_mm")
        if distance is not None and distance < th.SBRT_TUMOUR_CORD_DISTANCE_BELOW_MM:
            text = gettext("tumour–cord distance %(value)s mm < %(threshold)s mm") % {
                "value": _num(distance, 1, differ_from=th.SBRT_TUMOUR_CORD_DISTANCE_BELOW_MM),
                "threshold": _num(th.SBRT_TUMOUR_CORD_DISTANCE_BELOW_MM),
            }
            lesion_reason(lesion, text, "tumour_cord_distance_mm", distance)
    if lesion_figures:
        figures["lesions"] = lesion_figures
    return reasons, figures


def _cementoplasty_indicated(f: _Facts, lesion: _Lesion) -> dict[str, Any] | None:
    """The figures of CEMENTOPLASTY's trigger when it holds for this lesion (contraindications aside):
    a site cement can treat, pain ≥ 4 with analgesia failing, and not stabilised."""
    site_ok = lesion.region in (SPINE, PELVIS, RIB, OTHER) or (
        lesion.region == LONG_BONE and lesion.false("weight_bearing")
    )
    pain = lesion.get("pain_nrs")
    if not site_ok or pain is None or pain < th.CEMENTOPLASTY_NRS_MIN:
        return None
    if not f.true("analgesia_failure") or lesion.true("stabilised"):
        return None
    figures = {"pain_nrs": pain, "analgesia_failure": True, "stabilised": False}
    if lesion.region == LONG_BONE:
        figures["weight_bearing"] = False
    return figures


def _cementoplasty_contraindications(f: _Facts, lesion: _Lesion) -> tuple[list[str], dict[str, Any]]:
    reasons, figures = [], {}
    if lesion.true("cord_compression"):
        reasons.append(gettext("cord compression at this lesion"))
        figures["cord_compression"] = True
    if lesion.get("bilsky") in th.BILSKY_HIGH_GRADES:
        reasons.append(gettext("Bilsky grade %(grade)s") % {"grade": lesion.get("bilsky")})
        figures["bilsky"] = lesion.get("bilsky")
    sins = lesion.get("sins")
    if sins is not None and sins >= th.SINS_UNSTABLE_MIN:
        reasons.append(
            gettext("SINS %(value)s ≥ %(threshold)s: a spine surgeon's opinion first")
            % {"value": sins, "threshold": th.SINS_UNSTABLE_MIN}
        )
        figures["sins"] = sins
    if lesion.true("soft_tissue_predominant"):
        reasons.append(gettext("extends more into soft tissue than bone: ablation preferred"))
        figures["soft_tissue_predominant"] = True
    if f.true("active_infection_or_sepsis"):
        reasons.append(gettext("infection at the puncture site or uncontrolled sepsis"))
        figures["active_infection_or_sepsis"] = True
    if f.true("uncontrolled_coagulopathy"):
        reasons.append(gettext("uncontrolled coagulopathy"))
        figures["uncontrolled_coagulopathy"] = True
    return reasons, figures


def _ablation_exclusions(lesion: _Lesion) -> tuple[list[str], dict[str, Any]]:
    """What excludes a lesion from percutaneous ablation (rules.md, ABLATION): fracture or fracture
    risk, compression, instability, each known to hold."""
    reasons, figures = [], {}
    if lesion.true("fractured"):
        reasons.append(gettext("pathological fracture"))
        figures["fractured"] = True
    mirels, sins, bilsky = lesion.get("mirels"), lesion.get("sins"), lesion.get("bilsky")
    if mirels is not None and mirels >= th.MIRELS_SURGERY_MIN:
        reasons.append(
            gettext("Mirels %(value)s ≥ %(threshold)s")
            % {"value": mirels, "threshold": th.MIRELS_SURGERY_MIN}
        )
        figures["mirels"] = mirels
    if lesion.true("cord_compression"):
        reasons.append(gettext("cord compression"))
        figures["cord_compression"] = True
    if bilsky in th.BILSKY_HIGH_GRADES:
        reasons.append(gettext("Bilsky grade %(grade)s") % {"grade": bilsky})
        figures["bilsky"] = bilsky
    if sins is not None and sins >= th.SINS_UNSTABLE_MIN:
        reasons.append(
            gettext("SINS %(value)s ≥ %(threshold)s") % {"value": sins, "threshold": th.SINS_UNSTABLE_MIN}
        )
        figures["sins"] = sins
    return reasons, figures


def ablation_exclusions(facts: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """[(lesion label, [reasons])] for each lesion of `facts` that an exclusion of ABLATION (fracture,
    Mirels ≥ 9, cord compression, Bilsky 2–3, SINS ≥ 13) keeps from ablation: read by the conformity
    check of a decision. ScoreInputError for bad facts, as `evaluate`."""
    known = _Facts(clean_facts(facts))
    found = []
    for lesion in known.lesions:
        reasons, _figures = _ablation_exclusions(lesion)
        if reasons:
            found.append((lesion.label, reasons))
    return found


# --------------------------------------------------------------------------------------------------
# The rules, in the order of the rules table of rules.md
# --------------------------------------------------------------------------------------------------
def _mscc_emergency(f: _Facts) -> Outcome:
    reasons, figures = [], {}
    if f.true("spinal_cord_compression"):
        reasons.append(gettext("clinical compression"))
        figures["spinal_cord_compression"] = True
    if f.true("neurological_deficit") and f.spine_lesions:
        reasons.append(
            gettext("new neurological deficit with a spinal lesion: %(lesions)s")
            % {"lesions": _labels(f.spine_lesions)}
        )
        figures.update(neurological_deficit=True, spine_lesions=[x.label for x in f.spine_lesions])
    if not reasons:
        return None
    message = gettext(
        "Metastatic spinal cord compression (%(reasons)s): emergency pathway. Whole-spine MRI within "
        "%(mri_hours)s h, corticosteroids at once, urgent multidisciplinary opinion; surgery as early as "
        "feasible (ideally within %(surgery_from)s–%(surgery_to)s h) when indicated, otherwise "
        "radiotherapy started without delay."
    ) % {
        "reasons": _semicolons(reasons),
        "mri_hours": th.MSCC_MRI_WITHIN_HOURS,
        "surgery_from": th.MSCC_SURGERY_EARLIEST_HOURS,
        "surgery_to": th.MSCC_SURGERY_LATEST_HOURS,
    }
    return message, figures


def _mscc_suspected(f: _Facts) -> Outcome:
    if not f.true("neurological_deficit") or f.spine_lesions or f.true("spinal_cord_compression"):
        return None
    message = gettext(
        "New neurological deficit (motor, sensory or sphincter) and no spinal lesion recorded: suspect "
        "spinal cord compression; whole-spine MRI within %(mri_hours)s h."
    ) % {"mri_hours": th.MSCC_MRI_WITHIN_HOURS}
    return message, {"neurological_deficit": True, "spine_lesions": []}


def _ca_crisis(f: _Facts) -> Outcome:
    calcium = f.calcium()
    if calcium is None or not calcium > th.CALCIUM_CRISIS_ABOVE:
        return None
    message = gettext(
        "Corrected calcium %(value)s mmol/L > %(threshold)s mmol/L: hypercalcaemic crisis, life-threatening: "
        "hospital management, intravenous hydration and a bone-modifying agent; stop calcium and vitamin D "
        "supplements."
    ) % {"value": _ca(calcium), "threshold": _ca(th.CALCIUM_CRISIS_ABOVE)}
    return message, {"corrected_calcium": calcium}


def _ca_high(f: _Facts) -> Outcome:
    calcium = f.calcium()
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
            "%(moderate)s mmol/L): hydration; the bone-modifying agent treats it; no calcium or vitamin D "
            "supplement while it lasts."
        )
    else:
        message = gettext(
            "Corrected calcium %(value)s mmol/L > %(threshold)s mmol/L: moderate hypercalcaemia "
            "(%(moderate)s to %(crisis)s mmol/L): hydration; the bone-modifying agent treats it; no calcium "
            "or vitamin D supplement while it lasts."
        )
    return message % values, {"corrected_calcium": calcium}


def _fracture_fixation(f: _Facts, lesion: _Lesion) -> Outcome:
    if not lesion.true("fractured") or lesion.region not in (LONG_BONE, PELVIS) or lesion.true("stabilised"):
        return None
    message = gettext(
        "%(lesion)s: pathological fracture, not stabilised: discuss surgical fixation (the technique "
        "depends on the life expectancy), then radiotherapy of the whole bone."
    ) % {"lesion": lesion.label}
    return message, {"fractured": True, "stabilised": False, "region": lesion.region}


def _mirels_surgery(f: _Facts, lesion: _Lesion) -> Outcome:
    mirels = lesion.get("mirels")
    if mirels is None or not mirels >= th.MIRELS_SURGERY_MIN:
        return None
    if lesion.true("fractured") or lesion.true("stabilised"):
        return None
    message = gettext(
        "%(lesion)s: Mirels %(value)s ≥ %(threshold)s: high risk of pathological fracture (33 %% or more): "
        "prophylactic fixation, then radiotherapy; option: percutaneous nailing or screwing ± cementoplasty."
    ) % {"lesion": lesion.label, "value": mirels, "threshold": th.MIRELS_SURGERY_MIN}
    return message, {"mirels": mirels, "fractured": False, "stabilised": False}


def _sins_surgical_opinion(f: _Facts, lesion: _Lesion) -> Outcome:
    sins = lesion.get("sins")
    if sins is None or not sins >= th.SINS_SURGICAL_OPINION_MIN or lesion.true("stabilised"):
        return None
    if _in(sins, th.SINS_UNSTABLE):
        message = gettext(
            "%(lesion)s: SINS %(value)s ≥ %(threshold)s, unstable (%(low)s–%(high)s): ask for a spine "
            "surgeon's opinion."
        )
        low, high = th.SINS_UNSTABLE
    else:
        message = gettext(
            "%(lesion)s: SINS %(value)s ≥ %(threshold)s, potentially unstable (%(low)s–%(high)s): ask for a "
            "spine surgeon's opinion."
        )
        low, high = th.SINS_POTENTIALLY_UNSTABLE
    values = {
        "lesion": lesion.label,
        "value": sins,
        "threshold": th.SINS_SURGICAL_OPINION_MIN,
        "low": low,
        "high": high,
    }
    return message % values, {"sins": sins, "stabilised": False}


def _bilsky_high(f: _Facts, lesion: _Lesion) -> Outcome:
    grade = lesion.get("bilsky")
    if grade not in th.BILSKY_HIGH_GRADES:
        return None
    message = gettext(
        "%(lesion)s: Bilsky grade %(grade)s: high-grade epidural spinal cord compression; discuss "
        "decompression with the spine surgeon."
    ) % {"lesion": lesion.label, "grade": grade}
    return message, {"bilsky": grade}


def _surgery_low_bmi(f: _Facts) -> Outcome:
    bmi = f.get("bmi")
    if not f.surgery_on_the_table or bmi is None or not bmi < th.UNDERWEIGHT_BMI_BELOW:
        return None
    message = gettext(
        "BMI %(value)s kg/m² < %(threshold)s kg/m² (underweight), %(surgery)s: the odds of death within 30 "
        "days of surgery for spinal metastases are about %(ratio)s times higher; assess nutritional status "
        "before surgery."
    ) % {
        "value": _num(bmi, 1, differ_from=th.UNDERWEIGHT_BMI_BELOW),
        "threshold": _num(th.UNDERWEIGHT_BMI_BELOW),
        "surgery": _surgery_context(f),
        "ratio": _num(th.UNDERWEIGHT_30_DAY_MORTALITY_ODDS_RATIO),
    }
    return message, {"bmi": bmi, "surgery_reasons": f.surgery_reasons}


def _bma_dental(f: _Facts) -> Outcome:
    context = _bma_context(f)
    if context is None:
        return None
    exam = f.get("last_dental_exam_date")
    days = f.days_since(exam)
    if days is not None and days < th.DENTAL_EXAM_DUE_DAYS:
        return None
    text, figures = context
    values = {"context": text, "months": th.DENTAL_EXAM_INTERVAL_MONTHS}
    if exam is None:
        message = gettext(
            "%(context)s and no dental evaluation recorded: dental evaluation with panoramic X-ray (risk of "
            "osteonecrosis of the jaw) before the first or next injection, then every %(months)s months."
        )
    else:
        figures = {**figures, "last_dental_exam_date": exam, "days_since_dental_exam": days}
        values.update(date=_day(exam), days=days, limit=th.DENTAL_EXAM_DUE_DAYS)
        message = gettext(
            "%(context)s and last dental evaluation on %(date)s, %(days)s days ago (%(limit)s days or more): "
            "dental evaluation with panoramic X-ray (risk of osteonecrosis of the jaw) before the next "
            "injection, then every %(months)s months."
        )
    message = message % values
    calcium = f.calcium()
    if f.hypercalcaemia():
        urgent = gettext(
            "Hypercalcaemia (corrected calcium %(value)s mmol/L > %(threshold)s mmol/L): do not delay the "
            "injection for the dental evaluation."
        ) % {"value": _ca(calcium), "threshold": _ca(th.CALCIUM_HIGH_ABOVE)}
        message = f"{message} {urgent}"
        figures = {**figures, "corrected_calcium": calcium}
    return message, figures


def _bma_renal(f: _Facts) -> Outcome:
    clearance = f.get("creatinine_clearance")
    if clearance is None or not clearance < th.BMA_RENAL_CLEARANCE_BELOW:
        return None
    dose = zoledronic_acid_dose(clearance)
    if clearance < th.ZOLEDRONIC_ACID_CLEARANCE_BELOW:
        limit = th.ZOLEDRONIC_ACID_CLEARANCE_BELOW
        message = gettext(
            "Creatinine clearance %(value)s mL/min < %(threshold)s mL/min: zoledronic acid is "
            "contraindicated; prefer denosumab 120 mg SC every 4 weeks (no renal adjustment)."
        )
        values = {"value": _num(clearance, 1, differ_from=limit), "threshold": limit}
    else:
        limit = th.BMA_RENAL_CLEARANCE_BELOW
        message = gettext(
            "Creatinine clearance %(value)s mL/min < %(threshold)s mL/min: zoledronic acid %(dose)s mg "
            "instead of 4 mg (dose for the clearance); denosumab needs no renal adjustment."
        )
        # no trailing zero on a dose ("3 mg", never "3.0 mg")
        values = {"value": _num(clearance, 1, differ_from=limit), "threshold": limit, "dose": _num(dose, 1)}
    return message % values, {"creatinine_clearance": clearance, "zoledronic_acid_dose_mg": dose}


def _bma_denosumab_renal(f: _Facts) -> Outcome:
    clearance = f.get("creatinine_clearance")
    limit = th.DENOSUMAB_HYPOCALCAEMIA_CLEARANCE_BELOW
    if f.get("bma_current") != "denosumab" or clearance is None or not clearance < limit:
        return None
    figures: dict[str, Any] = {"bma_current": "denosumab", "creatinine_clearance": clearance}
    values = {"value": _num(clearance, 1, differ_from=limit), "threshold": limit}
    hypercalcaemia, calcium = f.hypercalcaemia(), f.calcium()
    if hypercalcaemia is None:
        message = gettext(
            "Denosumab in progress and creatinine clearance %(value)s mL/min < %(threshold)s mL/min: risk of "
            "severe hypocalcaemia; monitor calcium closely, with calcium and vitamin D supplements unless "
            "hypercalcaemic (check corrected calcium)."
        )
    elif hypercalcaemia:
        message = gettext(
            "Denosumab in progress and creatinine clearance %(value)s mL/min < %(threshold)s mL/min: risk of "
            "severe hypocalcaemia; monitor calcium closely; no calcium or vitamin D supplement while "
            "hypercalcaemic (corrected calcium %(calcium)s mmol/L)."
        )
    else:
        message = gettext(
            "Denosumab in progress and creatinine clearance %(value)s mL/min < %(threshold)s mL/min: risk of "
            "severe hypocalcaemia; monitor calcium closely, with calcium and vitamin D supplements."
        )
    if calcium is not None:
        values["calcium"] = _ca(calcium)
        figures["corrected_calcium"] = calcium
    return message % values, figures


def _bma_za_creatinine(f: _Facts) -> Outcome:
    baseline, latest = f.get("creatinine_baseline"), f.get("creatinine_latest")
    if f.get("bma_current") != "zoledronic_acid" or baseline is None or latest is None:
        return None
    rise = (Decimal(repr(latest)) - Decimal(repr(baseline))).quantize(
        Decimal(1).scaleb(-th.CREATININE_DECIMALS), rounding=ROUND_HALF_UP
    )
    normal = baseline < th.ZA_CREATININE_ABNORMAL_BASELINE_FROM
    limit = th.ZA_CREATININE_RISE_NORMAL_BASELINE if normal else th.ZA_CREATININE_RISE_ABNORMAL_BASELINE
    if not rise >= Decimal(repr(limit)):
        return None
    if normal:
        message = gettext(
            "Zoledronic acid in progress and creatinine %(latest)s µmol/L, %(rise)s µmol/L above the "
            "baseline of %(baseline)s µmol/L (a rise of %(limit)s µmol/L or more for a baseline below "
            "%(band)s µmol/L): renal deterioration; withhold zoledronic acid until creatinine is back within "
            "%(percent)s %% of baseline."
        )
    else:
        message = gettext(
            "Zoledronic acid in progress and creatinine %(latest)s µmol/L, %(rise)s µmol/L above the "
            "baseline of %(baseline)s µmol/L (a rise of %(limit)s µmol/L or more for a baseline of %(band)s "
            "µmol/L or more): renal deterioration; withhold zoledronic acid until creatinine is back within "
            "%(percent)s %% of baseline."
        )
    values = {
        "latest": _num(latest),
        "baseline": _num(baseline, differ_from=th.ZA_CREATININE_ABNORMAL_BASELINE_FROM),
        "rise": _num(float(rise), differ_from=limit),
        "limit": _num(limit),
        "band": _num(th.ZA_CREATININE_ABNORMAL_BASELINE_FROM),
        "percent": th.ZA_CREATININE_RESUME_WITHIN_PERCENT,
    }
    figures = {
        "bma_current": "zoledronic_acid",
        "creatinine_baseline": baseline,
        "creatinine_latest": latest,
        "creatinine_rise": float(rise),
    }
    return message % values, figures


def _bma_hypocalcaemia(f: _Facts) -> Outcome:
    context, calcium = _bma_context(f), f.calcium()
    if context is None or calcium is None or not calcium < th.CALCIUM_LOW_BELOW:
        return None
    text, figures = context
    message = gettext(
        "%(context)s and corrected calcium %(value)s mmol/L < %(threshold)s mmol/L: correct the "
        "hypocalcaemia before the injection."
    ) % {"context": text, "value": _ca(calcium), "threshold": _ca(th.CALCIUM_LOW_BELOW)}
    return message, {**figures, "corrected_calcium": calcium}


def _img_single_lesion(f: _Facts) -> Outcome:
    if not f.true("single_lesion_on_whole_body_imaging"):
        return None
    message = gettext(
        "Single bone lesion on whole-body imaging: targeted MRI and specialist opinion; consider a biopsy, "
        "as 15 to 18 per cent of isolated bone lesions are not metastases of the lung cancer."
    )
    return message, {"single_lesion_on_whole_body_imaging": True}


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


def _mirels_discuss(f: _Facts, lesion: _Lesion) -> Outcome:
    mirels = lesion.get("mirels")
    if mirels != th.MIRELS_DISCUSS or lesion.true("fractured") or lesion.true("stabilised"):
        return None
    message = gettext(
        "%(lesion)s: Mirels %(value)s = %(threshold)s: risk of pathological fracture about 15 %%: discuss at "
        "the board (radiotherapy or prophylactic fixation)."
    ) % {"lesion": lesion.label, "value": mirels, "threshold": th.MIRELS_DISCUSS}
    return message, {"mirels": mirels, "fractured": False, "stabilised": False}


def _percutaneous_screw(f: _Facts, lesion: _Lesion) -> Outcome:
    mirels = lesion.get("mirels")
    if not (lesion.true("fractured") and lesion.true("proximal_femur_or_pelvis")) or lesion.true(
        "stabilised"
    ):
        return None
    if mirels is None or not mirels > th.PERCUTANEOUS_SCREW_MIRELS_ABOVE:
        return None
    message = gettext(
        "%(lesion)s: pathological fracture of the pelvis or proximal femur with Mirels %(value)s > "
        "%(threshold)s: discuss percutaneous screw fixation under CT or fluoroscopic guidance with the "
        "interventional radiologist."
    ) % {"lesion": lesion.label, "value": mirels, "threshold": th.PERCUTANEOUS_SCREW_MIRELS_ABOVE}
    figures = {"fractured": True, "proximal_femur_or_pelvis": True, "mirels": mirels, "stabilised": False}
    return message, figures


def _surgery_life_expectancy(f: _Facts) -> Outcome:
    months = f.get("life_expectancy_months")
    if not f.surgery_on_the_table or months is None:
        return None
    low, high = th.SURGERY_NO_BENEFIT_BELOW_MONTHS, th.SURGERY_RESECTION_ABOVE_MONTHS
    arthroplasty = th.ARTHROPLASTY_ABOVE_MONTHS
    if months < low:
        message = gettext(
            "Life expectancy %(value)s months < %(low)s months (%(weeks)s weeks), %(surgery)s: no benefit "
            "expected from surgery."
        )
        value = _months(months, low)
    elif months > high:
        message = gettext(
            "Life expectancy %(value)s months > %(high)s months, %(surgery)s: durable stabilisation, with "
            "resection–reconstruction when the lesion allows it; arthroplasty possible (life expectancy > "
            "%(arthroplasty)s months)."
        )
        value = _months(months, high)
    elif months > arthroplasty:
        message = gettext(
            "Life expectancy %(value)s months (%(low)s to %(high)s months), %(surgery)s: less aggressive "
            "osteosynthesis or stabilisation, possibly less durable; arthroplasty possible (life "
            "expectancy > %(arthroplasty)s months)."
        )
        value = _months(months, arthroplasty)
    else:
        message = gettext(
            "Life expectancy %(value)s months (%(low)s to %(high)s months), %(surgery)s: less aggressive "
            "osteosynthesis or stabilisation, possibly less durable; no arthroplasty (only if life "
            "expectancy > %(arthroplasty)s months)."
        )
        value = _months(months, low if months < arthroplasty else arthroplasty)
    values = {
        "value": value,
        "low": _num(low),
        "high": _num(high),
        "weeks": th.SURGERY_NO_BENEFIT_BELOW_WEEKS,
        "arthroplasty": _num(arthroplasty),
        "surgery": _surgery_context(f),
    }
    return message % values, {"life_expectancy_months": months, "surgery_reasons": f.surgery_reasons}


def _postop_rt(f: _Facts, lesion: _Lesion) -> Outcome:
    surgery = lesion.get("surgery_date")
    days = f.days_since(surgery)
    if days is None or not 0 <= days <= th.POSTOP_RT_REMINDER_DAYS or lesion.true("rt_after_surgery"):
        return None
    target = gettext("the surgical bed") if lesion.is_spine else gettext("the whole bone")
    message = gettext(
        "%(lesion)s: surgery on %(date)s and no radiotherapy of this lesion since: post-operative "
        "radiotherapy of %(target)s, %(start)s days to %(weeks)s weeks after surgery (%(first)s to "
        "%(last)s), on healed skin; 30 Gy in 10 fractions usually, 8 Gy in a single fraction as an option."
    ) % {
        "lesion": lesion.label,
        "date": _day(surgery),
        "target": target,
        "start": th.POSTOP_RT_START_DAYS,
        "weeks": th.POSTOP_RT_END_DAYS // 7,
        "first": _day(surgery + datetime.timedelta(days=th.POSTOP_RT_START_DAYS)),
        "last": _day(surgery + datetime.timedelta(days=th.POSTOP_RT_END_DAYS)),
    }
    return message, {"surgery_date": surgery, "days_since_surgery": days, "rt_after_surgery": False}


def _sbrt_oligo(f: _Facts) -> Outcome:
    oligo = _oligometastatic(f)
    if oligo is None or _sbrt_contraindications(f)[0]:
        return None
    description, figures = oligo
    message = gettext(
        "Oligometastatic bone disease (%(description)s): discuss stereotactic radiotherapy at the board; "
        "outside the spine, high-dose normofractionated radiotherapy is an alternative. Contraindications "
        "to rule out: spinal cord compression, spinal instability (SINS ≥ %(sins)s), metabolic radiotherapy, "
        "radiotherapy of the site less than %(rt_months)s months ago, life expectancy < %(months)s months, "
        "spinal canal narrowing > %(percent)s %%, tumour–cord distance < %(mm)s mm."
    ) % {
        "description": description,
        "sins": th.SINS_UNSTABLE_MIN,
        "rt_months": th.SBRT_RECENT_RT_BELOW_MONTHS,
        "months": _num(th.SBRT_LIFE_EXPECTANCY_BELOW_MONTHS),
        "percent": th.SBRT_CANAL_NARROWING_PERCENT,
        "mm": _num(th.SBRT_TUMOUR_CORD_DISTANCE_BELOW_MM),
    }
    return message, figures


def _cementoplasty(f: _Facts, lesion: _Lesion) -> Outcome:
    figures = _cementoplasty_indicated(f, lesion)
    if figures is None or _cementoplasty_contraindications(f, lesion)[0]:
        return None
    values = {"lesion": lesion.label, "pain": lesion.get("pain_nrs"), "threshold": th.CEMENTOPLASTY_NRS_MIN}
    if lesion.is_spine:
        message = gettext(
            "%(lesion)s: pain %(pain)s/10 ≥ %(threshold)s/10 not controlled by analgesics (or opioids not "
            "tolerated): discuss cementoplasty with the interventional radiologist (vertebroplasty, with an "
            "implant if needed; kyphoplasty rarely indicated). Check coagulation and manage anticoagulants "
            "beforehand."
        )
    else:
        message = gettext(
            "%(lesion)s: pain %(pain)s/10 ≥ %(threshold)s/10 not controlled by analgesics (or opioids not "
            "tolerated): discuss cementoplasty with the interventional radiologist. Check coagulation and "
            "manage anticoagulants beforehand."
        )
    message = message % values
    if lesion.is_spine and lesion.get("bilsky") is None:
        message = f"{message} {gettext('Epidural extension unknown: MRI first.')}"
        figures["bilsky"] = None
    return message, figures


def _bma_start(f: _Facts) -> Outcome:
    if not _bma_start_applies(f):
        return None
    lesions, months = f.get("bone_lesion_count"), f.get("life_expectancy_months")
    limit = th.BMA_START_LIFE_EXPECTANCY_ABOVE_MONTHS
    figures: dict[str, Any] = {"bone_lesion_count": lesions, "bma_current": "none"}
    calcium = f.calcium()
    if calcium is None:
        supplements = gettext("check corrected calcium before calcium and vitamin D supplements")
    elif calcium > th.CALCIUM_HIGH_ABOVE:
        supplements = gettext(
            "no calcium or vitamin D supplement while hypercalcaemic (corrected calcium %(value)s mmol/L > "
            "%(threshold)s mmol/L): the agent treats it"
        ) % {"value": _ca(calcium), "threshold": _ca(th.CALCIUM_HIGH_ABOVE)}
    else:
        supplements = gettext(
            "with calcium 1 g/day and vitamin D (corrected calcium %(value)s mmol/L ≤ %(threshold)s mmol/L)"
        ) % {"value": _ca(calcium), "threshold": _ca(th.CALCIUM_HIGH_ABOVE)}
    if calcium is not None:
        figures["corrected_calcium"] = calcium
    values = {
        "lesions": ngettext("%(count)s bone metastasis", "%(count)s bone metastases", lesions)
        % {"count": lesions},
        "threshold": _num(limit),
        "supplements": supplements,
    }
    if months is None:
        message = gettext(
            "%(lesions)s and no bone-modifying agent: start zoledronic acid 4 mg IV every 4 weeks (dose for "
            "the clearance) or denosumab 120 mg SC every 4 weeks; %(supplements)s (life expectancy not "
            "recorded: start only if > %(threshold)s months)."
        )
    else:
        figures["life_expectancy_months"] = months
        values["value"] = _months(months, limit)
        message = gettext(
            "%(lesions)s, no bone-modifying agent and life expectancy %(value)s months > %(threshold)s "
            "months: start zoledronic acid 4 mg IV every 4 weeks (dose for the clearance) or denosumab "
            "120 mg SC every 4 weeks; %(supplements)s."
        )
    return message % values, figures


def _bma_vitamin_d(f: _Facts) -> Outcome:
    context = _bma_context(f)
    if context is None or not f.true("vitamin_d_deficient") or f.hypercalcaemia():
        return None
    text, figures = context
    figures = {**figures, "vitamin_d_deficient": True}
    calcium = f.calcium()
    if calcium is None:
        message = gettext(
            "%(context)s and vitamin D deficiency: correct it (vitamin D, with calcium 1 g/day) after "
            "checking corrected calcium."
        ) % {"context": text}
    else:
        figures["corrected_calcium"] = calcium
        message = gettext(
            "%(context)s, vitamin D deficiency and corrected calcium %(value)s mmol/L ≤ %(threshold)s "
            "mmol/L: correct the deficiency (vitamin D, with calcium 1 g/day)."
        ) % {"context": text, "value": _ca(calcium), "threshold": _ca(th.CALCIUM_HIGH_ABOVE)}
    return message, figures


def _img_spine_mri(f: _Facts) -> Outcome:
    if not (f.spine_lesions and f.false("spine_mri_done")):
        return None
    message = gettext(
        "Spinal lesion (%(lesions)s) and no whole-spine MRI: request a whole-spine MRI, looking for "
        "epiduritis."
    ) % {"lesions": _labels(f.spine_lesions)}
    return message, {"spine_lesions": [x.label for x in f.spine_lesions], "spine_mri_done": False}


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
        "Biopsy indicated (%(reasons)s): image-guided bone biopsy before any treatment, with EDTA "
        "decalcification so that molecular tests remain possible."
    ) % {"reasons": _semicolons(reasons)}
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
    ) % {"description": description, "reasons": _semicolons(reasons)}
    return message, {**figures, **contraindication_figures}


def _mirels_rt(f: _Facts, lesion: _Lesion) -> Outcome:
    mirels = lesion.get("mirels")
    if mirels is None or not mirels <= th.MIRELS_RT_MAX:
        return None
    if lesion.true("fractured") or lesion.true("stabilised"):
        return None
    message = gettext(
        "%(lesion)s: Mirels %(value)s ≤ %(threshold)s: low risk of pathological fracture (about 4 %%): no "
        "prophylactic surgery; radiotherapy if the lesion is painful."
    ) % {"lesion": lesion.label, "value": mirels, "threshold": th.MIRELS_RT_MAX}
    return message, {"mirels": mirels, "fractured": False, "stabilised": False}


def _cementoplasty_contraindicated(f: _Facts, lesion: _Lesion) -> Outcome:
    figures = _cementoplasty_indicated(f, lesion)
    if figures is None:
        return None
    reasons, contraindication_figures = _cementoplasty_contraindications(f, lesion)
    if not reasons:
        return None
    message = gettext(
        "%(lesion)s: pain %(pain)s/10 ≥ %(threshold)s/10 not controlled by analgesics, but cementoplasty is "
        "contraindicated: %(reasons)s."
    ) % {
        "lesion": lesion.label,
        "pain": lesion.get("pain_nrs"),
        "threshold": th.CEMENTOPLASTY_NRS_MIN,
        "reasons": _semicolons(reasons),
    }
    return message, {**figures, **contraindication_figures}


def _ablation(f: _Facts, lesion: _Lesion) -> Outcome:
    pain = lesion.get("pain_nrs")
    if pain is None or not pain > th.ABLATION_NRS_ABOVE:
        return None
    reasons, figures = [], {"pain_nrs": pain}
    if lesion.false("pain_mechanical"):
        reasons.append(gettext("non-mechanical (inflammatory) pain"))
        figures["pain_mechanical"] = False
    sites = f.get("bone_sites_count")
    if sites is not None and sites <= th.ABLATION_MAX_BONE_SITES:
        reasons.append(
            ngettext("%(count)s bone site ≤ %(max)s", "%(count)s bone sites ≤ %(max)s", sites)
            % {"count": sites, "max": th.ABLATION_MAX_BONE_SITES}
        )
        figures["bone_sites_count"] = sites
    if not reasons or _ablation_exclusions(lesion)[0]:
        return None
    message = gettext(
        "%(lesion)s: pain %(value)s/10 > %(threshold)s/10 under analgesics, %(reasons)s: discuss "
        "percutaneous thermal ablation (radiofrequency, cryoablation or microwaves) with the interventional "
        "radiologist."
    ) % {
        "lesion": lesion.label,
        "value": pain,
        "threshold": th.ABLATION_NRS_ABOVE,
        "reasons": ", ".join(reasons),
    }
    return message, figures


def _surgery_contraindicated(f: _Facts) -> Outcome:
    months = f.get("life_expectancy_months")
    low, high = th.SURGERY_NO_BENEFIT_BELOW_MONTHS, th.SURGERY_CONTRAINDICATED_BELOW_MONTHS
    if not f.surgery_on_the_table or months is None or not low <= months < high:
        return None
    message = gettext(
        "Life expectancy %(value)s months < %(threshold)s months, %(surgery)s: the Chinese consensus advises "
        "against surgery under %(threshold)s months; the board's guideline allows less aggressive "
        "stabilisation from %(weeks)s weeks: weigh the expected benefit."
    ) % {
        "value": _months(months, high),
        "threshold": _num(high),
        "weeks": th.SURGERY_NO_BENEFIT_BELOW_WEEKS,
        "surgery": _surgery_context(f),
    }
    return message, {"life_expectancy_months": months, "surgery_reasons": f.surgery_reasons}


def _surgery_functional_prognosis(f: _Facts) -> Outcome:
    if not f.surgery_on_the_table:
        return None
    met, unmet, figures = [], [], {}
    tokuhashi, tomita, age, asa = f.get("tokuhashi"), f.get("tomita"), f.get("age"), f.get("asa")
    if tokuhashi is not None:
        limit = th.FAVOURABLE_TOKUHASHI_MIN
        if tokuhashi >= limit:
            met.append(
                gettext("Tokuhashi %(value)s ≥ %(threshold)s") % {"value": tokuhashi, "threshold": limit}
            )
        else:
            unmet.append(
                gettext("Tokuhashi %(value)s < %(threshold)s") % {"value": tokuhashi, "threshold": limit}
            )
        figures["tokuhashi"] = tokuhashi
    if tomita is not None:
        limit = th.FAVOURABLE_TOMITA_MAX
        if tomita <= limit:
            met.append(gettext("Tomita %(value)s ≤ %(threshold)s") % {"value": tomita, "threshold": limit})
        else:
            unmet.append(gettext("Tomita %(value)s > %(threshold)s") % {"value": tomita, "threshold": limit})
        figures["tomita"] = tomita
    if age is not None:
        limit = th.FAVOURABLE_AGE_BELOW
        if age < limit:
            met.append(gettext("age %(value)s < %(threshold)s") % {"value": age, "threshold": limit})
        else:
            unmet.append(gettext("age %(value)s ≥ %(threshold)s") % {"value": age, "threshold": limit})
        figures["age"] = age
    if asa is not None:
        low, high = th.FAVOURABLE_ASA
        values = {"value": asa, "low": low, "high": high}
        if _in(asa, th.FAVOURABLE_ASA):
            met.append(gettext("ASA %(value)s (%(low)s–%(high)s)") % values)
        else:
            unmet.append(gettext("ASA %(value)s (not %(low)s–%(high)s)") % values)
        figures["asa"] = asa
    if not figures:
        return None
    message = gettext(
        "Functional prognosis after surgery (%(surgery)s): favourable factors met: %(met)s; not met: "
        "%(unmet)s."
    ) % {"surgery": _surgery_context(f), "met": ", ".join(met) or "—", "unmet": ", ".join(unmet) or "—"}
    return message, {**figures, "surgery_reasons": f.surgery_reasons}


def _tokuhashi_strategy(f: _Facts) -> Outcome:
    score = f.get("tokuhashi")
    if score is None:
        return None
    if _in(score, th.TOKUHASHI_EXCISIONAL):
        message, bounds = (
            gettext("Revised Tokuhashi %(value)s (%(low)s–%(high)s): excisional surgery."),
            th.TOKUHASHI_EXCISIONAL,
        )
    elif _in(score, th.TOKUHASHI_PALLIATIVE):
        message, bounds = (
            gettext("Revised Tokuhashi %(value)s (%(low)s–%(high)s): palliative surgery."),
            th.TOKUHASHI_PALLIATIVE,
        )
    else:
        message, bounds = (
            gettext("Revised Tokuhashi %(value)s (%(low)s–%(high)s): conservative treatment."),
            th.TOKUHASHI_CONSERVATIVE,
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
            th.TOMITA_INTRALESIONAL,
        )
    elif _in(score, th.TOMITA_PALLIATIVE):
        message, bounds = (
            gettext("Tomita %(value)s (%(low)s–%(high)s): palliative surgery."),
            th.TOMITA_PALLIATIVE,
        )
    else:
        message, bounds = (
            gettext("Tomita %(value)s (%(low)s–%(high)s): supportive care."),
            th.TOMITA_SUPPORTIVE,
        )
    return message % {"value": score, "low": bounds[0], "high": bounds[1]}, {"tomita": score}


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
            % {"value": _months(months, limit), "threshold": _num(limit)}
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
    if sites is None or not _in(sites, th.LOCAL_TREATMENT_SITES):
        return None
    message = ngettext(
        "%(count)s metastatic site ≤ %(max)s: local treatments can aim at destroying the tumour "
        "(radiotherapy, cementoplasty or ablation, surgery).",
        "%(count)s metastatic sites ≤ %(max)s: local treatments can aim at destroying the tumour "
        "(radiotherapy, cementoplasty or ablation, surgery).",
        sites,
    ) % {"count": sites, "max": th.LOCAL_TREATMENT_SITES[1]}
    return message, {"metastatic_sites_count": sites}


def _bma_review(f: _Facts) -> Outcome:
    agent, start = f.get("bma_current"), f.get("bma_start")
    days = f.days_since(start)
    if agent not in ("zoledronic_acid", "denosumab") or days is None or not days > th.BMA_REVIEW_AFTER_DAYS:
        return None
    context = gettext("Zoledronic acid") if agent == "zoledronic_acid" else gettext("Denosumab")
    message = gettext(
        "%(agent)s started on %(date)s, more than %(months)s months ago (%(days)s > %(limit)s days): "
        "continue for at least 2 years, then review case by case (18 to 24 months in the Chinese consensus)."
    ) % {
        "agent": context,
        "date": _day(start),
        "months": th.BMA_REVIEW_AFTER_MONTHS,
        "days": days,
        "limit": th.BMA_REVIEW_AFTER_DAYS,
    }
    return message, {"bma_current": agent, "bma_start": start, "days_since_bma_start": days}


RULES: tuple[Rule, ...] = (
    Rule(
        "MSCC-EMERGENCY",
        URGENT,
        PATIENT,
        (Cite(DIGEST, (("item", "1"),)), _g("§3.5.3", "§3.8")),
        _mscc_emergency,
    ),
    Rule("MSCC-SUSPECTED", URGENT, PATIENT, (Cite(DIGEST, (("item", "1"),)), _g("§3.8")), _mscc_suspected),
    Rule(
        "CA-CRISIS",
        URGENT,
        PATIENT,
        (
            Cite(REGIONAL_GENERAL, ("§4",)),
            Cite(CHINESE_CONSENSUS, ("§6.3",)),
            Cite(ZOLEDRONIC_ACID_LABEL),
            Cite(DENOSUMAB_LABEL),
        ),
        _ca_crisis,
    ),
    Rule(
        "CA-HIGH",
        WARNING,
        PATIENT,
        (Cite(REGIONAL_GENERAL, ("§4",)), Cite(CHINESE_CONSENSUS, ("§4", "§6.3"))),
        _ca_high,
    ),
    Rule("FRACTURE-FIXATION", WARNING, LESION, (_g("§3.7", "§3.5.4"),), _fracture_fixation),
    Rule("MIRELS-SURGERY", WARNING, LESION, (_g("§3.5.2", "§3.7"),), _mirels_surgery),
    Rule("SINS-SURGICAL-OPINION", WARNING, LESION, (_g("§3.8.1"),), _sins_surgical_opinion),
    Rule("BILSKY-HIGH", WARNING, LESION, (Cite(CHINESE_CONSENSUS, (("fig.", "3"),)),), _bilsky_high),
    Rule("SURGERY-LOW-BMI", WARNING, PATIENT, (Cite(DIGEST, (("item", "8"),)),), _surgery_low_bmi),
    Rule("BMA-DENTAL", WARNING, PATIENT, (_g("§3.4"), Cite(CHINESE_CONSENSUS, ("§6.3.3",))), _bma_dental),
    Rule("BMA-RENAL", WARNING, PATIENT, (_g("§3.4"), Cite(ZOLEDRONIC_ACID_LABEL)), _bma_renal),
    Rule("BMA-DENOSUMAB-RENAL", WARNING, PATIENT, (Cite(DENOSUMAB_LABEL),), _bma_denosumab_renal),
    Rule("BMA-ZA-CREATININE", WARNING, PATIENT, (Cite(ZOLEDRONIC_ACID_LABEL),), _bma_za_creatinine),
    Rule(
        "BMA-HYPOCALCAEMIA",
        WARNING,
        PATIENT,
        (Cite(CHINESE_CONSENSUS, (("table", "1"),)),),
        _bma_hypocalcaemia,
    ),
    Rule(
        "IMG-SINGLE-LESION",
        WARNING,
        PATIENT,
        (_g("§2"), Cite(CHINESE_CONSENSUS, ("§5.2",))),
        _img_single_lesion,
    ),
    Rule("IMG-GCSF", WARNING, PATIENT, (_g("§2"),), _img_gcsf),
    Rule("IMG-FLARE", WARNING, PATIENT, (_g("§2"), Cite(REGIONAL_NUCLEAR, ("§1.2",))), _img_flare),
    Rule("RADES-GROUP", RECOMMENDATION, PATIENT, (_g("§3.5.3"),), _rades_group),
    Rule(
        "MIRELS-DISCUSS",
        RECOMMENDATION,
        LESION,
        (_g("§3.5.2"), Cite(CHINESE_CONSENSUS, (("table", "3"),))),
        _mirels_discuss,
    ),
    Rule("PERCUTANEOUS-SCREW", RECOMMENDATION, LESION, (_g("§3.6.2"),), _percutaneous_screw),
    Rule("SURGERY-LIFE-EXPECTANCY", RECOMMENDATION, PATIENT, (_g("§3.7"),), _surgery_life_expectancy),
    Rule("POSTOP-RT", RECOMMENDATION, LESION, (_g("§3.5.4", "§3.7", "§3.8"),), _postop_rt),
    Rule("SBRT-OLIGO", RECOMMENDATION, PATIENT, (_g("§3.5.5"),), _sbrt_oligo),
    Rule(
        "CEMENTOPLASTY",
        RECOMMENDATION,
        LESION,
        (_g("§3.6.1"), Cite(CHINESE_CONSENSUS, ("§6.7",))),
        _cementoplasty,
    ),
    Rule(
        "BMA-START",
        RECOMMENDATION,
        PATIENT,
        (_g("§3.4"), Cite(CHINESE_CONSENSUS, (("table", "1"), "§6.3"))),
        _bma_start,
    ),
    Rule("BMA-VITAMIN-D", RECOMMENDATION, PATIENT, (_g("§3.4"),), _bma_vitamin_d),
    Rule("IMG-SPINE-MRI", RECOMMENDATION, PATIENT, (_g("§2", "§3.8"),), _img_spine_mri),
    Rule("BIOPSY", RECOMMENDATION, PATIENT, (_g("§2"), Cite(CHINESE_CONSENSUS, ("§5.2",))), _biopsy),
    Rule("SBRT-CONTRAINDICATED", INFO, PATIENT, (_g("§3.5.5"),), _sbrt_contraindicated),
    Rule("MIRELS-RT", INFO, LESION, (_g("§3.5.2"),), _mirels_rt),
    Rule(
        "CEMENTOPLASTY-CONTRAINDICATED",
        INFO,
        LESION,
        (_g("§3.6.1"), Cite(CHINESE_CONSENSUS, ("§6.7",))),
        _cementoplasty_contraindicated,
    ),
    Rule("ABLATION", INFO, LESION, (_g("§3.6", "§3.6.3"),), _ablation),
    Rule(
        "SURGERY-CONTRAINDICATED",
        INFO,
        PATIENT,
        (Cite(CHINESE_CONSENSUS, ("§6.6.3",)), _g("§3.7")),
        _surgery_contraindicated,
    ),
    Rule("SURGERY-FUNCTIONAL-PROGNOSIS", INFO, PATIENT, (_g("§3.8.5"),), _surgery_functional_prognosis),
    Rule("TOKUHASHI-STRATEGY", INFO, PATIENT, (_g("§3.8.5"),), _tokuhashi_strategy),
    Rule("TOMITA-STRATEGY", INFO, PATIENT, (_g("§3.8.5"),), _tomita_strategy),
    Rule(
        "RT-PAIN-SCHEME",
        INFO,
        PATIENT,
        (_g("§3.5.1"), Cite(CHINESE_CONSENSUS, (("table", "2"),))),
        _rt_pain_scheme,
    ),
    Rule("LOCAL-TREATMENT", INFO, PATIENT, (_g("§3"),), _local_treatment),
    Rule("BMA-REVIEW", INFO, PATIENT, (_g("§3.4"), Cite(CHINESE_CONSENSUS, (("table", "1"),))), _bma_review),
)
RULE_IDS = tuple(rule.id for rule in RULES)  # the order of the rules table of rules.md


def evaluate(facts: Mapping[str, Any]) -> list[Finding]:
    """The findings of the rules that fire on `facts`, urgent first, then warnings, recommendations and
    information; within a level, in the order of the rules table, then in the order of `lesions`.
    Never raises on missing facts; ScoreInputError (naming the key) for a known fact of the wrong type
    or out of range, or a lesion list that breaks the contract."""
    known = _Facts(clean_facts(facts))
    findings = []
    for rule in RULES:
        if rule.per == PATIENT:
            outcomes = [(None, rule.check(known))]
        else:
            outcomes = [(lesion.label, rule.check(known, lesion)) for lesion in known.lesions]
        fired = [(lesion, outcome) for lesion, outcome in outcomes if outcome is not None]
        source = rule.source if fired else ""  # rendered for the few rules that fire, not for all
        for lesion, (message, figures) in fired:
            findings.append(Finding(rule.id, rule.level, message, source, lesion, figures))
    findings.sort(key=lambda finding: LEVELS.index(finding.level))  # stable: table, then lesion order
    return findings
