"""Writes to staff roles that carry a rule."""

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import StaffRole


@transaction.atomic
def staff_role_save(*, role: StaffRole) -> StaffRole:
    """Save a role and make its user staff: a role is worth nothing to a user who cannot reach the admin.

    Withdrawing a role leaves `is_staff` as it is: a staff user with no role sees nothing in the
    admin (staff.permissions.is_staff_member), and a superuser decides whether to untick it.
    """
    role.full_clean()
    role.save()
    get_user_model().objects.filter(pk=role.user_id, is_staff=False).update(is_staff=True)
    return role
