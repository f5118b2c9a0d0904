"""The rule of ICS records that carries a write, stated once: an ICS's identity is set nationally.

Its names (in URLs and on every page), slug and national codes are changed by superusers only:
the admin shows them read-only to everyone else and refuses a restore (History → Revert) that would
put back other values, and the API refuses the change (403).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from staff import permissions

from .models import IntegratedCareSystem

ICS_IDENTITY_FIELDS = ("name", "short_name", "slug", "icb_ods_code", "gss_code", "region")


def may_change_identity(*, user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def ics_identity_check(*, user, ics: IntegratedCareSystem, before: IntegratedCareSystem | None) -> None:
    """The identity rule: only superusers change an existing ICS's identity fields."""
    if before is None or may_change_identity(user=user):
        return
    changed = [name for name in ICS_IDENTITY_FIELDS if getattr(ics, name) != getattr(before, name)]
    if changed:
        raise PermissionDenied(f"Only superusers change these fields: {', '.join(changed)}.")


@transaction.atomic
def ics_save(
    *, ics: IntegratedCareSystem, user, before: IntegratedCareSystem | None = None, validated: bool = False
) -> IntegratedCareSystem:
    """Save an ICS as an API client sent it (`before`: as it was; None for a new one).

    `validated`: the caller's serializer has just run full_clean() on these values.
    """
    if not permissions.can_change(user, ics, before=before):
        raise PermissionDenied("You need a staff role in the ICS this record would belong to.")
    ics_identity_check(user=user, ics=ics, before=before)
    if not validated:
        ics.full_clean()
    ics._history_user = user
    ics.save()
    return ics


@transaction.atomic
def ics_restore(
    *, ics: IntegratedCareSystem, user, before: IntegratedCareSystem | None = None, validated: bool = False
) -> IntegratedCareSystem:
    """Save an old version of an ICS (History → Revert) as its newest, over `before` (as it is now).

    The identity rule holds as for any save: a version with other names, slug or codes is restored
    by a superuser only. `validated`: the caller's form has just asked ics_identity_check().
    """
    if before is None:
        before = IntegratedCareSystem.objects.select_for_update().get(pk=ics.pk)
    if not permissions.can_change(user, ics, before=before):
        raise PermissionDenied("You need a staff role in this ICS.")
    if not validated:
        ics_identity_check(user=user, ics=ics, before=before)
        ics.full_clean()
    ics._history_user = user
    ics.save()
    return ics
