"""Every threshold of the guideline rules (`scoring.rules`), each named once with its source.

The rules read these names and their messages quote them, so changing a value here changes both the
decision and the text. Specification: ../shared/clinical/rules.md. Sources: "§x" is the inter-regional
guideline OncoBFC/NEON/ONCORIF 2021 (seed 002); 000 and 001 are chapters of the regional
thoracic-oncology guideline (general context, nuclear medicine); 003 is the Chinese expert consensus
on bone metastasis in lung cancer (2022); 004 is the 2026 literature digest.

Time spans are counted in whole days, `(later - earlier).days`, with these conversions:
    6 months  = 183 days  (6 × 30.44 = 182.6, rounded up)
    3 months  =  91 days  (3 × 30.44 = 91.3)
    24 months = 730 days  (2 × 365)
    15 days   =  15 days;  3 weeks = 21 days
Each span is compared with the operator rules.md writes:
    "within N days after D"  : 0 <= days <= N   (day N included, the day of D is day 0)
    "< N after D" / "less than N ago": days < N  (day N excluded)
    "more than N before"     : days > N          (day N excluded)
Life expectancy is the clinician's estimate in months and is compared with the month figures as
given (1.5, 3, 6, 12): it is never converted to days.
"""

# --- Time spans (days) ---------------------------------------------------------------------------
SIX_MONTHS_DAYS = 183
THREE_MONTHS_DAYS = 91
TWENTY_FOUR_MONTHS_DAYS = 730

# --- MSCC-EMERGENCY: digest 2026 item 1 (004); §3.5.3 ------------------------------------------------
MSCC_MRI_WITHIN_HOURS = 24  # MRI within 24 h of clinical suspicion (004 item 1)
MSCC_SURGERY_EARLIEST_HOURS = 8  # surgery ideally within 8–24 h when indicated (004 item 1)
MSCC_SURGERY_LATEST_HOURS = 24

# --- Calcium (corrected, mmol/L): 000 §4; 003 §4; scores.md calcium bands -----------------------------
# Classified on the value rounded half up to 2 decimals, as scores.md prescribes for corrected calcium.
CALCIUM_DECIMALS = 2
CALCIUM_CRISIS_ABOVE = 3.50  # hypercalcaemic crisis > 3.5 mmol/L (000 §4)
CALCIUM_HIGH_ABOVE = 2.60  # hypercalcaemia above the normal range (scores.md: normal ≤ 2.60)
CALCIUM_MODERATE_FROM = 3.00  # mild < 3.00 ≤ moderate (scores.md)
CALCIUM_LOW_BELOW = 2.20  # hypocalcaemia < 2.20: correct before a bone-modifying agent (003 table 1)

# --- Mirels (4–12): §3.5.2; 003 table 3; §3.6.2 ------------------------------------------------------
MIRELS_RT_MAX = 7  # ≤ 7: radiotherapy (§3.5.2)
MIRELS_DISCUSS = 8  # = 8: discuss at the board (§3.5.2), fracture risk ≈ 15 % (003 table 3)
MIRELS_SURGERY_MIN = 9  # ≥ 9: prophylactic fixation (§3.5.2, §3.7)
PERCUTANEOUS_SCREW_MIRELS_ABOVE = 8  # lytic fracture of pelvis/proximal femur with Mirels > 8 (§3.6.2)

# --- SINS (0–18): §3.8.1 --------------------------------------------------------------------------------
SINS_SURGICAL_OPINION_MIN = 7  # surgical opinion from 7 (§3.8.1)
SINS_POTENTIALLY_UNSTABLE = (7, 12)  # potentially unstable (§3.8.1)
SINS_UNSTABLE = (13, 18)  # unstable (§3.8.1); also "spinal instability", an SBRT contraindication (§3.5.5)

# --- Bilsky (ESCC): 003 fig. 3; NOMS ------------------------------------------------------------------
BILSKY_HIGH_GRADES = ("2", "3")  # high-grade epidural compression: decompression to discuss

# --- Tokuhashi revised (0–15) and Tomita (2–10): §3.8.5 --------------------------------------------
TOKUHASHI_EXCISIONAL = (12, 15)
TOKUHASHI_PALLIATIVE = (9, 11)
TOKUHASHI_CONSERVATIVE = (0, 8)
TOMITA_EN_BLOC = (2, 3)
TOMITA_INTRALESIONAL = (4, 5)
TOMITA_PALLIATIVE = (6, 7)
TOMITA_SUPPORTIVE = (8, 10)

# --- Surgery and life expectancy (months): §3.7; 003 §6.6.3 ----------------------------------------
SURGERY_NO_BENEFIT_BELOW_MONTHS = 1.5  # < 6 weeks: no benefit from surgery (§3.7)
SURGERY_NO_BENEFIT_BELOW_WEEKS = 6  # the same limit as the guideline words it (§3.7), for the message
SURGERY_RESECTION_ABOVE_MONTHS = 12  # > 1 year: resection–reconstruction (§3.7)
ARTHROPLASTY_ABOVE_MONTHS = 6  # arthroplasty only if life expectancy > 6 months (§3.7.2)
SURGERY_CONTRAINDICATED_BELOW_MONTHS = 3  # surgery contraindicated < 3 months (003 §6.6.3)
UNDERWEIGHT_BMI_BELOW = 18.5  # kg/m², underweight: ≈ 2 × 30-day mortality after spinal surgery (004 item 8)

# --- Post-operative radiotherapy: §3.5.4 ---------------------------------------------------------------
POSTOP_RT_START_DAYS = 15  # start 15 days to 3 weeks after surgery, on healed skin (§3.5.4)
POSTOP_RT_END_DAYS = 21  # 3 weeks

# --- Stereotactic radiotherapy for oligometastatic disease: §3.5.5 ------------------------------------
SBRT_BONE_SITES = (1, 3)  # 1 to 3 bone sites
SBRT_DISEASE_STATUSES = ("stable", "responding")  # "situation carcinologique stabilisée"
SBRT_RECENT_RT_BELOW_DAYS = THREE_MONTHS_DAYS  # contraindication: radiotherapy < 3 months ago
SBRT_RECENT_RT_BELOW_MONTHS = 3  # the same limit in months, for the message
SBRT_LIFE_EXPECTANCY_BELOW_MONTHS = 3  # contraindication: life expectancy < 3 months
SBRT_CANAL_NARROWING_PERCENT = 25  # contraindication: canal narrowing > 25 % (the fact is a boolean)
SBRT_TUMOUR_CORD_DISTANCE_BELOW_MM = 5  # contraindication: tumour–cord distance < 5 mm

# --- Pain: §3.5.1; 003 table 2; §3.6.3 ------------------------------------------------------------------
RT_PAIN_NRS_MIN = 4  # rules.md: painful bone metastasis from NRS 4/10
RT_SINGLE_FRACTION_ECOG_ABOVE = 2  # single fraction if performance status > 2 (003 table 2)
# "Short life expectancy" (003 table 2) is not quantified there: the 3-month horizon of the other rules
# (§3.4, §3.5.5, 003 §6.6.3) is used.
RT_SINGLE_FRACTION_LIFE_EXPECTANCY_BELOW_MONTHS = 3
ABLATION_NRS_ABOVE = 4  # pain persisting > 4/10 under analgesics (§3.6.3)
ABLATION_MAX_BONE_SITES = 3  # oligometastatic disease (§3.6.3, 1–3 sites as in §3.5.5)

# --- Local treatments and cementoplasty: §3; §3.6.1; 003 §6.7 ---------------------------------------
LOCAL_TREATMENT_MAX_SITES = 2  # ≤ 2 metastatic sites: local treatments can aim at the tumour (§3)
CEMENTOPLASTY_MAX_LESIONS = 5  # more than five metastases contraindicate osteoplasty (003 §6.7)

# --- Bone-modifying agents: §3.4; 003 table 1; 003 §6.3.3; product label ---------------------------
BMA_START_MIN_LESIONS = 1  # from the discovery of a bone metastasis (§3.4)
BMA_START_LIFE_EXPECTANCY_ABOVE_MONTHS = 3  # to start if life expectancy > 3 months (§3.4; 003 table 1)
DENTAL_EXAM_VALID_DAYS = SIX_MONTHS_DAYS  # dental evaluation before starting, then every 6 months
DENTAL_EXAM_INTERVAL_MONTHS = 6  # the same interval in months, for the message
BMA_RENAL_CLEARANCE_BELOW = 60  # mL/min: zoledronic acid dose adjusted below 60 (product label; scores.md)
BMA_REVIEW_AFTER_DAYS = TWENTY_FOUR_MONTHS_DAYS  # at least 2 years, then review (§3.4; 003 table 1)
BMA_REVIEW_AFTER_MONTHS = 24  # the same limit in months, for the message

# --- Imaging: §2; 001 §1.2 ---------------------------------------------------------------------------
GCSF_PET_WITHIN_DAYS = 15  # no FDG-PET within the 15 days after G-CSF (§2); day 15 included
FLARE_WITHIN_DAYS = SIX_MONTHS_DAYS  # flare phenomenon < 6 months after treatment start (§2; 001 §1.2)
FLARE_WITHIN_MONTHS = 6  # the same limit in months, for the message
