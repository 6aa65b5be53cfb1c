"""Admin of the board. Validated decisions and minutes are read-only here as everywhere."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attendance, Board, CaseSubmission, Decision, Meeting, Minute, Trial


class CentreScoped:
    centre_path = "board__centre"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.centre_path}_id": request.user.centre_id})


@admin.register(Board)
class BoardAdmin(CentreScoped, admin.ModelAdmin):
    centre_path = "centre"
    list_display = ["name", "centre", "min_specialties"]


@admin.register(Trial)
class TrialAdmin(CentreScoped, admin.ModelAdmin):
    list_display = ["name", "board", "active"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Meeting)
class MeetingAdmin(CentreScoped, SimpleHistoryAdmin):
    list_display = ["title", "starts_at", "board", "chair", "status"]
    list_filter = ["status"]
    inlines = [AttendanceInline]
    raw_id_fields = ["chair", "deputy"]


@admin.register(CaseSubmission)
class CaseAdmin(CentreScoped, SimpleHistoryAdmin):
    centre_path = "patient__centre"
    list_display = ["patient", "meeting", "reason", "urgency", "status", "position"]
    raw_id_fields = ["patient", "meeting", "presenting_physician", "submitted_by"]


@admin.register(Decision)
class DecisionAdmin(CentreScoped, admin.ModelAdmin):
    centre_path = "case__patient__centre"
    list_display = ["case", "version", "status", "validated_by", "validated_at"]
    list_filter = ["status"]
    raw_id_fields = ["case", "trial", "follow_up_physician", "updated_by", "validated_by"]

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.is_draft and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete could reach validated decisions
        return actions


@admin.register(Minute)
class MinuteAdmin(CentreScoped, admin.ModelAdmin):
    centre_path = "decision__case__patient__centre"
    list_display = ["number", "version", "created_at", "sha256"]
    readonly_fields = ["decision", "number", "version", "snapshot", "sha256", "created_at"]
    exclude = ["pdf"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
