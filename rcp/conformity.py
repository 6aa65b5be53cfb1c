"""Does a proposal go against the guideline? rules.md (version 2), "Checked against the decision, not by
`evaluate`": each contradiction says what the proposal goes against. The board may still decide so
(the chair confirms), and the confirmation is recorded in the minute.

Exactly these, no more: surgery with a life expectancy under `SURGERY_NO_BENEFIT_BELOW_MONTHS`;
stereotactic radiotherapy while SBRT-CONTRAINDICATED fires; cementoplasty where
CEMENTOPLASTY-CONTRAINDICATED fires; ablation of a lesion excluded from ABLATION (fracture or fracture
risk, compression, instability); zoledronic acid with a clearance under
`ZOLEDRONIC_ACID_CLEARANCE_BELOW` or while BMA-ZA-CREATININE fires; calcium supplements with
hypercalcaemia; a bone scan when an FDG-PET is available. A low BMI is a warning, not a deviation, and
the less aggressive stabilisation of §3.7 (life expectancy between `SURGERY_NO_BENEFIT_BELOW_MONTHS` and
`SURGERY_CONTRAINDICATED_BELOW_MONTHS`) is not a deviation either. Every limit is read from
`scoring.thresholds`, where its value and source are.

A cementoplasty or an ablation is checked against the lesions its line names; a proposal recorded
before the lines existed named its site in words only, and is checked against every lesion of the record.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from scoring import thresholds as th
from scoring.rules import ablation_exclusions, format_number

from .proposals import ABLATING, CEMENTING, HYPERCALCAEMIA, legacy_lines


def _lesions(findings) -> str:
    return ", ".join(f.lesion for f in findings if f.lesion)


def _concerning(findings, row) -> list:
    """The lesion findings about the lesions a line names (every one when the line names none: a
    proposal recorded before lines existed named its site in words only)."""
    if not row["lesions"]:
        return findings
    return [f for f in findings if f.lesion in row["lesions"]]


def _rows(proposals) -> list[dict]:
    """Proposal rows (rcp.proposals.decision_rows), or the JSON dict of a decision from before the lines."""
    return legacy_lines(proposals) if isinstance(proposals, dict) else list(proposals or [])


def contradictions(proposals, findings, facts: dict, *, to_confirm=False) -> list[str]:
    """The proposals of a decision that go against the findings (and facts) of the record. `proposals`:
    its rows (rcp.proposals.decision_rows). With `to_confirm`, leave out what a line's own confirmation
    already confirms (a stereotactic line confirmed despite SBRT-CONTRAINDICATED)."""
    rows, facts = _rows(proposals), facts or {}
    fired: dict[str, list] = {}
    for finding in findings:
        fired.setdefault(finding.rule, []).append(finding)
    found = []

    def of_kind(kind):
        return [row for row in rows if row["kind"] == kind]

    months = facts.get("life_expectancy_months")
    if of_kind("surgery") and months is not None and months < th.SURGERY_NO_BENEFIT_BELOW_MONTHS:
        found.append(
            _(
                "Surgery is proposed although the life expectancy is %(value)s months, under %(limit)s "
                "months (%(weeks)s weeks): no benefit is expected from surgery."
            )
            % {
                "value": format_number(float(months), differ_from=th.SURGERY_NO_BENEFIT_BELOW_MONTHS),
                "limit": format_number(th.SURGERY_NO_BENEFIT_BELOW_MONTHS),
                "weeks": th.SURGERY_NO_BENEFIT_BELOW_WEEKS,
            }
        )

    stereotactic = [row for row in of_kind("radiotherapy") if row["details"].get("technique") == "sbrt"]
    if to_confirm:
        stereotactic = [row for row in stereotactic if not row["details"].get("confirmed")]
    if stereotactic and "SBRT-CONTRAINDICATED" in fired:
        found.append(
            _("Stereotactic radiotherapy is proposed although a contraindication holds (see the findings).")
        )

    interventional = of_kind("interventional")
    cemented = [
        finding
        for row in interventional
        if row["details"].get("procedure") in CEMENTING
        for finding in _concerning(fired.get("CEMENTOPLASTY-CONTRAINDICATED", []), row)
    ]
    if cemented:
        found.append(
            _("Cementoplasty is proposed although it is contraindicated for %(lesions)s.")
            % {"lesions": _lesions(dict.fromkeys(cemented))}
        )
    ablations = [row for row in interventional if row["details"].get("procedure") in ABLATING]
    if ablations:
        named = {label for row in ablations for label in row["lesions"]}
        every = any(not row["lesions"] for row in ablations)
        excluded = [(label, texts) for label, texts in ablation_exclusions(facts) if every or label in named]
        if excluded:
            reasons = _("; ").join(
                _("%(lesion)s: %(text)s") % {"lesion": label, "text": ", ".join(texts)}
                for label, texts in excluded
            )
            found.append(
                _("Thermal ablation is proposed although a lesion is excluded from ablation (%(reasons)s).")
                % {"reasons": reasons}
            )

    agents = [row["details"] for row in of_kind("bma")]
    if any(
        d.get("drug") == "zoledronic_acid" and d.get("action", "start") in ("start", "continue")
        for d in agents
    ):
        clearance = facts.get("creatinine_clearance")
        if clearance is not None and clearance < th.ZOLEDRONIC_ACID_CLEARANCE_BELOW:
            found.append(
                _(
                    "Zoledronic acid is proposed although the creatinine clearance is %(value)s mL/min, "
                    "under %(limit)s mL/min: it is contraindicated."
                )
                % {
                    "value": format_number(
                        float(clearance), 1, differ_from=th.ZOLEDRONIC_ACID_CLEARANCE_BELOW
                    ),
                    "limit": th.ZOLEDRONIC_ACID_CLEARANCE_BELOW,
                }
            )
        if "BMA-ZA-CREATININE" in fired:
            found.append(
                _(
                    "Zoledronic acid is proposed although creatinine has risen since it started: withhold it "
                    "until creatinine is back near its baseline."
                )
            )
    hypercalcaemia = [f for rule in sorted(HYPERCALCAEMIA & set(fired)) for f in fired[rule]]
    if any(d.get("calcium_vitamin_d") for d in agents) and hypercalcaemia:
        found.append(
            _(
                "Calcium supplements are proposed although the corrected calcium is %(value)s mmol/L "
                "(hypercalcaemia above %(limit)s mmol/L)."
            )
            % {
                "value": format_number(hypercalcaemia[0].figures["corrected_calcium"], fixed=True),
                "limit": format_number(th.CALCIUM_HIGH_ABOVE, fixed=True),
            }
        )

    pet = facts.get("last_fdg_pet_date")
    if any(row["details"].get("exam") == "bone_scan" for row in of_kind("exams")) and pet is not None:
        found.append(
            _(
                "A bone scan is proposed although an FDG-PET is available (%(date)s): a bone scan is not "
                "indicated after an FDG-PET."
            )
            % {"date": date_format(pet)}
        )
    return found
