"""Coded values of the patient record: short stable codes, translated labels, standard codes beside them."""

from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Histology(models.TextChoices):
    """ICD-O-3 morphology codes of lung cancers (WHO classification)."""

    ADENOCARCINOMA = "8140/3", _("Adenocarcinoma (8140/3)")
    SQUAMOUS = "8070/3", _("Squamous cell carcinoma (8070/3)")
    SMALL_CELL = "8041/3", _("Small cell carcinoma (8041/3)")
    LARGE_CELL = "8012/3", _("Large cell carcinoma (8012/3)")
    LARGE_CELL_NEUROENDOCRINE = "8013/3", _("Large cell neuroendocrine carcinoma (8013/3)")
    NSCLC_NOS = "8046/3", _("Non-small cell carcinoma, not otherwise specified (8046/3)")
    ADENOSQUAMOUS = "8560/3", _("Adenosquamous carcinoma (8560/3)")
    SARCOMATOID = "8033/3", _("Sarcomatoid carcinoma (8033/3)")
    CARCINOID = "8240/3", _("Typical carcinoid (8240/3)")
    ATYPICAL_CARCINOID = "8249/3", _("Atypical carcinoid (8249/3)")
    NOT_YET_PROVEN = "8000/3", _("Malignant neoplasm, histology not yet proven (8000/3)")

    @classmethod
    def small_cell_codes(cls):
        return {cls.SMALL_CELL}


class TumourLocation(models.TextChoices):
    """ICD-10 C34 topography of the primary lung tumour."""

    MAIN_BRONCHUS = "C34.0", _("Main bronchus (C34.0)")
    UPPER_LOBE = "C34.1", _("Upper lobe (C34.1)")
    MIDDLE_LOBE = "C34.2", _("Middle lobe (C34.2)")
    LOWER_LOBE = "C34.3", _("Lower lobe (C34.3)")
    OVERLAPPING = "C34.8", _("Overlapping lesion of lung (C34.8)")
    UNSPECIFIED = "C34.9", _("Lung, unspecified (C34.9)")


class Laterality(models.TextChoices):
    RIGHT = "right", _("Right")
    LEFT = "left", _("Left")


class TCategory(models.TextChoices):
    TX = "TX", "TX"
    T0 = "T0", "T0"
    TIS = "Tis", "Tis"
    T1MI = "T1mi", "T1mi"
    T1A = "T1a", "T1a"
    T1B = "T1b", "T1b"
    T1C = "T1c", "T1c"
    T2A = "T2a", "T2a"
    T2B = "T2b", "T2b"
    T3 = "T3", "T3"
    T4 = "T4", "T4"


class NCategory(models.TextChoices):
    NX = "NX", "NX"
    N0 = "N0", "N0"
    N1 = "N1", "N1"
    N2 = "N2", "N2"
    N3 = "N3", "N3"


class MCategory(models.TextChoices):
    M0 = "M0", "M0"
    M1A = "M1a", _("M1a (pleural/pericardial or contralateral lung)")
    M1B = "M1b", _("M1b (single extrathoracic metastasis)")
    M1C = "M1c", _("M1c (multiple extrathoracic metastases)")


class Gene(models.TextChoices):
    EGFR = "EGFR", "EGFR"
    ALK = "ALK", "ALK"
    ROS1 = "ROS1", "ROS1"
    KRAS = "KRAS", "KRAS"
    BRAF = "BRAF", "BRAF"
    MET = "MET", "MET"
    RET = "RET", "RET"
    HER2 = "HER2", "HER2 (ERBB2)"
    NTRK = "NTRK", "NTRK"
    OTHER = "other", _("Other")


class AnalgesicStep(models.IntegerChoices):
    STEP_1 = 1, _("WHO step 1 (non-opioid)")
    STEP_2 = 2, _("WHO step 2 (weak opioid)")
    STEP_3 = 3, _("WHO step 3 (strong opioid)")


class Frankel(models.TextChoices):
    """Frankel grade; D1–D3 are the sub-grades of D used by the revised Tokuhashi score."""

    A = "A", _("A — complete: no motor or sensory function")
    B = "B", _("B — sensory only")
    C = "C", _("C — motor useless (cannot walk)")
    D = "D", _("D — motor useful (sub-grade not stated)")
    D1 = "D1", _("D1 — walks with a walker")
    D2 = "D2", _("D2 — walks with a cane")
    D3 = "D3", _("D3 — walks without aid")
    E = "E", _("E — normal")


class Ambulatory(models.TextChoices):
    """Ambulatory status, in the categories of the Rades score."""

    WITHOUT_AID = "walking_without_aid", _("Walks without aid")
    WITH_AID = "walking_with_aid", _("Walks with aid")
    NOT_AMBULATORY = "not_ambulatory", _("Not ambulatory")
    PARAPLEGIC = "paraplegic", _("Paraplegic")


class DiseaseStatus(models.TextChoices):
    NEW = "new", _("New diagnosis")
    RESPONDING = "responding", _("Responding")
    STABLE = "stable", _("Stable")
    PROGRESSING = "progressing", _("Progressing")


class Modality(models.TextChoices):
    CT = "ct", _("CT")
    MRI = "mri", _("MRI (targeted)")
    SPINE_MRI = "spine_mri", _("Whole-spine MRI")
    WHOLE_BODY_MRI = "wb_mri", _("Whole-body MRI")
    FDG_PET = "fdg_pet", _("FDG-PET/CT")
    NAF_PET = "naf_pet", _("NaF-PET/CT")
    BONE_SCAN = "bone_scan", _("Bone scan")
    SPECT_CT = "spect_ct", _("SPECT-CT")
    XRAY = "xray", _("X-ray")

    @classmethod
    def whole_body(cls):
        return {cls.WHOLE_BODY_MRI, cls.FDG_PET, cls.NAF_PET, cls.BONE_SCAN}

    @classmethod
    def mri(cls):
        return {cls.MRI, cls.SPINE_MRI, cls.WHOLE_BODY_MRI}


class SkeletalSite(models.TextChoices):
    """Fixed skeletal taxonomy; a vertebra carries its level, a rib its number and side."""

    VERTEBRA = "vertebra", _("Vertebra (give the level)")
    COCCYX = "coccyx", _("Coccyx")
    SKULL = "skull", _("Skull")
    MANDIBLE = "mandible", _("Mandible")
    CLAVICLE = "clavicle", _("Clavicle")
    SCAPULA = "scapula", _("Scapula")
    STERNUM = "sternum", _("Sternum")
    RIB = "rib", _("Rib (give the number)")
    ILIUM = "ilium", _("Pelvis — ilium")
    ISCHIUM = "ischium", _("Pelvis — ischium")
    PUBIS = "pubis", _("Pelvis — pubis")
    ACETABULUM = "acetabulum", _("Pelvis — acetabulum")
    FEMUR_HEAD_NECK = "femur_head_neck", _("Femur — head and neck")
    FEMUR_TROCHANTERIC = "femur_trochanteric", _("Femur — trochanteric region")
    FEMUR_SUBTROCHANTERIC = "femur_subtrochanteric", _("Femur — subtrochanteric region")
    FEMUR_SHAFT = "femur_shaft", _("Femur — shaft")
    FEMUR_DISTAL = "femur_distal", _("Femur — distal")
    HUMERUS_PROXIMAL = "humerus_proximal", _("Humerus — proximal")
    HUMERUS_SHAFT = "humerus_shaft", _("Humerus — shaft")
    HUMERUS_DISTAL = "humerus_distal", _("Humerus — distal")
    RADIUS_ULNA = "radius_ulna", _("Radius or ulna")
    TIBIA = "tibia", _("Tibia")
    FIBULA = "fibula", _("Fibula")
    HAND_FOOT = "hand_foot", _("Hand or foot")
    OTHER = "other", _("Other")


PAIRED_SITES = {
    SkeletalSite.CLAVICLE,
    SkeletalSite.SCAPULA,
    SkeletalSite.RIB,
    SkeletalSite.ILIUM,
    SkeletalSite.ISCHIUM,
    SkeletalSite.PUBIS,
    SkeletalSite.ACETABULUM,
    SkeletalSite.FEMUR_HEAD_NECK,
    SkeletalSite.FEMUR_TROCHANTERIC,
    SkeletalSite.FEMUR_SUBTROCHANTERIC,
    SkeletalSite.FEMUR_SHAFT,
    SkeletalSite.FEMUR_DISTAL,
    SkeletalSite.HUMERUS_PROXIMAL,
    SkeletalSite.HUMERUS_SHAFT,
    SkeletalSite.HUMERUS_DISTAL,
    SkeletalSite.RADIUS_ULNA,
    SkeletalSite.TIBIA,
    SkeletalSite.FIBULA,
    SkeletalSite.HAND_FOOT,
}
UPPER_LIMB_LONG_BONES = {
    SkeletalSite.HUMERUS_PROXIMAL,
    SkeletalSite.HUMERUS_SHAFT,
    SkeletalSite.HUMERUS_DISTAL,
    SkeletalSite.RADIUS_ULNA,
}
# Mirels' "peritrochanteric": the proximal femur around the trochanters.
PERITROCHANTERIC = {SkeletalSite.FEMUR_TROCHANTERIC, SkeletalSite.FEMUR_SUBTROCHANTERIC}
LOWER_LIMB_LONG_BONES = {
    SkeletalSite.FEMUR_HEAD_NECK,
    SkeletalSite.FEMUR_SHAFT,
    SkeletalSite.FEMUR_DISTAL,
    SkeletalSite.TIBIA,
    SkeletalSite.FIBULA,
    *PERITROCHANTERIC,
}
LONG_BONES = UPPER_LIMB_LONG_BONES | LOWER_LIMB_LONG_BONES
PELVIS = {SkeletalSite.ILIUM, SkeletalSite.ISCHIUM, SkeletalSite.PUBIS, SkeletalSite.ACETABULUM}
PROXIMAL_FEMUR = {SkeletalSite.FEMUR_HEAD_NECK, *PERITROCHANTERIC}

VERTEBRAL_LEVELS = (
    [f"C{i}" for i in range(1, 8)]
    + [f"T{i}" for i in range(1, 13)]
    + [f"L{i}" for i in range(1, 6)]
    + [f"S{i}" for i in range(1, 6)]
)
VertebralLevel = models.TextChoices("VertebralLevel", [(level, level) for level in VERTEBRAL_LEVELS])

# Sensory level: "none" (examined, no level) or the dermatome of the level (C2 to S5).
SENSORY_NONE = "none"
SENSORY_LEVELS = [(SENSORY_NONE, _("None (no sensory level)"))] + [
    (level, level) for level in VERTEBRAL_LEVELS if level != "C1"
]


class LesionStatus(models.TextChoices):
    """Where a tracked lesion stands after local treatment (set by a surgery or procedure's outcome)."""

    ACTIVE = "active", _("Active")
    STABILISED = "stabilised", _("Stabilised")
    RESECTED = "resected", _("Resected")


class LesionOutcome(models.TextChoices):
    """What a surgery or interventional procedure did to a lesion it treated."""

    TREATED = "treated", _("Treated (no change of status)")
    STABILISED = "stabilised", _("Stabilised (fixation, arthroplasty, cementoplasty)")
    RESECTED = "resected", _("Resected")


class Side(models.TextChoices):
    RIGHT = "right", _("Right")
    LEFT = "left", _("Left")
    MIDLINE = "midline", _("Midline / bilateral")


# A paired bone and its side, translated whole: French puts the side after the bone and makes it agree
# with the bone's gender ("côte 5 droite", "fémur droit — diaphyse"), which no joining of the two
# translated labels can do. The English is the site's label with the side in brackets.
SIDED_SITE_LABELS = {
    (SkeletalSite.CLAVICLE, Side.RIGHT): _("Clavicle (right)"),
    (SkeletalSite.CLAVICLE, Side.LEFT): _("Clavicle (left)"),
    (SkeletalSite.SCAPULA, Side.RIGHT): _("Scapula (right)"),
    (SkeletalSite.SCAPULA, Side.LEFT): _("Scapula (left)"),
    (SkeletalSite.ILIUM, Side.RIGHT): _("Pelvis — ilium (right)"),
    (SkeletalSite.ILIUM, Side.LEFT): _("Pelvis — ilium (left)"),
    (SkeletalSite.ISCHIUM, Side.RIGHT): _("Pelvis — ischium (right)"),
    (SkeletalSite.ISCHIUM, Side.LEFT): _("Pelvis — ischium (left)"),
    (SkeletalSite.PUBIS, Side.RIGHT): _("Pelvis — pubis (right)"),
    (SkeletalSite.PUBIS, Side.LEFT): _("Pelvis — pubis (left)"),
    (SkeletalSite.ACETABULUM, Side.RIGHT): _("Pelvis — acetabulum (right)"),
    (SkeletalSite.ACETABULUM, Side.LEFT): _("Pelvis — acetabulum (left)"),
    (SkeletalSite.FEMUR_HEAD_NECK, Side.RIGHT): _("Femur — head and neck (right)"),
    (SkeletalSite.FEMUR_HEAD_NECK, Side.LEFT): _("Femur — head and neck (left)"),
    (SkeletalSite.FEMUR_TROCHANTERIC, Side.RIGHT): _("Femur — trochanteric region (right)"),
    (SkeletalSite.FEMUR_TROCHANTERIC, Side.LEFT): _("Femur — trochanteric region (left)"),
    (SkeletalSite.FEMUR_SUBTROCHANTERIC, Side.RIGHT): _("Femur — subtrochanteric region (right)"),
    (SkeletalSite.FEMUR_SUBTROCHANTERIC, Side.LEFT): _("Femur — subtrochanteric region (left)"),
    (SkeletalSite.FEMUR_SHAFT, Side.RIGHT): _("Femur — shaft (right)"),
    (SkeletalSite.FEMUR_SHAFT, Side.LEFT): _("Femur — shaft (left)"),
    (SkeletalSite.FEMUR_DISTAL, Side.RIGHT): _("Femur — distal (right)"),
    (SkeletalSite.FEMUR_DISTAL, Side.LEFT): _("Femur — distal (left)"),
    (SkeletalSite.HUMERUS_PROXIMAL, Side.RIGHT): _("Humerus — proximal (right)"),
    (SkeletalSite.HUMERUS_PROXIMAL, Side.LEFT): _("Humerus — proximal (left)"),
    (SkeletalSite.HUMERUS_SHAFT, Side.RIGHT): _("Humerus — shaft (right)"),
    (SkeletalSite.HUMERUS_SHAFT, Side.LEFT): _("Humerus — shaft (left)"),
    (SkeletalSite.HUMERUS_DISTAL, Side.RIGHT): _("Humerus — distal (right)"),
    (SkeletalSite.HUMERUS_DISTAL, Side.LEFT): _("Humerus — distal (left)"),
    (SkeletalSite.RADIUS_ULNA, Side.RIGHT): _("Radius or ulna (right)"),
    (SkeletalSite.RADIUS_ULNA, Side.LEFT): _("Radius or ulna (left)"),
    (SkeletalSite.TIBIA, Side.RIGHT): _("Tibia (right)"),
    (SkeletalSite.TIBIA, Side.LEFT): _("Tibia (left)"),
    (SkeletalSite.FIBULA, Side.RIGHT): _("Fibula (right)"),
    (SkeletalSite.FIBULA, Side.LEFT): _("Fibula (left)"),
    (SkeletalSite.HAND_FOOT, Side.RIGHT): _("Hand or foot (right)"),
    (SkeletalSite.HAND_FOOT, Side.LEFT): _("Hand or foot (left)"),
}
RIB_LABELS = {
    Side.RIGHT: _("Rib %(number)s (right)"),
    Side.LEFT: _("Rib %(number)s (left)"),
}
# Any other site given a side: French says "côté droit", which agrees whatever the bone.
OTHER_SIDED_LABELS = {
    Side.RIGHT: _("%(site)s (right)"),
    Side.LEFT: _("%(site)s (left)"),
}


def site_label(site: str, *, rib_number: int | None = None, side: str = "") -> str:
    """A bone site as the board names it, with its rib number and side (a vertebra is named by its
    level, elsewhere); a midline or bilateral side is not named."""
    if site == SkeletalSite.RIB and rib_number:
        if side in RIB_LABELS:
            return str(RIB_LABELS[side] % {"number": rib_number})
        return str(_("Rib %(number)s") % {"number": rib_number})
    if (site, side) in SIDED_SITE_LABELS:
        return str(SIDED_SITE_LABELS[(site, side)])
    label = str(dict(SkeletalSite.choices).get(site, site))
    if side in OTHER_SIDED_LABELS:
        return str(OTHER_SIDED_LABELS[side] % {"site": label})
    return label


class LesionType(models.TextChoices):
    LYTIC = "lytic", _("Lytic")
    MIXED = "mixed", _("Mixed")
    BLASTIC = "blastic", _("Blastic (sclerotic)")


class CorticalInvolvement(models.TextChoices):
    """Fraction of the bone's width destroyed on plain radiograph (Mirels' size item)."""

    NONE = "none", _("No cortical destruction")
    UNDER_ONE_THIRD = "under_one_third", _("Under one third")
    ONE_TO_TWO_THIRDS = "one_to_two_thirds", _("One to two thirds")
    OVER_TWO_THIRDS = "over_two_thirds", _("Over two thirds")


class Collapse(models.TextChoices):
    """Vertebral body collapse, in the categories of SINS."""

    NONE = "none", _("None")
    INVOLVEMENT_OVER_50 = "involvement_over_50", _("No collapse, over 50 % of the body involved")
    UNDER_50 = "under_50", _("Collapse under 50 %")
    OVER_50 = "over_50", _("Collapse over 50 %")


class Posterolateral(models.TextChoices):
    NONE = "none", _("None")
    UNILATERAL = "unilateral", _("Unilateral")
    BILATERAL = "bilateral", _("Bilateral")


class Alignment(models.TextChoices):
    NORMAL = "normal", _("Normal")
    DEFORMITY = "deformity", _("De novo deformity (kyphosis, scoliosis)")
    SUBLUXATION = "subluxation", _("Subluxation or translation")


class Bilsky(models.TextChoices):
    """Epidural spinal cord compression grade (Bilsky, J Neurosurg Spine 2010;13:324)."""

    G0 = "0", _("0 — bone only")
    G1A = "1a", _("1a — epidural impingement, no thecal-sac deformation")
    G1B = "1b", _("1b — thecal-sac deformation, no cord abutment")
    G1C = "1c", _("1c — thecal-sac deformation with cord abutment")
    G2 = "2", _("2 — cord compression, CSF visible")
    G3 = "3", _("3 — cord compression, no CSF visible")


class Organ(models.TextChoices):
    BRAIN = "brain", _("Brain")
    LIVER = "liver", _("Liver")
    ADRENAL = "adrenal", _("Adrenal")
    LUNG = "lung", _("Lung (contralateral or same lung)")
    PLEURA = "pleura", _("Pleura")
    PERICARDIUM = "pericardium", _("Pericardium")
    DISTANT_NODES = "nodes", _("Distant lymph nodes")
    PERITONEUM = "peritoneum", _("Peritoneum")
    SKIN = "skin", _("Skin and soft tissue")
    OTHER = "other", _("Other")


class Resectability(models.TextChoices):
    RESECTABLE = "resectable", _("Resectable or treatable locally")
    UNRESECTABLE = "unresectable", _("Unresectable")
    UNKNOWN = "unknown", _("Not assessed")


class TreatmentCategory(models.TextChoices):
    SYSTEMIC = "systemic", _("Systemic treatment")
    BONE_MODIFYING = "bma", _("Bone-modifying agent")
    RADIOTHERAPY = "radiotherapy", _("Radiotherapy")
    SURGERY = "surgery", _("Surgery")
    INTERVENTIONAL = "interventional", _("Interventional radiology")
    ANALGESIA = "analgesia", _("Analgesia")
    SUPPORTIVE = "supportive", _("Supportive care (G-CSF…)")
    RADIONUCLIDE = "radionuclide", _("Metabolic (radionuclide) therapy")


class SystemicClass(models.TextChoices):
    CHEMOTHERAPY = "chemotherapy", _("Chemotherapy")
    TARGETED = "targeted", _("Targeted therapy")
    IMMUNOTHERAPY = "immunotherapy", _("Immunotherapy")
    CHEMO_IMMUNOTHERAPY = "chemo_immunotherapy", _("Chemo-immunotherapy")


class BoneAgent(models.TextChoices):
    ZOLEDRONIC_ACID = "zoledronic_acid", _("Zoledronic acid")
    DENOSUMAB = "denosumab", _("Denosumab")


class RTTechnique(models.TextChoices):
    CONFORMAL_3D = "3d", _("3D conformal")
    IMRT = "imrt", _("IMRT / VMAT")
    SBRT = "sbrt", _("Stereotactic (SBRT)")


class RTIntent(models.TextChoices):
    ANALGESIC = "analgesic", _("Palliative, analgesic")
    DECOMPRESSIVE = "decompressive", _("Decompressive (cord compression)")
    POSTOPERATIVE = "postoperative", _("Post-operative")
    ABLATIVE = "ablative", _("Ablative (oligometastatic)")
    CONSOLIDATION = "consolidation", _("Consolidation")


class SurgeryType(models.TextChoices):
    PROPHYLACTIC_FIXATION = "prophylactic_fixation", _("Prophylactic fixation")
    OSTEOSYNTHESIS = "osteosynthesis", _("Osteosynthesis")
    ARTHROPLASTY = "arthroplasty", _("Arthroplasty")
    RESECTION_RECONSTRUCTION = "resection_reconstruction", _("Resection-reconstruction")
    DECOMPRESSION = "decompression", _("Decompression")
    STABILISATION = "stabilisation", _("Stabilisation")


class IRProcedure(models.TextChoices):
    CEMENTOPLASTY = "cementoplasty", _("Cementoplasty")
    VERTEBROPLASTY = "vertebroplasty", _("Vertebroplasty")
    SCREW_FIXATION = "percutaneous_screw_fixation", _("Percutaneous screw fixation")
    THERMAL_ABLATION = "thermal_ablation", _("Thermal ablation")


class EventKind(models.TextChoices):
    """Skeletal-related events (SRE), as defined in the guideline (000)."""

    FRACTURE = "pathological_fracture", _("Pathological fracture")
    CORD_COMPRESSION = "cord_compression", _("Spinal cord compression")
    RT_TO_BONE = "rt_to_bone", _("Radiotherapy to bone")
    BONE_SURGERY = "bone_surgery", _("Surgery to bone")
    HYPERCALCAEMIA = "hypercalcaemia", _("Hypercalcaemia")


class ChoiceDisplay:
    """Model mixin: `get_FOO_display()` translates only the label it returns. Django's own builds a
    dictionary of every choice for each call, hashing, and so translating, every lazy label: a dozen
    translations for one word, the costliest part of a lesion row or of a line of the patient list."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        for choice, label in field.flatchoices:
            if choice == value:
                return force_str(label, strings_only=True)
        return force_str(value, strings_only=True)
