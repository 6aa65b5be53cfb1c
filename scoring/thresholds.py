"""Every threshold of the guideline rules (`scoring.rules`), each named once with its source.

The rules read these names and their messages quote them, so changing a value here changes both the
decision and the text. The facts builder (`patients.facts`) and the conformity check of a decision
(`rcp.conformity`) read the few they need from here too. Specification: ../shared/clinical/rules.md
(version 2); the board's completeness check (`rcp.completeness`) and the prefill of the scores
(`patients.prefill`) read theirs here as well. Sources: "§x" is the inter-regional guideline
OncoBFC/NEON/ONCORIF 2021 (seed 002); 000 and 001 are chapters of the regional thoracic-oncology
guideline (general context, nuclear medicine); 003 is the Chinese expert consensus on bone metastasis
in lung cancer (2022); 004 is the 2026 literature digest.

Time spans are counted in whole days, `(later - earlier).days`, with these conversions:
    6 months  = 183 days  (6 × 30.44 = 182.6, rounded up)
    3 months  =  91 days  (3 × 30.44 = 91.3)
    1 month   =  30 days  (the board's completeness windows)
    24 months = 730 days  (2 × 365)
    15 days   =  15 days;  3 weeks = 21 days
Each span is compared with the operator rules.md writes:
    "within N days (after D)"      : 0 <= days <= N   (day N included, the day of D is day 0)
    "0 to N days"                   : 0 <= days <= N
    "less than N days ago"          : days < N          (day N excluded)
    "N days or more before"         : days >= N
    "more than N days before"       : days > N          (day N excluded)
Life expectancy is the clinician's estimate in months and is compared with the month figures as
given (1.5, 3, 6, 12): it is never converted to days.
"""

# --- Time spans (days) ---------------------------------------------------------------------------
SIX_MONTHS_DAYS = 183
THREE_MONTHS_DAYS = 91
TWENTY_FOUR_MONTHS_DAYS = 730

# --- What the record counts as "now" (rules.md, facts `neurological_deficit`, `spinal_cord_compression`)
RECENT_NEUROLOGY_DAYS = 30  # a deficit recorded, or an MSCC event dated, in the last 30 days (0–30)

# --- MSCC-EMERGENCY, MSCC-SUSPECTED: digest 2026 item 1 (004); §3.5.3; §3.8 ---------------------------
MSCC_MRI_WITHIN_HOURS = 24  # MRI within 24 h of clinical suspicion (004 item 1)
MSCC_SURGERY_EARLIEST_HOURS = 8  # surgery ideally within 8–24 h when indicated (004 item 1)
MSCC_SURGERY_LATEST_HOURS = 24

# --- Calcium (corrected, mmol/L): 000 §4; 003 §4, §6.3; scores.md calcium bands -----------------------
# Classified on the value rounded half up to 2 decimals, as scores.md prescribes for corrected calcium.
CALCIUM_DECIMALS = 2
CALCIUM_CRISIS_ABOVE = 3.50  # hypercalcaemic crisis > 3.5 mmol/L (000 §4)
CALCIUM_HIGH_ABOVE = 2.60  # hypercalcaemia above the normal range (scores.md: normal ≤ 2.60)
CALCIUM_MODERATE_FROM = 3.00  # mild < 3.00 ≤ moderate (scores.md)
CALCIUM_LOW_BELOW = 2.20  # hypocalcaemia < 2.20: correct before a bone-modifying agent (003 table 1)

# --- Mirels (4–12): §3.5.2; 003 table 3; §3.6.2 ------------------------------------------------------
MIRELS_RT_MAX = 7  # ≤ 7: radiotherapy (§3.5.2), fracture risk ≈ 4 % (scores.md)
MIRELS_DISCUSS = 8  # = 8: discuss at the board (§3.5.2), fracture risk ≈ 15 % (003 table 3)
MIRELS_SURGERY_MIN = 9  # ≥ 9: prophylactic fixation (§3.5.2, §3.7), fracture risk ≥ 33 %
PERCUTANEOUS_SCREW_MIRELS_ABOVE = 8  # lytic fracture of pelvis/proximal femur with Mirels > 8 (§3.6.2)

# --- SINS (0–18): §3.8.1 --------------------------------------------------------------------------------
SINS_SURGICAL_OPINION_MIN = 7  # surgical opinion from 7 (§3.8.1)
SINS_POTENTIALLY_UNSTABLE = (7, 12)  # potentially unstable (§3.8.1)
SINS_UNSTABLE = (13, 18)  # unstable (§3.8.1): "spinal instability", an SBRT contraindication (§3.5.5);
# a cementoplasty contraindication pending a surgical opinion and an ablation exclusion (rules.md)
SINS_UNSTABLE_MIN = SINS_UNSTABLE[0]

# --- Bilsky (ESCC): 003 fig. 3 ------------------------------------------------------------------------
BILSKY_HIGH_GRADES = ("2", "3")  # high-grade epidural compression (the cord is compressed): decompression

# --- Surgery "on the table" (rules.md): MSCC, or a lesion not stabilised with one of these ----------
SURGERY_CONSIDERED_MIRELS_MIN = MIRELS_DISCUSS  # Mirels ≥ 8
SURGERY_CONSIDERED_SINS_MIN = SINS_SURGICAL_OPINION_MIN  # SINS ≥ 7
SURGERY_CONSIDERED_FRACTURE_REGIONS = ("long_bone", "pelvis", "spine")  # a pathological fracture there

# --- Tokuhashi revised (0–15) and Tomita (2–10): §3.8.5 --------------------------------------------
TOKUHASHI_EXCISIONAL = (12, 15)
TOKUHASHI_PALLIATIVE = (9, 11)
TOKUHASHI_CONSERVATIVE = (0, 8)
TOMITA_EN_BLOC = (2, 3)
TOMITA_INTRALESIONAL = (4, 5)
TOMITA_PALLIATIVE = (6, 7)
TOMITA_SUPPORTIVE = (8, 10)  # "soins de support" (§3.8.5): supportive care, never "end-of-life care"
# Better functional prognosis after surgery (§3.8.5): Tokuhashi ≥ 6, Tomita ≤ 8, age < 70, low ASA.
FAVOURABLE_TOKUHASHI_MIN = 6
FAVOURABLE_TOMITA_MAX = 8
FAVOURABLE_AGE_BELOW = 70
FAVOURABLE_ASA = (1, 2)  # "peu de comorbidité (score ASA)": ASA 1–2 (rules.md)

# --- Surgery and life expectancy (months): §3.7; 003 §6.6.3; 004 item 8 ------------------------------
SURGERY_NO_BENEFIT_BELOW_MONTHS = 1.5  # < 6 weeks: no benefit from surgery (§3.7)
SURGERY_NO_BENEFIT_BELOW_WEEKS = 6  # the same limit as the guideline words it (§3.7), for the message
SURGERY_RESECTION_ABOVE_MONTHS = 12  # > 1 year: resection–reconstruction (§3.7)
ARTHROPLASTY_ABOVE_MONTHS = 6  # arthroplasty only if life expectancy > 6 months (§3.7.2)
SURGERY_CONTRAINDICATED_BELOW_MONTHS = 3  # the Chinese consensus: contraindicated < 3 months (003 §6.6.3)
UNDERWEIGHT_BMI_BELOW = 18.5  # kg/m², underweight (004 item 8)
UNDERWEIGHT_30_DAY_MORTALITY_ODDS_RATIO = 1.95  # after surgery for spinal metastases (004 item 8)

# --- Post-operative radiotherapy: §3.5.4; §3.7; §3.8 ------------------------------------------------------
POSTOP_RT_START_DAYS = 15  # start 15 days to 3 weeks after surgery, on healed skin (§3.5.4)
POSTOP_RT_END_DAYS = 21  # 3 weeks
POSTOP_RT_REMINDER_DAYS = THREE_MONTHS_DAYS  # reminded for a surgery 0 to 91 days before today (rules.md)

# --- A radiotherapy proposed by the board: what a plausible schedule is (rcp.proposals) -----------------
# Bounds of plausibility, not advice: the schedules of §3.5.1 (8 Gy × 1 to 30 Gy/10), single fractions of
# 12 and 16 Gy, the SBRT schedules of §3.5.5 (up to 35 Gy/5, 24 Gy in 1 or 2 fractions), and a
# conventional 2 Gy a fraction; the total dose and fractions as a recorded course allows (1–80 Gy, 1–40).
RT_PROPOSAL_DOSE_GY = (1, 80)
RT_PROPOSAL_FRACTIONS = (1, 40)
RT_PROPOSAL_DOSE_PER_FRACTION_GY = (1.5, 24)

# --- The target date of an action the board decides (rcp.followup): days after the meeting -------------
# The board's own working defaults, which the owner of an action changes: no guideline gives a delay for
# most of these. Radiotherapy within 2 weeks and surgery within 3 (the usual French RCP indicators); an
# urgent case's actions within 2 days (MSCC: surgery within 24 h, 004 item 1, and corticosteroids at once);
# a surveillance without a date of its own comes back to the board in 3 months.
ACTION_TARGET_DAYS = {
    "radiotherapy": 14,
    "radionuclide": 28,
    "surgery": 21,
    "interventional": 21,
    "bma": 14,
    "corticosteroids": 0,
    "analgesia": 3,
    "systemic": 14,
    "exams": 14,
    "supportive": 14,
    "surveillance": THREE_MONTHS_DAYS,
}
ACTION_TARGET_URGENT_DAYS = 2
ACTION_TARGET_DEFAULT_DAYS = 14  # a kind not listed above

# --- Stereotactic radiotherapy for oligometastatic disease: §3.5.5 ------------------------------------
SBRT_BONE_SITES = (1, 3)  # 1 to 3 bone sites
SBRT_DISEASE_STATUSES = ("stable", "responding")  # "situation carcinologique stabilisée"
SBRT_RECENT_RT_BELOW_DAYS = THREE_MONTHS_DAYS  # contraindication: radiotherapy < 3 months ago
SBRT_RECENT_RT_BELOW_MONTHS = 3  # the same limit in months, for the message
SBRT_LIFE_EXPECTANCY_BELOW_MONTHS = 3  # contraindication: life expectancy < 3 months
SBRT_CANAL_NARROWING_PERCENT = 25  # contraindication: canal narrowing > 25 % (the fact is a boolean)
SBRT_TUMOUR_CORD_DISTANCE_BELOW_MM = 5  # contraindication: tumour–cord distance < 5 mm

# --- Pain: §3.5.1; 003 table 2; §3.6.1; §3.6.3 ----------------------------------------------------------
RT_PAIN_NRS_MIN = 4  # rules.md: painful bone metastasis from NRS 4/10
RT_SINGLE_FRACTION_ECOG_ABOVE = 2  # single fraction if performance status > 2 (003 table 2)
# "Short life expectancy" (003 table 2) is not quantified there: the 3-month horizon of the other rules
# (§3.4, §3.5.5, 003 §6.6.3) is used.
RT_SINGLE_FRACTION_LIFE_EXPECTANCY_BELOW_MONTHS = 3
CEMENTOPLASTY_NRS_MIN = 4  # painful lesion (NRS ≥ 4) despite analgesics (§3.6.1; rules.md)
ABLATION_NRS_ABOVE = 4  # pain persisting > 4/10 under analgesics (§3.6.3)
ABLATION_MAX_BONE_SITES = 3  # oligometastatic disease (§3.6.3, 1–3 sites as in §3.5.5)

# --- Local treatments: §3 ---------------------------------------------------------------------------
LOCAL_TREATMENT_SITES = (1, 2)  # 1 or 2 metastatic sites: local treatments can aim at the tumour (§3)

# --- Bone-modifying agents: §3.4; 003 table 1; 003 §6.3.3; product labels -----------------------------
BMA_START_MIN_LESIONS = 1  # from the discovery of a bone metastasis (§3.4)
BMA_START_LIFE_EXPECTANCY_ABOVE_MONTHS = 3  # to start if life expectancy > 3 months (§3.4; 003 table 1)
DENTAL_EXAM_DUE_DAYS = SIX_MONTHS_DAYS  # due when the last one is 183 days or more old (§3.4: semestrial)
DENTAL_EXAM_INTERVAL_MONTHS = 6  # the same interval in months, for the message
BMA_RENAL_CLEARANCE_BELOW = 60  # mL/min: zoledronic acid dose adjusted below 60 (product label; scores.md)
ZOLEDRONIC_ACID_CLEARANCE_BELOW = 30  # mL/min: zoledronic acid contraindicated (§3.4; product label)
DENOSUMAB_HYPOCALCAEMIA_CLEARANCE_BELOW = 30  # mL/min: severe hypocalcaemia risk (denosumab label)
# Zoledronic acid withheld on renal deterioration (product label): a rise of creatinine of 0.5 mg/dL
# for a normal baseline (< 1.4 mg/dL), of 1.0 mg/dL for an abnormal one (≥ 1.4 mg/dL); resumed when
# creatinine is back within 10 % of baseline. In µmol/L with 1 mg/dL = 88.4 µmol/L.
CREATININE_DECIMALS = 2  # the rise is compared after rounding half up to 2 decimals (rules.md)
ZA_CREATININE_ABNORMAL_BASELINE_FROM = 123.76  # 1.4 mg/dL
ZA_CREATININE_RISE_NORMAL_BASELINE = 44.2  # 0.5 mg/dL
ZA_CREATININE_RISE_ABNORMAL_BASELINE = 88.4  # 1.0 mg/dL
ZA_CREATININE_RESUME_WITHIN_PERCENT = 10
BMA_REVIEW_AFTER_DAYS = TWENTY_FOUR_MONTHS_DAYS  # at least 2 years, then review (§3.4; 003 table 1)
BMA_REVIEW_AFTER_MONTHS = 24  # the same limit in months, for the message

# --- Imaging: §2; 001 §1.2 ---------------------------------------------------------------------------
GCSF_PET_WITHIN_DAYS = 15  # no FDG-PET within the 15 days after G-CSF (§2); day 15 included
FLARE_WITHIN_DAYS = SIX_MONTHS_DAYS  # flare phenomenon < 6 months after treatment start (§2; 001 §1.2)
FLARE_WITHIN_MONTHS = 6  # the same limit in months, for the message

# --- Reading the record for the scores: scores.md ---------------------------------------------------
AVERAGE_MONTH_DAYS = 30.4375  # 365.25 / 12: a span of days in months (Rades interval, scores.md ≤ 15 / > 15)
# Mirels pain from the lesion's NRS: 1–3 mild, from 4 moderate (the usual NRS bands; rules.md likewise
# counts a bone metastasis as painful from NRS 4, RT_PAIN_NRS_MIN); mechanical pain is "functional".
MIRELS_MILD_PAIN_NRS_MAX = RT_PAIN_NRS_MIN - 1

# --- The board's completeness check of a case (design.md: the coordinator checks each case) ---------
# Recent enough for the board: imaging of the last 3 months, performance status and labs of the last month.
COMPLETE_IMAGING_WITHIN_DAYS = THREE_MONTHS_DAYS
COMPLETE_ASSESSMENT_WITHIN_DAYS = 30
COMPLETE_LABS_WITHIN_DAYS = 30
