"""The demo's fictional patients, as data: `rcp.demo.load` turns them into rows.

Every name is obviously fictional. Dates are relative to today, so that the record stays current:
"days" is how many days ago, "end_days" too; "age" is in years today. Decimal values are strings.

Each patient: identity and scenario (kept as the tumour's notes); "tumour"; "molecular" as (gene,
variant), tested ten days after the diagnosis; "assessments" ("motor_deficit_days": how long before
the assessment the deficit began); "labs"; "exams", each with its "lesions": the site keys (site,
vertebral_level, rib_number, side) name the tracked lesion, "pain_nrs" and "pain_mechanical" are that
lesion's own pain on the exam's date, "mirels_saved" the inputs of a Mirels score saved then, and the
other keys are what the exam observed; "sites" as (organ, resectability); "treatments", a local
treatment's "target" naming the lesions it treats; "events" as (kind, days ago).
"""

# The demo centre's patients: one or more scenarios each, so that every rule fires on one of them.
PATIENTS = [
    {
        "hospital_id": "DEMO-001",
        "family_name": "Fictif",
        "given_names": "Alice",
        "sex": "female",
        "age": 58,
        "scenario": "EGFR-mutant adenocarcinoma, several vertebral lesions",
        "tumour": {
            "histology": "8140/3",
            "location": "C34.1",
            "laterality": "right",
            "days": 420,
            "t": "T2a",
            "n": "N2",
            "m": "M1c",
            "pdl1": 5,
        },
        "molecular": [("EGFR", "exon 19 deletion")],
        "assessments": [
            {
                "days": 6,
                "ecog": 1,
                "weight_kg": "61",
                "height_cm": 165,
                "pain_nrs": 5,
                "pain_mechanical": True,
                "analgesic_step": 2,
                "frankel": "E",
                "ambulatory_status": "walking_without_aid",
                "life_expectancy_months": "18",
                "disease_status": "progressing",
            }
        ],
        "labs": [{"days": 6, "calcium": "2.42", "albumin": "38", "creatinine": "68"}],
        "exams": [
            {
                "days": 10,
                "modality": "spine_mri",
                "conclusion": "Lésions lytiques T8, T11, L2 et L3.",
                "lesions": [
                    {
                        "site": "vertebra",
                        "vertebral_level": "T8",
                        "lesion_type": "lytic",
                        "pain_nrs": 2,
                        "pain_mechanical": False,
                        "collapse": "none",
                        "posterolateral": "none",
                        "alignment": "normal",
                        "bilsky": "1a",
                    },
                    {
                        "site": "vertebra",
                        "vertebral_level": "T11",
                        "lesion_type": "lytic",
                        "pain_nrs": 5,
                        "pain_mechanical": True,
                        "collapse": "under_50",
                        "posterolateral": "unilateral",
                        "alignment": "normal",
                        "bilsky": "1b",
                    },
                    {
                        "site": "vertebra",
                        "vertebral_level": "L2",
                        "lesion_type": "mixed",
                        "pain_nrs": 0,
                        "collapse": "none",
                        "posterolateral": "none",
                        "alignment": "normal",
                        "bilsky": "0",
                    },
                    {
                        "site": "vertebra",
                        "vertebral_level": "L3",
                        "lesion_type": "lytic",
                        "pain_nrs": 3,
                        "pain_mechanical": False,
                        "collapse": "involvement_over_50",
                        "posterolateral": "none",
                        "alignment": "normal",
                        "bilsky": "0",
                    },
                ],
            }
        ],
        "treatments": [
            {"category": "systemic", "systemic_class": "targeted", "name": "osimertinib", "days": 400}
        ],
    },
    {
        "hospital_id": "DEMO-002",
        "family_name": "Exemple",
        "given_names": "Bernard",
        "sex": "male",
        "age": 67,
        "scenario": "Lytic peritrochanteric femoral lesion at high fracture risk",
        "tumour": {
            "histology": "8070/3",
            "location": "C34.3",
            "laterality": "left",
            "days": 200,
            "t": "T3",
            "n": "N1",
            "m": "M1b",
            "pdl1": 60,
        },
        "assessments": [
            {
                "days": 3,
                "ecog": 1,
                "weight_kg": "78",
                "height_cm": 176,
                "pain_nrs": 7,
                "pain_mechanical": True,
                "analgesic_step": 3,
                "frankel": "E",
                "ambulatory_status": "walking_with_aid",
                "life_expectancy_months": "9",
            }
        ],
        "labs": [{"days": 3, "calcium": "2.35", "albumin": "36", "creatinine": "92"}],
        "exams": [
            {
                "days": 5,
                "modality": "xray",
                "conclusion": "Lyse trochantérienne gauche, > 2/3 de la corticale.",
                "lesions": [
                    {
                        "site": "femur_trochanteric",
                        "side": "left",
                        "lesion_type": "lytic",
                        "pain_nrs": 7,
                        "pain_mechanical": True,
                        "cortical_involvement": "over_two_thirds",
                        "size_mm": 42,
                    }
                ],
            }
        ],
        "treatments": [
            {"category": "systemic", "systemic_class": "immunotherapy", "name": "pembrolizumab", "days": 180}
        ],
    },
    {
        "hospital_id": "DEMO-003",
        "family_name": "Démo",
        "given_names": "Claire",
        "sex": "female",
        "age": 71,
        "scenario": "Spinal cord compression with a new motor deficit",
        "tumour": {
            "histology": "8140/3",
            "location": "C34.1",
            "laterality": "left",
            "days": 300,
            "t": "T2b",
            "n": "N2",
            "m": "M1c",
            "pdl1": 10,
        },
        "assessments": [
            {
                "days": 1,
                "karnofsky": 40,
                "weight_kg": "57",
                "height_cm": 160,
                "pain_nrs": 8,
                "pain_mechanical": True,
                "analgesic_step": 3,
                "frankel": "C",
                "ambulatory_status": "not_ambulatory",
                "motor_deficit_days": 3,
                "life_expectancy_months": "4",
            }
        ],
        "labs": [{"days": 1, "calcium": "2.30", "albumin": "33", "creatinine": "75"}],
        "exams": [
            {
                "days": 1,
                "modality": "spine_mri",
                "conclusion": "Épidurite T6 comprimant la moelle.",
                "lesions": [
                    {
                        "site": "vertebra",
                        "vertebral_level": "T6",
                        "lesion_type": "lytic",
                        "pain_nrs": 8,
                        "pain_mechanical": True,
                        "collapse": "over_50",
                        "posterolateral": "bilateral",
                        "alignment": "deformity",
                        "bilsky": "3",
                        "soft_tissue_extension": True,
                    }
                ],
            }
        ],
        "sites": [("liver", "unresectable")],
        "events": [("cord_compression", 1)],
        "treatments": [
            {
                "category": "systemic",
                "systemic_class": "chemo_immunotherapy",
                "name": "carboplatine-pémétrexed-pembrolizumab",
                "days": 280,
                "end_days": 60,
            }
        ],
    },
    {
        "hospital_id": "DEMO-004",
        "family_name": "Modèle",
        "given_names": "Daniel",
        "sex": "male",
        "age": 62,
        "scenario": "Oligometastatic disease: a single iliac lesion",
        "tumour": {
            "histology": "8140/3",
            "location": "C34.1",
            "laterality": "right",
            "days": 120,
            "t": "T1c",
            "n": "N0",
            "m": "M1b",
            "pdl1": 80,
        },
        "assessments": [
            {
                "days": 8,
                "ecog": 0,
                "weight_kg": "82",
                "height_cm": 180,
                "pain_nrs": 2,
                "frankel": "E",
                "ambulatory_status": "walking_without_aid",
                "life_expectancy_months": "30",
                "disease_status": "responding",
                "dental_exam": True,
            }
        ],
        "labs": [{"days": 8, "calcium": "2.40", "albumin": "42", "creatinine": "80"}],
        "exams": [
            {
                "days": 15,
                "modality": "fdg_pet",
                "conclusion": "Lésion osseuse unique de l'aile iliaque droite.",
                "lesions": [{"site": "ilium", "side": "right", "lesion_type": "lytic", "size_mm": 25}],
            }
        ],
        "treatments": [
            {"category": "systemic", "systemic_class": "immunotherapy", "name": "pembrolizumab", "days": 100}
        ],
    },
    {
        "hospital_id": "DEMO-005",
        "family_name": "Essai",
        "given_names": "Élise",
        "sex": "female",
        "age": 65,
        "scenario": "KRAS-mutant disease with hypercalcaemia",
        "tumour": {
            "histology": "8140/3",
            "location": "C34.3",
            "laterality": "right",
            "days": 250,
            "t": "T3",
            "n": "N2",
            "m": "M1c",
            "pdl1": 30,
        },
        "molecular": [("KRAS", "G12C")],
        "assessments": [
            {
                "days": 2,
                "ecog": 2,
                "weight_kg": "55",
                "height_cm": 162,
                "pain_nrs": 6,
                "analgesic_step": 2,
                "frankel": "E",
                "ambulatory_status": "walking_without_aid",
                "life_expectancy_months": "6",
            }
        ],
        "labs": [
            {
                "days": 2,
                "calcium": "3.20",
                "albumin": "30",
                "creatinine": "98",
                "vitamin_d": "35",
                "vitamin_d_deficient": True,
            }
        ],
        "exams": [
            {
                "days": 12,
                "modality": "bone_scan",
                "conclusion": "Fixations multiples du squelette axial.",
                "lesions": [
                    {"site": "rib", "rib_number": 6, "side": "left", "lesion_type": "mixed"},
                    {"site": "ilium", "side": "left", "lesion_type": "lytic"},
                    {"site": "vertebra", "vertebral_level": "L4", "lesion_type": "mixed"},
                ],
            }
        ],
        "sites": [("adrenal", "unresectable")],
        "treatments": [
            # Sotorasib is a second line, after a platinum doublet with immunotherapy.
            {
                "category": "systemic",
                "systemic_class": "chemo_immunotherapy",
                "name": "carboplatine-pémétrexed-pembrolizumab",
                "days": 240,
                "end_days": 100,
            },
            {"category": "systemic", "systemic_class": "targeted", "name": "sotorasib", "days": 90},
        ],
    },
    {
        "hospital_id": "DEMO-006",
        "family_name": "Simulé",
        "given_names": "François",
        "sex": "male",
        "age": 79,
        "scenario": "Renal impairment under zoledronic acid",
        "tumour": {
            "histology": "8070/3",
            "location": "C34.0",
            "laterality": "right",
            "days": 500,
            "t": "T4",
            "n": "N2",
            "m": "M1c",
            "pdl1": 0,
        },
        "assessments": [
            {
                "days": 4,
                "ecog": 2,
                "weight_kg": "62",
                "height_cm": 170,
                "pain_nrs": 3,
                "frankel": "E",
                "ambulatory_status": "walking_with_aid",
                "life_expectancy_months": "8",
                "asa": 3,
            }
        ],
        "labs": [
            {"days": 4, "calcium": "2.25", "albumin": "35", "creatinine": "165"},
            {"days": 60, "calcium": "2.31", "albumin": "37", "creatinine": "118"},
        ],
        "exams": [
            {
                "days": 90,
                "modality": "ct",
                "conclusion": "Lésions costales et sternale.",
                "lesions": [
                    {"site": "sternum", "lesion_type": "lytic"},
                    {"site": "rib", "rib_number": 4, "side": "right", "lesion_type": "lytic"},
                ],
            }
        ],
        "treatments": [
            {
                "category": "bma",
                "bone_agent": "zoledronic_acid",
                "name": "acide zolédronique 4 mg",
                "days": 300,
            },
            {"category": "systemic", "systemic_class": "chemotherapy", "name": "docétaxel", "days": 150},
        ],
    },
    {
        "hospital_id": "DEMO-007",
        "family_name": "Imaginaire",
        "given_names": "Gaëlle",
        "sex": "female",
        "age": 44,
        "scenario": "ALK-rearranged adenocarcinoma with blastic lesions",
        "tumour": {
            "histology": "8140/3",
            "location": "C34.2",
            "laterality": "right",
            "days": 700,
            "t": "T2a",
            "n": "N1",
            "m": "M1c",
            "pdl1": 1,
        },
        "molecular": [("ALK", "EML4-ALK fusion")],
        "assessments": [
            {
                "days": 20,
                "ecog": 0,
                "weight_kg": "58",
                "height_cm": 168,
                "pain_nrs": 1,
                "frankel": "E",
                "ambulatory_status": "walking_without_aid",
                "life_expectancy_months": "36",
                "disease_status": "stable",
            }
        ],
        "labs": [{"days": 20, "calcium": "2.38", "albumin": "43", "creatinine": "60"}],
        "exams": [
            {
                "days": 25,
                "modality": "fdg_pet",
                "conclusion": "Lésions condensantes stables.",
                "lesions": [
                    {
                        "site": "vertebra",
                        "vertebral_level": "T4",
                        "lesion_type": "blastic",
                        "collapse": "none",
                        "posterolateral": "none",
                        "alignment": "normal",
                    },
                    {"site": "ilium", "side": "left", "lesion_type": "blastic"},
                    {
                        "site": "femur_shaft",
                        "side": "right",
                        "lesion_type": "blastic",
                        "cortical_involvement": "under_one_third",
                    },
                ],
            }
        ],
        "treatments": [
            {"category": "systemic", "systemic_class": "targeted", "name": "alectinib", "days": 680},
            {"category": "bma", "bone_agent": "denosumab", "name": "dénosumab 120 mg", "days": 650},
        ],
    },
    {
        "hospital_id": "DEMO-008",
        "family_name": "Maquette",
        "given_names": "Henri",
        "sex": "male",
        "age": 60,
        "scenario": "After surgery on a humeral lesion, awaiting radiotherapy",
        "tumour": {
            "histology": "8046/3",
            "location": "C34.1",
            "laterality": "left",
            "days": 160,
            "t": "T2b",
            "n": "N2",
            "m": "M1b",
            "pdl1": 40,
        },
        "assessments": [
            {
                "days": 9,
                "ecog": 1,
                "weight_kg": "74",
                "height_cm": 178,
                "pain_nrs": 3,
                "frankel": "E",
                "ambulatory_status": "walking_without_aid",
                "life_expectancy_months": "12",
            }
        ],
        "labs": [{"days": 9, "calcium": "2.36", "albumin": "39", "creatinine": "85"}],
        "exams": [
            {
                "days": 30,
                "modality": "xray",
                "conclusion": "Lyse diaphysaire humérale droite.",
                "lesions": [
                    {
                        "site": "humerus_shaft",
                        "side": "right",
                        "lesion_type": "lytic",
                        "cortical_involvement": "over_two_thirds",
                        "fracture": True,
                    }
                ],
            }
        ],
        "treatments": [
            {
                "category": "surgery",
                "surgery_type": "osteosynthesis",
                "target": "humérus droit",
                "name": "enclouage centromédullaire",
                "days": 12,
            }
        ],
        "events": [("pathological_fracture", 30), ("bone_surgery", 12)],
    },
    {
        "hospital_id": "DEMO-009",
        "family_name": "Hypothèse",
        "given_names": "Inès",
        "sex": "female",
        "age": 69,
        "scenario": "Small cell carcinoma with diffuse bone involvement",
        "tumour": {
            "histology": "8041/3",
            "location": "C34.0",
            "laterality": "left",
            "days": 60,
            "t": "T4",
            "n": "N3",
            "m": "M1c",
        },
        "assessments": [
            {
                "days": 5,
                "ecog": 2,
                "weight_kg": "50",
                "height_cm": 163,
                "pain_nrs": 5,
                "analgesic_step": 3,
                "frankel": "E",
                "ambulatory_status": "walking_with_aid",
                "life_expectancy_months": "5",
                "disease_status": "new",
            }
        ],
        "labs": [{"days": 5, "calcium": "2.55", "albumin": "34", "creatinine": "70"}],
        "exams": [
            {
                "days": 50,
                "modality": "fdg_pet",
                "conclusion": "Atteinte osseuse diffuse.",
                "lesions": [
                    {"site": "vertebra", "vertebral_level": "T12", "lesion_type": "lytic"},
                    {"site": "vertebra", "vertebral_level": "L1", "lesion_type": "lytic"},
                    {"site": "acetabulum", "side": "right", "lesion_type": "lytic"},
                    {"site": "humerus_proximal", "side": "left", "lesion_type": "mixed"},
                ],
            }
        ],
        "sites": [("liver", "unresectable"), ("brain", "unresectable")],
        "treatments": [
            {
                "category": "systemic",
                "systemic_class": "chemo_immunotherapy",
                "name": "carboplatine-étoposide-atézolizumab",
                "days": 45,
            }
        ],
    },
    {
        "hospital_id": "DEMO-010",
        "family_name": "Prototype",
        "given_names": "Jacques",
        "sex": "male",
        "age": 73,
        "scenario": "Unstable lumbar lesion (high SINS) on immunotherapy",
        "tumour": {
            "histology": "8070/3",
            "location": "C34.1",
            "laterality": "right",
            "days": 330,
            "t": "T3",
            "n": "N2",
            "m": "M1b",
            "pdl1": 75,
        },
        "assessments": [
            {
                "days": 7,
                "ecog": 1,
                "weight_kg": "69",
                "height_cm": 172,
                "pain_nrs": 7,
                "pain_mechanical": True,
                "analgesic_step": 3,
                "analgesia_failure": True,
                "frankel": "E",
                "ambulatory_status": "walking_with_aid",
                "life_expectancy_months": "14",
            }
        ],
        "labs": [{"days": 7, "calcium": "2.44", "albumin": "40", "creatinine": "101"}],
        "exams": [
            {
                "days": 9,
                "modality": "ct",
                "conclusion": "Tassement L1 > 50 % avec cyphose.",
                "lesions": [
                    {
                        "site": "vertebra",
                        "vertebral_level": "L1",
                        "lesion_type": "lytic",
                        "pain_nrs": 7,
                        "pain_mechanical": True,
                        "collapse": "over_50",
                        "posterolateral": "bilateral",
                        # A kyphosis is a de novo deformity (SINS 2), not a subluxation.
                        "alignment": "deformity",
                    }
                ],
            }
        ],
        "treatments": [
            {"category": "systemic", "systemic_class": "immunotherapy", "name": "pembrolizumab", "days": 300},
            {
                "category": "radiotherapy",
                "rt_dose_gy": "20",
                "rt_fractions": 5,
                "rt_technique": "3d",
                "rt_intent": "analgesic",
                "target": "T9",
                "days": 200,
                "end_days": 194,
            },
        ],
    },
    {
        "hospital_id": "DEMO-011",
        "family_name": "Specimen",
        "given_names": "Karim",
        "sex": "male",
        "age": 55,
        "scenario": "Bone-first presentation: a sacral lesion, primary not proven",
        "tumour": {
            # The primary is not proven: a malignant neoplasm awaiting the biopsy, not a coded NSCLC.
            "histology": "8000/3",
            "location": "C34.9",
            "days": 14,
            "t": "TX",
            "n": "NX",
            "m": "M1b",
            "bone_first": True,
        },
        "assessments": [
            {
                "days": 2,
                "ecog": 1,
                "weight_kg": "88",
                "height_cm": 183,
                "pain_nrs": 4,
                "frankel": "E",
                "ambulatory_status": "walking_without_aid",
                "disease_status": "new",
            }
        ],
        "labs": [{"days": 2, "calcium": "2.48", "albumin": "41", "creatinine": "88"}],
        "exams": [
            {
                "days": 6,
                "modality": "mri",
                "conclusion": "Lésion lytique S1 isolée.",
                "lesions": [
                    {
                        "site": "vertebra",
                        "vertebral_level": "S1",
                        "lesion_type": "lytic",
                        "collapse": "none",
                        "posterolateral": "none",
                        "alignment": "normal",
                    }
                ],
            }
        ],
    },
    {
        "hospital_id": "DEMO-012",
        "family_name": "Échantillon",
        "given_names": "Laure",
        "sex": "female",
        "age": 66,
        "scenario": "Painful rib lesion under radiotherapy follow-up",
        "tumour": {
            "histology": "8140/3",
            "location": "C34.3",
            "laterality": "left",
            "days": 900,
            "t": "T1b",
            "n": "N1",
            "m": "M1b",
            "pdl1": 20,
        },
        "molecular": [("EGFR", "L858R")],
        "assessments": [
            {
                "days": 30,
                "ecog": 1,
                "weight_kg": "64",
                "height_cm": 158,
                "pain_nrs": 4,
                "frankel": "E",
                "ambulatory_status": "walking_without_aid",
                "life_expectancy_months": "24",
                "disease_status": "stable",
            }
        ],
        "labs": [{"days": 30, "calcium": "2.39", "albumin": "41", "creatinine": "72"}],
        "exams": [
            {
                "days": 40,
                "modality": "ct",
                "conclusion": "Lésion costale gauche unique.",
                "lesions": [{"site": "rib", "rib_number": 8, "side": "left", "lesion_type": "lytic"}],
            }
        ],
        "treatments": [
            {"category": "systemic", "systemic_class": "targeted", "name": "osimertinib", "days": 880},
            {
                "category": "radiotherapy",
                "rt_dose_gy": "8",
                "rt_fractions": 1,
                "rt_technique": "3d",
                "rt_intent": "analgesic",
                "target": "8e côte gauche",
                "days": 35,
                "end_days": 35,
            },
        ],
        "events": [("rt_to_bone", 35)],
    },
    {
        "hospital_id": "DEMO-013",
        "family_name": "Exemple",
        "given_names": "Marthe",
        "sex": "female",
        "age": 75,
        "scenario": "Hypercalcaemic crisis under denosumab for more than two years, renal failure",
        "tumour": {
            "histology": "8070/3",
            "location": "C34.1",
            "laterality": "left",
            "days": 1100,
            "t": "T3",
            "n": "N2",
            "m": "M1c",
            "pdl1": 10,
        },
        "assessments": [
            {
                "days": 1,
                "ecog": 3,
                "weight_kg": "60",
                "height_cm": 160,
                "frankel": "E",
                "sensory_level": "none",
                "sphincter_disturbance": False,
                "ambulatory_status": "walking_with_aid",
                "life_expectancy_months": "4",
                "dental_exam": True,
            }
        ],
        "labs": [{"days": 1, "calcium": "3.60", "albumin": "38", "creatinine": "250"}],
        "exams": [
            {
                "days": 40,
                "modality": "ct",
                "conclusion": "Lésions ostéolytiques costales et sternale.",
                "lesions": [
                    {"site": "sternum", "lesion_type": "lytic"},
                    {"site": "rib", "rib_number": 9, "side": "left", "lesion_type": "lytic"},
                ],
            }
        ],
        "sites": [("liver", "unresectable")],
        "treatments": [
            {
                "category": "systemic",
                "systemic_class": "chemotherapy",
                "name": "carboplatine-paclitaxel",
                "days": 1080,
                "end_days": 980,
            },
            {"category": "bma", "bone_agent": "denosumab", "name": "dénosumab 120 mg", "days": 800},
        ],
    },
    {
        "hospital_id": "DEMO-014",
        "family_name": "Esquisse",
        "given_names": "Norbert",
        "sex": "male",
        "age": 81,
        "scenario": "Fractured femoral neck not yet fixed, underweight, two months to live",
        "tumour": {
            "histology": "8140/3",
            "location": "C34.3",
            "laterality": "right",
            "days": 400,
            "t": "T4",
            "n": "N3",
            "m": "M1c",
            "pdl1": 60,
        },
        "assessments": [
            {
                "days": 2,
                "ecog": 3,
                "weight_kg": "45",
                "height_cm": 170,
                "pain_nrs": 8,
                "analgesic_step": 3,
                "frankel": "E",
                "ambulatory_status": "not_ambulatory",
                "life_expectancy_months": "2",
                "asa": 3,
                "dental_exam": True,
            }
        ],
        "labs": [{"days": 2, "calcium": "2.30", "albumin": "36", "creatinine": "90"}],
        "exams": [
            {
                "days": 60,
                "modality": "xray",
                "conclusion": "Lyse du col fémoral droit.",
                "lesions": [
                    {
                        "site": "femur_head_neck",
                        "side": "right",
                        "lesion_type": "lytic",
                        "cortical_involvement": "over_two_thirds",
                        "fracture": False,
                        # Scored before the fracture: peritrochanteric 3, functional pain 3, lytic 3, > 2/3 3.
                        "mirels_saved": {
                            "site": "peritrochanteric",
                            "pain": "functional",
                            "lesion": "lytic",
                            "size": "over_two_thirds",
                        },
                    }
                ],
            },
            {
                "days": 3,
                "modality": "xray",
                "conclusion": "Fracture pathologique du col fémoral droit.",
                "lesions": [
                    {
                        "site": "femur_head_neck",
                        "side": "right",
                        "lesion_type": "lytic",
                        "fracture": True,
                        "pain_nrs": 8,
                        "pain_mechanical": True,
                    }
                ],
            },
        ],
        "treatments": [
            {"category": "systemic", "systemic_class": "immunotherapy", "name": "pembrolizumab", "days": 380},
            {
                "category": "bma",
                "bone_agent": "zoledronic_acid",
                "name": "acide zolédronique 4 mg",
                "days": 300,
            },
        ],
        "events": [("pathological_fracture", 3)],
    },
    {
        "hospital_id": "DEMO-015",
        "family_name": "Ébauche",
        "given_names": "Odile",
        "sex": "female",
        "age": 59,
        "scenario": "Painful limb and pelvic lesions, a new sensory level, a flare on the follow-up scan",
        "tumour": {
            "histology": "8140/3",
            "location": "C34.1",
            "laterality": "right",
            "days": 200,
            "t": "T2b",
            "n": "N1",
            "m": "M1c",
            "pdl1": 20,
        },
        "assessments": [
            {
                "days": 3,
                "ecog": 1,
                "karnofsky": 80,
                "weight_kg": "64",
                "height_cm": 166,
                "pain_nrs": 6,
                "analgesic_step": 3,
                "analgesia_failure": True,
                "frankel": "E",
                "sensory_level": "T10",  # new, onset not known: a deficit, not "none"
                "ambulatory_status": "walking_without_aid",
                "life_expectancy_months": "14",
                "disease_status": "progressing",
                "active_infection_or_sepsis": False,
                "uncontrolled_coagulopathy": False,
            }
        ],
        "labs": [
            {
                "days": 3,
                "calcium": "2.05",
                "albumin": "40",
                "creatinine": "70",
                "vitamin_d": "20",
                "vitamin_d_deficient": True,
            },
        ],
        "exams": [
            {
                "days": 10,
                "modality": "fdg_pet",
                "conclusion": "Fixations iliaque, humérale, tibiale et costale.",
                "new_foci": True,
                "lesions": [
                    {
                        "site": "ilium",
                        "side": "left",
                        "lesion_type": "lytic",
                        "pain_nrs": 6,
                        "pain_mechanical": True,
                        "soft_tissue_predominant": False,
                    },
                    {
                        "site": "humerus_shaft",
                        "side": "left",
                        "lesion_type": "lytic",
                        "cortical_involvement": "one_to_two_thirds",
                        "fracture": False,
                        "pain_nrs": 5,
                        "pain_mechanical": False,
                    },
                    {
                        "site": "tibia",
                        "side": "right",
                        "lesion_type": "blastic",
                        "cortical_involvement": "under_one_third",
                        "fracture": False,
                        "pain_nrs": 2,
                        "pain_mechanical": False,
                    },
                    {
                        "site": "rib",
                        "rib_number": 7,
                        "side": "right",
                        "lesion_type": "lytic",
                        "pain_nrs": 6,
                        "pain_mechanical": False,
                    },
                ],
            }
        ],
        "sites": [("lung", "unresectable")],
        "treatments": [
            {
                "category": "systemic",
                "systemic_class": "chemo_immunotherapy",
                "name": "carboplatine-pémétrexed-pembrolizumab",
                "days": 100,
            },
            {"category": "supportive", "name": "filgrastim", "days": 20, "end_days": 16},
        ],
    },
]

# The other centre's patient, whom no account of the demo centre may see.
OTHER_CENTRE_PATIENTS = [
    {
        "hospital_id": "AUTRE-001",
        "family_name": "Zédé",
        "given_names": "Isabelle",
        "sex": "female",
        "age": 64,
        "scenario": "A patient of the other centre (isolation)",
        "tumour": {
            "histology": "8140/3",
            "location": "C34.1",
            "laterality": "left",
            "days": 100,
            "t": "T2a",
            "n": "N1",
            "m": "M1b",
        },
    },
]
