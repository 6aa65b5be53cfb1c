"""Admin: every clinical model with its history (django-simple-history records admin changes too).

Staff who are not superusers see only their centre's data, as on the site.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rcp.accounts.admin import CentreScopedAdminMixin

from . import models as m


class CentreScopedAdmin(CentreScopedAdminMixin, SimpleHistoryAdmin):
    pass


@admin.register(m.Patient)
class PatientAdmin(CentreScopedAdmin):
    list_display = ["family_name", "given_names", "birth_date", "hospital_id", "centre", "updated_at"]
    list_filter = [("centre", admin.RelatedOnlyFieldListFilter), "sex"]
    search_fields = ["family_name", "given_names", "hospital_id", "ins"]
    list_select_related = ["centre"]
    raw_id_fields = ["referring_physician"]


class PatientChildAdmin(CentreScopedAdmin):
    raw_id_fields = ["patient"]
    list_select_related = ["patient"]


@admin.register(m.PrimaryTumour)
class PrimaryTumourAdmin(PatientChildAdmin):
    list_display = [
        "patient",
        "histology",
        "location",
        "diagnosis_date",
        "t_category",
        "n_category",
        "m_category",
    ]


@admin.register(m.MolecularAlteration)
class MolecularAlterationAdmin(PatientChildAdmin):
    list_display = ["patient", "gene", "variant", "test_date"]


@admin.register(m.ClinicalAssessment)
class ClinicalAssessmentAdmin(PatientChildAdmin):
    list_display = ["patient", "date", "ecog", "karnofsky", "pain_nrs", "frankel"]


@admin.register(m.LabResult)
class LabResultAdmin(PatientChildAdmin):
    list_display = ["patient", "date", "calcium", "albumin", "creatinine"]


class LesionObservationInline(CentreScopedAdminMixin, admin.TabularInline):
    model = m.LesionObservation
    extra = 0
    raw_id_fields = ["lesion"]


@admin.register(m.ImagingExam)
class ImagingExamAdmin(PatientChildAdmin):
    list_display = ["patient", "date", "modality"]
    inlines = [LesionObservationInline]

    def save_formset(self, request, form, formset, change):
        # Inline lesions are attributed to the admin user in the history, as the exam itself is.
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj._history_user = request.user
            obj.delete()
        for obj in instances:
            obj._history_user = request.user
            obj.save()
        formset.save_m2m()


@admin.register(m.TrackedLesion)
class TrackedLesionAdmin(PatientChildAdmin):
    list_display = ["patient", "site", "vertebral_level", "rib_number", "side", "status", "pain_nrs"]


@admin.register(m.LesionObservation)
class LesionObservationAdmin(CentreScopedAdmin):
    list_display = ["exam", "lesion", "lesion_type", "bilsky"]
    raw_id_fields = ["exam", "lesion"]
    list_select_related = ["exam", "exam__patient", "lesion"]


@admin.register(m.MetastaticSite)
class MetastaticSiteAdmin(PatientChildAdmin):
    list_display = ["patient", "organ", "resectability", "date"]


@admin.register(m.Treatment)
class TreatmentAdmin(PatientChildAdmin):
    list_display = ["patient", "category", "name", "start_date", "end_date"]
    list_filter = ["category"]


@admin.register(m.TreatedLesion)
class TreatedLesionAdmin(CentreScopedAdmin):
    list_display = ["treatment", "lesion", "outcome"]
    raw_id_fields = ["treatment", "lesion"]
    list_select_related = ["treatment", "lesion", "lesion__patient"]


@admin.register(m.SkeletalEvent)
class SkeletalEventAdmin(PatientChildAdmin):
    list_display = ["patient", "kind", "date"]
