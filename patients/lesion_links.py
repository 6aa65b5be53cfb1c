"""Which tracked lesion a local treatment concerns, read from the treatment's free-text target.

Used once, by the data migration that linked the treatments entered before treatments were linked to
lesions in the record (patients/migrations/0008), and by the demo data, which still names its targets
in words. The site itself never reads a target: a treatment is linked to lesions on its form. A
treatment is linked to a lesion only when its target names that lesion unambiguously:
- vertebral levels ("T9", "T9 ", "L1-L3", "L1–L3", "L1 à L3") name the lesions at those levels;
- otherwise a bone named in English or French ("fémur droit", "right femur", "8e côte gauche",
  "rib 8 left", "cotyle", "sacrum"…) names the one lesion of the patient in that bone, on that side
  and with that rib number when the target gives them. When several lesions fit, or none, the
  treatment is linked to none: no guess.
An unlinked treatment leaves the lesion's treatment facts absent, which the rules read as "not
stabilised" and "no radiotherapy after surgery" (rules.md: absent means false): a reminder may then
show for a lesion that was in fact treated, rather than being silenced by a guess.
"""

import re
import unicodedata

from . import choices as c

S = c.SkeletalSite
FEMUR = {S.FEMUR_HEAD_NECK, S.FEMUR_TROCHANTERIC, S.FEMUR_SUBTROCHANTERIC, S.FEMUR_SHAFT, S.FEMUR_DISTAL}
HUMERUS = {S.HUMERUS_PROXIMAL, S.HUMERUS_SHAFT, S.HUMERUS_DISTAL}
SACRUM = "sacrum"  # the sacral vertebrae S1–S5, recorded as vertebral levels
BONE_WORDS = {
    "femur": FEMUR,
    "humerus": HUMERUS,
    "tibia": {S.TIBIA},
    "fibula": {S.FIBULA},
    "perone": {S.FIBULA},
    "radius": {S.RADIUS_ULNA},
    "ulna": {S.RADIUS_ULNA},
    "cubitus": {S.RADIUS_ULNA},
    "ilium": {S.ILIUM},
    "ilion": {S.ILIUM},
    "iliac": {S.ILIUM},
    "iliaque": {S.ILIUM},
    "ischium": {S.ISCHIUM},
    "ischion": {S.ISCHIUM},
    "pubis": {S.PUBIS},
    "acetabulum": {S.ACETABULUM},
    "cotyle": {S.ACETABULUM},
    "sternum": {S.STERNUM},
    "clavicle": {S.CLAVICLE},
    "clavicule": {S.CLAVICLE},
    "scapula": {S.SCAPULA},
    "omoplate": {S.SCAPULA},
    "skull": {S.SKULL},
    "crane": {S.SKULL},
    "mandible": {S.MANDIBLE},
    "mandibule": {S.MANDIBLE},
    "coccyx": {S.COCCYX},
    "rib": {S.RIB},
    "cote": {S.RIB},
    SACRUM: {S.VERTEBRA},
}
SIDE_WORDS = {
    "right": c.Side.RIGHT,
    "droit": c.Side.RIGHT,
    "droite": c.Side.RIGHT,
    "droits": c.Side.RIGHT,
    "droites": c.Side.RIGHT,
    "left": c.Side.LEFT,
    "gauche": c.Side.LEFT,
    "gauches": c.Side.LEFT,
}
LEVEL = r"([CTLS])\s?(\d{1,2})"
LEVEL_RANGE = re.compile(rf"\b{LEVEL}\s*(?:-|–|—|à|a|to)\s*{LEVEL}\b", re.IGNORECASE)
LEVEL_ONE = re.compile(rf"\b{LEVEL}\b", re.IGNORECASE)
RIB_NUMBER = re.compile(r"^(\d{1,2})(?:e|er|eme|th|st|nd|rd)?$")


def _plain(text: str) -> str:
    """Lower case, without accents: "Côte" → "cote"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _level(letter: str, number: str) -> str | None:
    level = f"{letter.upper()}{int(number)}"
    return level if level in c.VERTEBRAL_LEVELS else None


def named_levels(target: str) -> set[str]:
    """The vertebral levels a target names, ranges expanded: "T11-L1" → {"T11", "T12", "L1"}."""
    levels = set()
    for match in LEVEL_RANGE.finditer(target):
        first, last = _level(*match.group(1, 2)), _level(*match.group(3, 4))
        if first and last:
            low, high = sorted((c.VERTEBRAL_LEVELS.index(first), c.VERTEBRAL_LEVELS.index(last)))
            levels.update(c.VERTEBRAL_LEVELS[low : high + 1])
    for match in LEVEL_ONE.finditer(target):
        level = _level(*match.group(1, 2))
        if level:
            levels.add(level)
    return levels


def linked_lesions(target: str, lesions: list) -> list:
    """The lesions (objects with `site`, `vertebral_level`, `rib_number`, `side`) that `target` names
    unambiguously, or []."""
    if not target or not target.strip():
        return []
    levels = named_levels(target)
    if levels:
        return [
            lesion for lesion in lesions if lesion.site == S.VERTEBRA and lesion.vertebral_level in levels
        ]
    words = re.findall(r"[a-z0-9]+", _plain(target))
    sites, sacrum = set(), False
    for word in words:
        sites |= BONE_WORDS.get(word, set())
        sacrum = sacrum or word == SACRUM
    if not sites:
        return []
    sides = {SIDE_WORDS[word] for word in words if word in SIDE_WORDS}
    numbers = {int(m.group(1)) for word in words if (m := RIB_NUMBER.match(word))}
    candidates = []
    for lesion in lesions:
        if lesion.site not in sites:
            continue
        if lesion.site == S.VERTEBRA and not (sacrum and lesion.vertebral_level.startswith("S")):
            continue
        if sides and lesion.side not in sides:
            continue
        if lesion.site == S.RIB and numbers and lesion.rib_number not in numbers:
            continue
        candidates.append(lesion)
    return candidates if len(candidates) == 1 else []


STABILISING_SURGERY = {"prophylactic_fixation", "osteosynthesis", "arthroplasty", "stabilisation"}
STABILISING_PROCEDURES = {"cementoplasty", "vertebroplasty", "percutaneous_screw_fixation"}
RESECTION = "resection_reconstruction"


def outcome_of(treatment) -> str:
    """The outcome a surgery or procedure of this type gives the lesions it treats (rules.md
    `stabilised`: osteosynthesis, arthroplasty, spinal fixation or cementoplasty)."""
    if treatment.category == "surgery" and treatment.surgery_type == RESECTION:
        return "resected"
    if treatment.category == "surgery" and treatment.surgery_type in STABILISING_SURGERY:
        return "stabilised"
    if treatment.category == "interventional" and treatment.ir_procedure in STABILISING_PROCEDURES:
        return "stabilised"
    return "treated"
