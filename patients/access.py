"""The one way views fetch a patient: 404 for another centre's patient, 403 for a read-only role's write."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Patient

WRITE_PERMISSION = "patients.change_patient"


def can_write(user) -> bool:
    return user.has_perm(WRITE_PERMISSION)


def require_write(user):
    if not can_write(user):
        raise PermissionDenied


def get_patient_for_user(user, pk, *, write=False, queryset=None):
    """The patient `pk` if `user` may see it (else 404), and change it when `write` (else 403)."""
    queryset = Patient.objects.all() if queryset is None else queryset
    patient = get_object_or_404(queryset.visible_to(user), pk=pk)
    if write:
        require_write(user)
    return patient
