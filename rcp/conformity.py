"""Does a proposal contradict the guideline's findings? Each contradiction names the finding it goes against.

The board may still decide so (the chair confirms), and the reason is recorded: deviations are counted.
"""

from django.utils.translation import gettext as _

SHORT_LIFE_MONTHS = 1.5  # six weeks: no benefit from surgery (guideline §3.7)
ZOLEDRONIC_CLEARANCE_MIN = 30  # mL/min: zoledronic acid not recommended below (product label)


def contradictions(proposals: dict, findings) -> list[str]:
    by_rule = {finding.rule: finding for finding in findings}
    found = []
    if "surgery" in proposals:
        if "SURGERY-CONTRAINDICATED" in by_rule:
            found.append(
                _("Surgery is proposed although surgery is contraindicated (life expectancy under 3 months).")
            )
        months = by_rule.get("SURGERY-LIFE-EXPECTANCY")
        if months and months.figures.get("life_expectancy_months", 99) < SHORT_LIFE_MONTHS:
            found.append(_("Surgery is proposed although the life expectancy is under 6 weeks."))
        if "SURGERY-LOW-BMI" in by_rule:
            found.append(_("Surgery is proposed for an underweight patient (BMI under 18.5)."))
    if (proposals.get("radiotherapy") or {}).get("scheme") == "sbrt" and "SBRT-CONTRAINDICATED" in by_rule:
        found.append(_("Stereotactic radiotherapy is proposed although a contraindication holds."))
    bma = proposals.get("bma") or {}
    renal = by_rule.get("BMA-RENAL")
    low_clearance = renal and renal.figures.get("creatinine_clearance", 99) < ZOLEDRONIC_CLEARANCE_MIN
    if bma.get("agent") == "zoledronic_acid" and low_clearance:
        found.append(_("Zoledronic acid is proposed although the clearance is under 30 mL/min."))
    if "bma" in proposals and "BMA-HYPOCALCAEMIA" in by_rule:
        found.append(_("A bone-modifying agent is proposed before the hypocalcaemia is corrected."))
    if "MSCC-EMERGENCY" in by_rule and not {"surgery", "radiotherapy"} & set(proposals):
        found.append(_("Spinal cord compression: neither surgery nor radiotherapy is proposed."))
    if "MIRELS-SURGERY" in by_rule and "surveillance" in proposals and len(proposals) == 1:
        found.append(_("High fracture risk (Mirels ≥ 9): surveillance alone is proposed."))
    return found
