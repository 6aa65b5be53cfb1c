"""Admin of the board. Validated decisions and minutes are read-only here as everywhere."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from rcp.accounts.admin import CentreScopedAdminMixin as CentreScoped

from .models import Action, Attendance, Board, CaseSubmission, Decision, Meeting, Minute, Outcome, Trial


@admin.register(Board)
class BoardAdmin(CentreScoped, admin.ModelAdmin):
    list_display = ["name", "centre", "min_specialties"]


@admin.register(Trial)
class TrialAdmin(CentreScoped, admin.ModelAdmin):
    list_display = ["name", "board", "active", "rule_ids"]


class AttendanceInline(CentreScoped, admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Meeting)
class MeetingAdmin(CentreScoped, SimpleHistoryAdmin):
    list_display = ["title", "starts_at", "board", "chair", "status"]
    list_filter = ["status"]
    inlines = [AttendanceInline]
    raw_id_fields = ["chair", "deputy"]
    # Started, closed and reopened through the board's pages (rcp.meetings): carried-over cases, dates.
    readonly_fields = ["status", "closed_at"]
    # A video link typed without its scheme is an https one (the site's own form says the same).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(CaseSubmission)
class CaseAdmin(CentreScoped, SimpleHistoryAdmin):
    list_display = ["patient", "meeting", "reason", "urgency", "status", "position"]
    raw_id_fields = ["patient", "meeting", "presenting_physician", "submitted_by"]

    def get_readonly_fields(self, request, obj=None):
        # Once a decision is validated, its minute stays with this patient and this meeting.
        frozen = ["patient", "meeting"] if obj is not None and obj.has_validated_decision() else []
        return [*super().get_readonly_fields(request, obj), *frozen]


@admin.register(Decision)
class DecisionAdmin(CentreScoped, admin.ModelAdmin):
    list_display = ["case", "version", "status", "validated_by", "validated_at"]
    list_filter = ["status"]
    raw_id_fields = ["trial", "follow_up_physician"]
    # A decision is recorded, validated and amended through the board's pages (rcp.services): here a
    # draft's content can be corrected, never its case, version or status.
    readonly_fields = ["case", "version", "status", "revision", "updated_by", "validated_by", "validated_at"]

    def has_add_permission(self, request):
        return False

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
    list_display = ["number", "version", "created_at", "sha256"]
    readonly_fields = ["decision", "number", "version", "snapshot", "sha256", "created_at"]
    exclude = ["pdf"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(CentreScoped, SimpleHistoryAdmin):
    """Read only: an action changes through its page (rcp.followup), which checks who and when."""

    list_display = ["line", "owner", "target_date", "status"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Outcome)
class OutcomeAdmin(CentreScoped, SimpleHistoryAdmin):
    list_display = ["case", "milestone", "recorded_on", "alive"]
    raw_id_fields = ["case", "recorded_by"]

    def has_add_permission(self, request):
        return False
