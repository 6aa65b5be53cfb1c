from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Centre, User


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "finess"]
    search_fields = ["name", "city"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "centre", "specialty", "is_staff"]
    list_filter = ["centre", "specialty", "groups", "is_staff"]
    list_select_related = ["centre"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Board"), {"fields": ["centre", "specialty", "rpps"]}),
    ]
