from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, Centre, User
from .scoping import centre_path, scope


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """A raw id box that names the object only if the user may see it (a typed id of another centre's
    patient shows no name; the form refuses it)."""

    def __init__(self, rel, admin_site, *, user, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.user = user

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            visible = scope(self.rel.model._default_manager.using(self.db), self.user).filter(**{key: value})
            if not visible.exists():
                return "", ""
        except (ValueError, TypeError, ValidationError):
            return "", ""
        return super().label_and_url_for_value(value)


class CentreScopedAdminMixin:
    """For every ModelAdmin and inline of the project: staff who are not superusers see, choose and look up
    only their centre's rows, as on the site. The list, every foreign-key and many-to-many choice (raw id
    boxes included: the lookup opens the related admin's list, scoped the same way) and the history pages
    are scoped with `rcp.accounts.scoping.scope`; the models' clean() checks the centres again on save."""

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if centre_path(db_field.remote_field.model) is None:
            return queryset
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).all()
        return scope(queryset, request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.raw_id_fields:
            kwargs["widget"] = ScopedRawIdWidget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using"), user=request.user
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _require_in_scope(self, request, object_id):
        # The history pages fall back to the history table: another centre's row, even a deleted one,
        # is not found.
        if not request.user.is_superuser and self.get_object(request, unquote(object_id)) is None:
            raise Http404


@admin.register(Centre)
class CentreAdmin(CentreScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "city", "finess"]
    search_fields = ["name", "city"]


@admin.register(User)
class UserAdmin(CentreScopedAdminMixin, BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "centre", "specialty", "is_staff"]
    list_filter = [("centre", admin.RelatedOnlyFieldListFilter), "specialty", "groups", "is_staff"]
    list_select_related = ["centre"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Board"), {"fields": ["centre", "specialty", "rpps"]}),
    ]


@admin.register(AccessLog)
class AccessLogAdmin(CentreScopedAdminMixin, admin.ModelAdmin):
    """The access log, read only: no add, change or delete, no bulk action (and the model and the
    database refuse them too). Staff see their centre's rows; the site's /audit/ is the privacy officer's
    page, with the filters and the CSV export."""

    list_display = ["at", "username", "kind", "patient", "what", "ip"]
    list_filter = ["kind"]
    list_select_related = ["patient"]
    search_fields = ["username", "what"]
    readonly_fields = [f.name for f in AccessLog._meta.fields]
    actions = None
    show_full_result_count = False  # no COUNT(*) over the whole log on each page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
