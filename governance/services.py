"""The rules of governance records, each stated once here, and the writes that carry them.

Rules (`*_check`): each gives the one message its rule has (raised; for the rows of one submit,
returned per row). They take the facts the caller already holds (a form's rows, a serializer's
candidate), so a form can show the message on the field it is about and the API can answer
before writing anything, with no query of their own beyond what the rule needs:

- `publish_check`: a record's publish stamps (PUBLISH_FIELDS) are changed only by a publisher of its ICS.
- `restore_publish_check`: restoring a version whose publish stamp differs from the record's now, likewise.
- `published_content_check`: once published, what the public reads (PUBLISHED_CONTENT_FIELDS: minutes and
  resolutions, a paper's title, file and link, an MoU's title, version and summary) is changed only by a
  publisher; an editor still changes drafts and the other fields. `published_delete_check`: likewise, a
  published agenda item or paper is deleted only by a publisher.
- `mou_signatories_check`: an MoU signed or in force has at least one signatory.
- `board_membership_chair_check`: a board has one chair at a time.

Writes (`<entity>_<verb>`): keyword-only, one transaction each, the caller's rights checked
through staff.permissions (`can_change`: over the record as stored, `before`, and as it will be
saved, so nothing is moved out of or into another ICS), the rules above applied, full_clean() run
and the user recorded in the history. A restore (`*_restore`, History → Revert) is a save like any
other: its rights and its publish stamp are compared with the record as it is now. The admin
(forms, actions, History → Revert), the API and the partner import (partners/importers.py) write
records that carry these rules through them. `validated=True`
says the caller's form or serializer has just run full_clean() and the checks on these very
values in this transaction, so they are not run (and queried) twice.

The database keeps its own constraints as the last line (docs/adr/0002): the one-chair
exclusion constraint, and the deferred trigger of migration 0002 for signatories.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from staff import permissions

from .models import AgendaItem, BoardMembership, Document, Meeting, MoU

# --- publishing ------------------------------------------------------------------------------------

# The stamps that publish each kind of record, the main one first: empty while it is a draft. A meeting's
# agenda and its minutes are published apart, each by a publisher.
PUBLISH_FIELDS = {
    MoU: ("published_at",),
    Document: ("published_at",),
    Meeting: ("minutes_published_at", "agenda_published_at"),
}
PUBLISH_REFUSED = "Only a publisher of this ICS may publish or unpublish."
PUBLISH_RESTORE_REFUSED = (
    "This version's publish date differs from the record's now, so restoring it would publish or unpublish "
    "the record: only a publisher of this ICS may do that."
)


def may_publish(*, user, obj=None) -> bool:
    """May `user` publish or unpublish `obj`; with no `obj`, anything at all (so offer the controls)?"""
    if obj is None:
        return permissions.publishable_ics_ids(user) != set()
    return permissions.can_publish(user, obj)


def publish_check(*, user, obj) -> None:
    """The publishing rule: only a publisher of `obj`'s ICS changes its publish stamp."""
    if not may_publish(user=user, obj=obj):
        raise PermissionDenied(PUBLISH_REFUSED)


def publish_stamp_changed(obj, before) -> bool:
    """Does `obj` (as it will be saved) carry another publish stamp than `before` (None: a new record)?"""
    return any(
        getattr(obj, field) != (getattr(before, field) if before is not None else None)
        for field in PUBLISH_FIELDS.get(type(obj), ())
    )


def _set_stamp(*, obj, publish: bool, user, field: str | None = None):
    # A refusal, or a record already so, opens no transaction: there is nothing to write.
    publish_check(user=user, obj=obj)
    field = field or PUBLISH_FIELDS[type(obj)][0]
    if (getattr(obj, field) is None) != publish:
        return obj
    with transaction.atomic():
        setattr(obj, field, timezone.now() if publish else None)
        # The stamp is all this write changes: the rest of the row was validated when it was saved.
        obj.full_clean(exclude=[f.name for f in obj._meta.concrete_fields if f.name != field])
        return _save(obj, user=user)


def mou_publish(*, mou: MoU, user, publish: bool = True) -> MoU:
    """Publish (or with publish=False withdraw to draft) an MoU, in one transaction. Unchanged if it already is."""
    return _set_stamp(obj=mou, publish=publish, user=user)


def document_publish(*, document: Document, user, publish: bool = True) -> Document:
    """Publish (or with publish=False withdraw to draft) a document, in one transaction. Unchanged if it already is."""
    return _set_stamp(obj=document, publish=publish, user=user)


def meeting_publish_minutes(*, meeting: Meeting, user, publish: bool = True) -> Meeting:
    """Publish a meeting's minutes and resolutions (or with publish=False withdraw them), in one transaction."""
    return _set_stamp(obj=meeting, publish=publish, user=user)


def meeting_publish_agenda(*, meeting: Meeting, user, publish: bool = True) -> Meeting:
    """Publish a meeting's agenda (or with publish=False withdraw it), in one transaction: the public then
    sees its items, and its items' published papers."""
    return _set_stamp(obj=meeting, publish=publish, user=user, field="agenda_published_at")


# --- published content is changed only by a publisher ------------------------------------------------

# What the public reads once a record is published. An editor may change it while the record is a draft;
# afterwards only a publisher of its ICS may, so a change to what is public is a publisher's decision.
# An agenda item's minutes and resolutions are published with its meeting's minutes.
PUBLISHED_CONTENT_FIELDS = {
    AgendaItem: ("minutes", "resolutions"),
    Document: ("title", "file", "file_name", "url"),
    MoU: ("title", "version", "summary"),
}
PUBLISHED_CONTENT_REFUSED = (
    "This is published: only a publisher of this ICS may change its {fields}. "
    "Ask a publisher, or have them withdraw it to draft first."
)


def is_published(obj) -> bool:
    """Is what `obj` shows the public published (an agenda item: its meeting's minutes)?"""
    if isinstance(obj, AgendaItem):
        return obj.meeting.minutes_published_at is not None
    fields = PUBLISH_FIELDS.get(type(obj))
    return fields is not None and getattr(obj, fields[0]) is not None


def published_content_changed(obj, before) -> list[str]:
    """The fields of PUBLISHED_CONTENT_FIELDS whose values differ between `obj` and `before` (None: new)."""
    fields = PUBLISHED_CONTENT_FIELDS.get(type(obj), ())
    if before is None:
        return [name for name in fields if getattr(obj, name)]
    return [name for name in fields if getattr(obj, name) != getattr(before, name)]


def published_content_check(*, obj, changed_fields: Iterable[str], user, before=None) -> None:
    """The published-content rule: once `obj` (or `before`, as stored) is published, the fields of
    PUBLISHED_CONTENT_FIELDS among `changed_fields` are changed only by a publisher of its ICS."""
    fields = [name for name in PUBLISHED_CONTENT_FIELDS.get(type(obj), ()) if name in set(changed_fields)]
    if not fields:
        return
    if before is None and obj._state.adding and type(obj) in PUBLISH_FIELDS:
        return  # a new record published by its own stamp: the publishing rule (publish_check) decides
    if not (is_published(obj) or (before is not None and is_published(before))):
        return
    if may_publish(user=user, obj=obj):
        return
    shown = [name.replace("_", " ") for name in fields if name != "file_name" or "file" not in fields]
    raise PermissionDenied(PUBLISHED_CONTENT_REFUSED.format(fields=", ".join(shown)))


PUBLISHED_DELETE_REFUSED = (
    "{record} is published: only a publisher of this ICS may delete it. "
    "Ask a publisher, or have them withdraw it to draft first."
)


def published_delete_check(*, obj, user) -> None:
    """Once published, an agenda item (its minutes) or a paper is deleted only by a publisher of its ICS, as only
    a publisher changes what it shows the public (published_content_check)."""
    if type(obj) in (AgendaItem, Document) and is_published(obj) and not may_publish(user=user, obj=obj):
        raise PermissionDenied(PUBLISHED_DELETE_REFUSED.format(record=f"“{obj}”"))


# --- an MoU signed or in force needs a signatory ---------------------------------------------------

MOU_NEEDS_SIGNATORY = (
    "An MoU that is signed or in force needs at least one signatory: add one, or choose another status."
)


def mou_signatories_check(*, status: str, has_signatory: bool | Callable[[], bool], field: str | None = None) -> None:
    """The signatory rule: an MoU whose status is signed or in force has at least one signatory.

    `has_signatory` may be a function, called only when the status needs one (it may query).
    With `field`, the error is about that form field; without, about the record as a whole.
    """
    if status not in MoU.SIGNED_STATUSES:
        return
    if has_signatory() if callable(has_signatory) else has_signatory:
        return
    error = ValidationError(MOU_NEEDS_SIGNATORY, code="mou_needs_signatory")
    raise ValidationError({field: error}) if field else error


def mou_has_signatory(*, mou: MoU) -> bool:
    """Is a signatory of `mou` on record?"""
    return mou.signatories.exists()


def mou_signatory_removal_check(*, signatory) -> None:
    """Removing `signatory` must not leave its MoU signed or in force with none."""
    mou = signatory.mou
    mou_signatories_check(status=mou.status, has_signatory=lambda: mou.signatories.exclude(pk=signatory.pk).exists())


@transaction.atomic
def mou_change_status(*, mou: MoU, status: str, user) -> MoU:
    """Move the MoU `mou` names, as stored, to `status`. Signed and in force need a signatory already recorded.

    The database enforces the same rule with a deferred trigger (governance
    migration 0002); checking here gives a message instead of an IntegrityError.
    """
    mou = MoU.objects.select_for_update().get(pk=mou.pk)
    # Only the status of the stored MoU changes: the rights are asked of it.
    _edit_check(user=user, obj=mou, before=mou, message="You may not change this ICS's MoUs.")
    if status not in MoU.Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    mou_signatories_check(status=status, has_signatory=lambda: mou_has_signatory(mou=mou), field="status")
    mou.status = status
    mou.full_clean()
    return _save(mou, user=user)


@transaction.atomic
def mou_save(*, mou: MoU, user, before: MoU | None = None, validated: bool = False) -> MoU:
    """Save an MoU as an API client sent it (`before`: as it was; None for a new one).

    Its publish stamp changes only by a publisher; its status changes through mou_change_status(),
    after the other fields are saved, so a status that needs a signatory is refused with its message.
    """
    _edit_check(user=user, obj=mou, before=before)
    if publish_stamp_changed(mou, before):
        publish_check(user=user, obj=mou)
    if before is not None:
        published_content_check(
            obj=mou, changed_fields=published_content_changed(mou, before), user=user, before=before
        )
    status = mou.status
    mou.status = before.status if before is not None else MoU._meta.get_field("status").get_default()
    if not validated:
        mou.full_clean()
    _save(mou, user=user)
    if status != mou.status:
        mou = mou_change_status(mou=mou, status=status, user=user)
    return mou


def restore_check(*, user, obj, before) -> None:
    """The rules of saving `obj`, an old version restored over `before` (the record as it is now).

    The user may change both (so a restore moves nothing out of or into another ICS), and a publish
    stamp that differs from the one on record now is restored only by a publisher, as on the form; so is
    published content (published_content_check) that differs.
    """
    _edit_check(user=user, obj=obj, before=before)
    restore_publish_check(user=user, obj=obj, before=before)
    published_content_check(obj=obj, changed_fields=published_content_changed(obj, before), user=user, before=before)


def restore_publish_check(*, user, obj, before) -> None:
    """The publishing rule for a restore: a version whose stamp differs from the record's now needs a publisher."""
    if publish_stamp_changed(obj, before) and not may_publish(user=user, obj=obj):
        raise PermissionDenied(PUBLISH_RESTORE_REFUSED)


def _stored(obj):
    """The record as it is now, its row locked for the restore that replaces it."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


@transaction.atomic
def mou_restore(*, mou: MoU, user, before: MoU | None = None, validated: bool = False) -> MoU:
    """Save an old version of an MoU (History → Revert) as its newest version, over `before` (as it is now).

    Its signatories are not restored with it, so a version signed or in force needs one on record now.
    Its publish stamp is restored with it only by a publisher (restore_check).
    """
    before = before if before is not None else _stored(mou)
    if validated:
        _edit_check(user=user, obj=mou, before=before)
    else:
        restore_check(user=user, obj=mou, before=before)
        mou_signatories_check(status=mou.status, has_signatory=lambda: mou_has_signatory(mou=mou), field="status")
        mou.full_clean()
    return _save(mou, user=user)


@transaction.atomic
def meeting_restore(*, meeting: Meeting, user, before: Meeting | None = None, validated: bool = False) -> Meeting:
    """Save an old version of a meeting as its newest; its minutes' publish stamp only by a publisher."""
    return _restore(meeting, user=user, before=before, validated=validated)


@transaction.atomic
def document_restore(*, document: Document, user, before: Document | None = None, validated: bool = False) -> Document:
    """Save an old version of a document as its newest; its publish stamp only by a publisher."""
    return _restore(document, user=user, before=before, validated=validated)


def _restore(obj, *, user, before, validated: bool):
    before = before if before is not None else _stored(obj)
    if validated:
        _edit_check(user=user, obj=obj, before=before)
    else:
        restore_check(user=user, obj=obj, before=before)
        obj.full_clean()
    return _save(obj, user=user)


# --- one chair at a time -------------------------------------------------------------------------------

CHAIR_CONSTRAINT = "governance_one_chair_at_a_time"


def _chair_constraint():
    return next(c for c in BoardMembership._meta.constraints if c.name == CHAIR_CONSTRAINT)


def _overlap(a, b) -> bool:
    """Do two seats' terms share a day? Both ends inclusive, an empty end open (the constraint's daterange '[]')."""
    return (a.start_date is None or b.end_date is None or a.start_date <= b.end_date) and (
        b.start_date is None or a.end_date is None or b.start_date <= a.end_date
    )


def board_membership_chair_check(*, memberships: Iterable[BoardMembership]) -> dict[int, ValidationError]:
    """The chair rule for seats saved together (one admin page's rows): no two chair a board at once.

    Each seat is also checked against the saved ones by full_clean(), through the model's exclusion
    constraint, which states the rule and its message and which the database enforces. Seats of one
    submit are not saved yet, so they are checked here, as they will be saved: a chair ending and the
    next one starting can go in one submit. Returns {index of a seat at fault: its error}, the later
    seat of each clashing pair.
    """
    constraint = _chair_constraint()
    seats = [(i, m) for i, m in enumerate(memberships) if m.role == BoardMembership.Role.CHAIR]
    faults = {}
    for n, (i, seat) in enumerate(seats):
        if any(other.board_id == seat.board_id and _overlap(other, seat) for _, other in seats[:n]):
            faults[i] = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
    return faults


@transaction.atomic
def board_membership_save(
    *, membership: BoardMembership, user, before: BoardMembership | None = None, validated: bool = False
) -> BoardMembership:
    """Save a board seat (`before`: as it is stored; None for a new one, or to read it from the database).

    full_clean() applies the chair rule (the model's constraint, with its message).
    """
    _edit_check(user=user, obj=membership, before=before)
    if not validated:
        membership.full_clean()
    return _save(membership, user=user)


@transaction.atomic
def meeting_save(*, meeting: Meeting, user, before: Meeting | None = None, validated: bool = False) -> Meeting:
    """Save a meeting as an API client sent it; its minutes' publish stamp changes only by a publisher."""
    _edit_check(user=user, obj=meeting, before=before)
    if publish_stamp_changed(meeting, before):
        publish_check(user=user, obj=meeting)
    if not validated:
        meeting.full_clean()
    return _save(meeting, user=user)


# --- shared ---------------------------------------------------------------------------------------------


def _edit_check(
    *, user, obj, before=None, message="You need a staff role in the ICS this record would belong to."
) -> None:
    """The user may change the record as stored (`before`, else read from the database) and as it will be."""
    if not permissions.can_change(user, obj, before=before):
        raise PermissionDenied(message)


def _save(obj, *, user):
    obj._history_user = user
    obj.save()
    return obj
