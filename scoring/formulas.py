"""Derived clinical values: corrected calcium, creatinine clearance, zoledronic acid dose, performance
status conversions and body-mass index. Definitions: ../shared/clinical/scores.md.

Numbers may be int, float or Decimal (a bool is not a number); an invalid input raises
ScoreInputError naming the argument.
"""

from decimal import ROUND_HALF_UP, Decimal

from .base import input_error, not_allowed
from .i18n import gettext

# Calcium status (mmol/L, corrected and rounded to 2 decimals): the upper bound of each status,
# inclusive. "hypocalcaemia" < 2.20 ≤ "normal" ≤ 2.60 < "mild" < 3.00 ≤ "moderate" ≤ 3.50 < "severe".
_CALCIUM_STATUSES = (
    (Decimal("2.19"), "hypocalcaemia"),
    (Decimal("2.60"), "normal"),
    (Decimal("2.99"), "mild"),
    (Decimal("3.50"), "moderate"),
)

# Zoledronic acid (mg) by creatinine clearance (mL/min), product label (Zometa, bone metastases):
# > 60: 4.0 mg; then (lowest clearance, inclusive, dose): 50–60: 3.5; 40 to < 50: 3.3; 30 to < 40: 3.0;
# < 30: not recommended.
_FULL_DOSE_ABOVE = 60
_ZOLEDRONIC_ACID_DOSES = ((50, 3.5), (40, 3.3), (30, 3.0))

# Laboratory values as the record stores them: calcium in mmol/L, creatinine in µmol/L. The plausible
# range of each (the form refuses what lies outside) and the factor from mg/dL, the unit of many
# laboratories and of the literature: by molar mass, calcium 40.08 g/mol so 1 mg/dL = 10 / 40.08 =
# 0.2495 mmol/L; creatinine 113.12 g/mol so 1 mg/dL = 10 000 / 113.12 = 88.4 µmol/L (the factor of the
# Cockcroft–Gault formula below). Source: the molar masses from IUPAC standard atomic weights (Ca
# 40.078 g/mol; creatinine C4H7N3O 113.12 g/mol); the same factors as laboratories' SI conversion tables.
CALCIUM_MMOL_L_RANGE = (Decimal("1"), Decimal("5"))
CALCIUM_MMOL_L_PER_MG_DL = Decimal("0.2495")
CREATININE_UMOL_L_RANGE = (Decimal("20"), Decimal("2000"))
CREATININE_UMOL_L_PER_MG_DL = Decimal("88.4")

# Karnofsky → ECOG/WHO, the paired table of scores.md: 100–90 → 0, 80–70 → 1, 60–50 → 2, 40–30 → 3,
# 20–10 → 4, 0 → 5.
_ECOG_BY_KARNOFSKY = {100: 0, 90: 0, 80: 1, 70: 1, 60: 2, 50: 2, 40: 3, 30: 3, 20: 4, 10: 4, 0: 5}
# ECOG/WHO → Karnofsky for prefilling a score: the lower value of each pair (see karnofsky_from_ecog).
_KARNOFSKY_BY_ECOG = {0: 90, 1: 70, 2: 50, 3: 30, 4: 10, 5: 0}


def _number(name, value, *, minimum=None, maximum=None, above=None) -> Decimal:
    """`value` as an exact Decimal (a float through its shortest repr, so 2.605 stays 2.605), or
    ScoreInputError: not a number, not finite, below `minimum`, above `maximum`, or not above `above`."""
    ok = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    number = Decimal(str(value)) if ok else None
    ok = ok and number.is_finite()
    ok = ok and (minimum is None or number >= minimum) and (maximum is None or number <= maximum)
    ok = ok and (above is None or number > above)
    if not ok:
        if above is not None:
            expected = gettext("a number > %(low)s") % {"low": above}
        elif maximum is not None:
            expected = gettext("a number from %(min)s to %(max)s") % {"min": minimum, "max": maximum}
        else:
            expected = gettext("a number ≥ %(min)s") % {"min": minimum}
        raise input_error(name, not_allowed(value, expected))
    return number


def _integer(name, value, table) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in table:
        expected = gettext("one of %(values)s") % {"values": ", ".join(str(v) for v in sorted(table))}
        raise input_error(name, not_allowed(value, expected))
    return value


def _round_half_up(value: Decimal, places: str) -> float:
    return float(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def corrected_calcium(calcium_mmol_l, albumin_g_l) -> float:
    """Calcium corrected for albumin, mmol/L: Ca + 0.025 × (40 − albumin g/L), which is
    Ca + (40 − albumin)/40, rounded to 2 decimals half up (2.405 → 2.41), computed in Decimal.

    Source: regional guideline (chapter "general context", §4, corrected calcaemia); scores.md.
    """
    calcium = _number("calcium_mmol_l", calcium_mmol_l, above=0)
    albumin = _number("albumin_g_l", albumin_g_l, above=0)
    return _round_half_up(calcium + Decimal("0.025") * (40 - albumin), "0.01")


def calcium_status(corrected_mmol_l) -> str:
    """Status of a corrected calcium (mmol/L), first rounded to 2 decimals half up:
    "hypocalcaemia" < 2.20 ≤ "normal" ≤ 2.60 < "mild" < 3.00 ≤ "moderate" ≤ 3.50 < "severe"
    (above 3.50: hypercalcaemic crisis).

    Source: scores.md (contract); regional guideline, chapter "general context", §4.
    """
    value = Decimal(str(_round_half_up(_number("corrected_mmol_l", corrected_mmol_l, above=0), "0.01")))
    return next((status for upper, status in _CALCIUM_STATUSES if value <= upper), "severe")


def creatinine_clearance(age, weight_kg, creatinine_umol_l, sex) -> float:
    """Cockcroft–Gault creatinine clearance, mL/min, unrounded:
    (140 − age) × weight kg / (72 × creatinine µmol/L / 88.4), × 0.85 for a woman; the exact 88.4
    µmol/L per mg/dL conversion, not the rounded 1.23/1.04 constants. `sex` is "male" or "female".
    Adults only (age 18 to 120 years): the formula is not validated in children.

    Source: Cockcroft DW, Gault MH. Nephron 1976;16:31; scores.md.
    """
    years = _number("age", age, minimum=18, maximum=120)
    weight = _number("weight_kg", weight_kg, above=0)
    creatinine = _number("creatinine_umol_l", creatinine_umol_l, above=0)
    if sex not in ("male", "female"):
        raise input_error("sex", not_allowed(sex, gettext("one of %(values)s") % {"values": "male, female"}))
    clearance = (
        (140 - float(years)) * float(weight) / (72 * float(creatinine) / float(CREATININE_UMOL_L_PER_MG_DL))
    )
    return clearance * 0.85 if sex == "female" else clearance


def zoledronic_acid_dose(clearance_ml_min) -> float | None:
    """Zoledronic acid dose (mg, every 3 to 4 weeks) for the unrounded creatinine clearance (mL/min):
    > 60: 4.0; 50–60: 3.5 (exactly 60 → 3.5); 40 to < 50: 3.3; 30 to < 40: 3.0; < 30: None, not
    recommended (prefer denosumab 120 mg SC every 4 weeks, no renal adjustment, with calcium and
    vitamin D).

    Source: zoledronic acid 4 mg product label (Zometa SmPC, bone metastases); scores.md.
    """
    clearance = _number("clearance_ml_min", clearance_ml_min, minimum=0)
    if clearance > _FULL_DOSE_ABOVE:
        return 4.0
    return next((dose for lowest, dose in _ZOLEDRONIC_ACID_DOSES if clearance >= lowest), None)


def ecog_from_karnofsky(karnofsky) -> int:
    """ECOG/WHO performance status of a Karnofsky index (0–100, by tens), by the paired table:
    100–90 → 0, 80–70 → 1, 60–50 → 2, 40–30 → 3, 20–10 → 4, 0 → 5.

    Source: scores.md (paired table); Oken MM et al. Am J Clin Oncol 1982;5:649.
    """
    return _ECOG_BY_KARNOFSKY[_integer("karnofsky", karnofsky, _ECOG_BY_KARNOFSKY)]


def karnofsky_from_ecog(ecog) -> int:
    """Karnofsky index to prefill a score when only ECOG/WHO (0–5) was assessed: the LOWER value of
    the Karnofsky pair of the paired table, 0 → 90, 1 → 70, 2 → 50, 3 → 30, 4 → 10, 5 → 0.

    The lower value never overstates performance: ECOG 1 could be Karnofsky 80 (2 points in the
    Tokuhashi and van der Linden scores) or 70 (1 point); the prefill takes 70, the less favourable
    prognosis, and the clinician corrects it when Karnofsky was actually assessed. For every other
    grade both values of the pair score alike. ECOG 5 (dead) gives 0, outside every score's range.
    Round trip: ecog_from_karnofsky(karnofsky_from_ecog(e)) == e.

    Source: scores.md (paired table); the choice of the lower value is this project's convention.
    """
    return _KARNOFSKY_BY_ECOG[_integer("ecog", ecog, _KARNOFSKY_BY_ECOG)]


def converted_from_mg_dl(value, per_mg_dl, plausible) -> Decimal | None:
    """`value` read as mg/dL and converted (× `per_mg_dl`), when it lies outside the `plausible` range
    (low, high) of the record's unit and its conversion inside it: a value typed in mg/dL. Else None.

    >>> converted_from_mg_dl(9, CALCIUM_MMOL_L_PER_MG_DL, CALCIUM_MMOL_L_RANGE)
    Decimal('2.2455')
    """
    number = _number("value", value)
    low, high = plausible
    if low <= number <= high:
        return None
    converted = number * per_mg_dl
    return converted if low <= converted <= high else None


def bmi(weight_kg, height_cm) -> float:
    """Body-mass index, kg/m²: weight / (height in metres)², rounded to 1 decimal half up.

    Source: WHO definition of the body-mass index.
    """
    weight = _number("weight_kg", weight_kg, above=0)
    height = _number("height_cm", height_cm, above=0)
    return _round_half_up(weight / (height / 100) ** 2, "0.1")


__all__ = [
    "bmi",
    "calcium_status",
    "converted_from_mg_dl",
    "corrected_calcium",
    "creatinine_clearance",
    "ecog_from_karnofsky",
    "karnofsky_from_ecog",
    "zoledronic_acid_dose",
]
