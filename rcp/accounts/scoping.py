"""Centre scoping for any model: which centre a row belongs to, the rows a user may see
(`CentreScopedQuerySet.visible_to`) or choose, and the check that a row's related objects belong to its
own centre.

A model's path to its centre is, in this order: the `centre_path` of its queryset (`visible_to`, as for
patients, meetings, cases, decisions and minutes); `pk` for the centre itself; its own `centre` foreign
key; otherwise the path of the first required foreign key that leads to a centre (a lab result through its
patient, a lesion through its exam, a trial through its board, an attendance through its meeting). Models
that lead to no centre (groups, permissions) are not scoped.
"""

from functools import cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Centre
from .permissions import may_read_records

OTHER_CENTRE = _("This belongs to another centre.")


class CentreScopedQuerySet(models.QuerySet):
    """Rows that belong to a centre through `centre_path`: a user who may read records sees their centre's,
    nobody else's."""

    centre_path = "centre"

    def visible_to(self, user):
        if not user.is_authenticated or user.centre_id is None or not may_read_records(user):
            return self.none()
        return self.filter(**{f"{self.centre_path}_id": user.centre_id})


@cache
def centre_path(model) -> str | None:
    """The lookup from `model` to its centre's id (`filter(**{path: centre_id})`), or None."""
    return _centre_path(model, frozenset())


def _centre_path(model, seen) -> str | None:
    if model is Centre:
        return "pk"
    path = getattr(model._default_manager.get_queryset(), "centre_path", None)
    if path:
        return path
    foreign_keys = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    for field in foreign_keys:
        if field.remote_field.model is Centre:
            return field.name
    seen = seen | {model}
    for field in foreign_keys:
        target = field.remote_field.model
        if field.null or target in seen:
            continue
        path = _centre_path(target, seen)
        if path:
            return field.name if path == "pk" else f"{field.name}__{path}"
    return None


def scope(queryset, user):
    """The rows of `queryset` that `user` may see or choose: their centre's; superusers see every centre."""
    path = centre_path(queryset.model)
    if path is None or user.is_superuser:
        return queryset
    if not user.is_authenticated or user.centre_id is None:
        return queryset.none()
    return queryset.filter(**{path: user.centre_id})


def centre_id_of(obj) -> int | None:
    """The id of the centre `obj` belongs to (a query per relation not loaded yet), or None if unknown."""
    path = centre_path(type(obj))
    if path is None:
        return None
    *relations, last = path.split("__")
    for name in relations:
        if getattr(obj, f"{name}_id") is None:
            return None
        obj = getattr(obj, name)
    return obj.pk if last == "pk" else getattr(obj, f"{last}_id")


def centre_mismatches(instance, *field_names) -> dict:
    """{field: message} for each object that `instance` points at through `field_names` and that belongs to
    another centre than `instance` (for `Model.clean`, so that the site and the admin both refuse it)."""
    own = centre_id_of(instance)
    if own is None:
        return {}
    errors = {}
    for name in field_names:
        if getattr(instance, f"{name}_id") is None:
            continue
        if centre_id_of(getattr(instance, name)) != own:
            errors[name] = OTHER_CENTRE
    return errors
