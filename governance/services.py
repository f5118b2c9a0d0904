"""Writes on governance records that carry rules: MoU status, publishing.

Keyword-only `<entity>_<verb>()` functions, each in one transaction, each
checking the caller's rights (staff.permissions) and running full_clean().
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from staff import permissions

from .models import Document, Meeting, MoU

MOU_NEEDS_SIGNATORY = (
    "An MoU that is signed or in force needs at least one signatory: add one, or choose another status."
)


@transaction.atomic
def mou_change_status(*, mou: MoU, status: str, user) -> MoU:
    """Move an MoU to `status`. Signed and in force need a signatory already recorded.

    The database enforces the same rule with a deferred trigger (governance
    migration 0002); checking here gives a message instead of an IntegrityError.
    """
    if not permissions.can_edit(user, mou):
        raise PermissionDenied("You may not change this ICS's MoUs.")
    mou = MoU.objects.select_for_update().get(pk=mou.pk)
    if status not in MoU.Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if status in MoU.SIGNED_STATUSES and not mou.signatories.exists():
        raise ValidationError({"status": MOU_NEEDS_SIGNATORY}, code="mou_needs_signatory")
    mou.status = status
    mou._history_user = user
    mou.full_clean()
    mou.save()
    return mou


def _set_stamp(*, obj, field: str, publish: bool, user):
    if not permissions.can_publish(user, obj):
        raise PermissionDenied("Only a publisher of this ICS may publish or unpublish.")
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    if (getattr(obj, field) is None) == publish:
        setattr(obj, field, timezone.now() if publish else None)
        obj._history_user = user
        obj.save()
    return obj


@transaction.atomic
def mou_publish(*, mou: MoU, user, publish: bool = True) -> MoU:
    """Publish (or with publish=False withdraw to draft) an MoU."""
    return _set_stamp(obj=mou, field="published_at", publish=publish, user=user)


@transaction.atomic
def document_publish(*, document: Document, user, publish: bool = True) -> Document:
    """Publish (or with publish=False withdraw to draft) a document."""
    return _set_stamp(obj=document, field="published_at", publish=publish, user=user)


@transaction.atomic
def meeting_publish_minutes(*, meeting: Meeting, user, publish: bool = True) -> Meeting:
    """Publish a meeting's minutes and resolutions (or with publish=False withdraw them)."""
    return _set_stamp(obj=meeting, field="minutes_published_at", publish=publish, user=user)
