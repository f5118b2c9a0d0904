"""Which ICS a record belongs to, and who may edit or publish it.

One module for the admin, the API and the staff dashboard alike.

- Every ICS-owned record belongs to exactly one ICS, found by `ics_of()` (and, in
  queries, by the ORM path in `ICS_PATHS`).
- Shared records (an Organisation partnering several ICSs, a Person sitting on
  boards of several ICSs, a Person's declarations of interest) belong to no single
  ICS. The rule (docs/adr/0004-staff-roles-and-shared-records.md):
    * staff of ANY ICS the record is linked to may see and edit it;
    * a shared record linked to no ICS yet (just created, or orphaned) may be seen
      and edited by any staff user with a role, so they can create and then link it;
    * deleting it needs rights over EVERY ICS it is linked to;
    * only publishers of a linked ICS "publish" it (shared records have no drafts,
      so this matters only to the API's publish checks).
  An Organisation is linked to an ICS by a Partnership (any dates, any place) or by
  a board seat it is represented on; a Person by a board membership (any dates).
- Superusers may do anything (`editable_ics_ids()` returns None: "no limit").
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from places.models import IntegratedCareSystem, Place

from .models import StaffRole

# ORM path from each ICS-owned model to its ICS id; None marks a shared record.
ICS_PATHS = {
    "places.integratedcaresystem": "pk",
    "places.icsstage": "ics",
    "places.place": "ics",
    "partners.partnership": "ics",
    "partners.organisation": None,
    "governance.programme": "ics",
    "governance.board": "ics",
    "governance.boardmembership": "board__ics",
    "governance.meeting": "board__ics",
    "governance.agendaitem": "meeting__board__ics",
    "governance.mou": "ics",
    "governance.mousignatory": "mou__ics",
    "governance.document": None,  # board, meeting or MoU: see _document_q()
    "governance.person": None,
    "governance.declarationofinterest": None,
    "staff.staffrole": "ics",
}

_CACHE_ATTR = "_staff_roles_by_ics"


def _label(model) -> str:
    return model._meta.label_lower


def _roles(user) -> dict[int, str]:
    """{ics_id: role} for a user, loaded once per user object (one query per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = dict(StaffRole.objects.filter(user=user).values_list("ics_id", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the per-user cache (after roles change within one request or test)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _is_super(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def editable_ics_ids(user) -> set[int] | None:
    """ICS ids whose records the user may edit; None means every ICS (superusers)."""
    if _is_super(user):
        return None
    return set(_roles(user))


def publishable_ics_ids(user) -> set[int] | None:
    """ICS ids whose drafts the user may publish; None means every ICS (superusers)."""
    if _is_super(user):
        return None
    return {ics_id for ics_id, role in _roles(user).items() if role == StaffRole.Role.PUBLISHER}


def is_staff_member(user) -> bool:
    """A superuser, or an active staff user with at least one ICS role."""
    return _is_super(user) or bool(user is not None and user.is_authenticated and user.is_staff and _roles(user))


# --- which ICS a record belongs to -------------------------------------------------


def ics_id_of(obj) -> int | None:
    """The id of the ICS `obj` belongs to, without loading the ICS row where possible."""
    label = _label(obj)
    if label == "places.integratedcaresystem":
        return obj.pk
    if label == "governance.document":
        if obj.mou_id:
            return obj.mou.ics_id
        if obj.meeting_id:
            return obj.meeting.board.ics_id
        if obj.board_id:
            return obj.board.ics_id
        return None
    path = ICS_PATHS.get(label)
    if path is None:
        return None
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def ics_of(obj) -> IntegratedCareSystem | None:
    """The ICS a record belongs to, or None for shared records (organisations, people)."""
    label = _label(obj)
    if label == "places.integratedcaresystem":
        return obj
    ics_id = ics_id_of(obj)
    if ics_id is None:
        return None
    # Follow the loaded relations first, so select_related() saves the query.
    path = ICS_PATHS.get(label)
    if label == "governance.document":
        owner = obj.mou if obj.mou_id else (obj.meeting.board if obj.meeting_id else obj.board)
        return owner.ics
    target = obj
    for hop in path.split("__"):
        target = getattr(target, hop)
    return target


def linked_ics_ids(obj) -> set[int]:
    """ICS ids a record is linked to: its own ICS, or for a shared record every ICS it touches.

    Remembered on the object, as the admin asks several times per page.
    """
    cached = getattr(obj, "_linked_ics_ids", None)
    if cached is not None and cached[0] == obj.pk:
        return cached[1]
    linked = _linked_ics_ids(obj)
    if obj.pk is not None:
        obj._linked_ics_ids = (obj.pk, linked)
    return linked


def _linked_ics_ids(obj) -> set[int]:
    from governance.models import BoardMembership
    from partners.models import Partnership

    label = _label(obj)
    if obj.pk is None:
        own = ics_id_of(obj) if ICS_PATHS.get(label) or label == "governance.document" else None
        return {own} if own else set()
    if label == "partners.organisation":
        return set(Partnership.objects.filter(organisation=obj).values_list("ics_id", flat=True)) | set(
            BoardMembership.objects.filter(organisation=obj).values_list("board__ics_id", flat=True)
        )
    if label == "governance.person":
        return set(BoardMembership.objects.filter(person=obj).values_list("board__ics_id", flat=True))
    if label == "governance.declarationofinterest":
        return set(BoardMembership.objects.filter(person_id=obj.person_id).values_list("board__ics_id", flat=True))
    own = ics_id_of(obj)
    return {own} if own else set()


def _shared(obj) -> bool:
    return _label(obj) in ("partners.organisation", "governance.person", "governance.declarationofinterest")


# --- rights on one record ---------------------------------------------------------------


def can_edit(user, obj) -> bool:
    """May `user` change (or add) `obj`? Superusers always; staff within their ICSs."""
    allowed = editable_ics_ids(user)
    if allowed is None:
        return True
    if not allowed or not getattr(user, "is_staff", False):
        return False
    if _label(obj) == "places.integratedcaresystem":
        return obj.pk in allowed
    if _shared(obj):
        linked = linked_ics_ids(obj)
        return not linked or bool(linked & allowed)
    ics_id = ics_id_of(obj)
    return ics_id is not None and ics_id in allowed


def can_delete(user, obj) -> bool:
    """May `user` delete `obj`? Shared records need rights over every ICS they are linked to."""
    allowed = editable_ics_ids(user)
    if allowed is None:
        return True
    if not can_edit(user, obj):
        return False
    if _label(obj) == "places.integratedcaresystem":
        return False  # Only superusers add or remove whole ICSs.
    if _shared(obj):
        return linked_ics_ids(obj) <= allowed
    return True


def can_publish(user, obj) -> bool:
    """May `user` publish or unpublish `obj` (MoU, document, meeting minutes)?"""
    allowed = publishable_ics_ids(user)
    if allowed is None:
        return True
    if not allowed or not getattr(user, "is_staff", False):
        return False
    if _shared(obj):
        return bool(linked_ics_ids(obj) & allowed)
    ics_id = ics_id_of(obj)
    return ics_id is not None and ics_id in allowed


# --- scoping querysets ------------------------------------------------------------------


def ics_q(model, ics_ids) -> Q:
    """A Q object keeping the rows of `model` that belong to (or are linked to) `ics_ids`."""
    from governance.models import BoardMembership
    from partners.models import Partnership

    label = _label(model)
    if label == "governance.document":
        return Q(mou__ics__in=ics_ids) | Q(meeting__board__ics__in=ics_ids) | Q(board__ics__in=ics_ids)
    if label == "partners.organisation":
        partnered = Partnership.objects.filter(organisation=OuterRef("pk"))
        represented = BoardMembership.objects.filter(organisation=OuterRef("pk"))
        return (
            Exists(partnered.filter(ics__in=ics_ids))
            | Exists(represented.filter(board__ics__in=ics_ids))
            | (~Exists(partnered) & ~Exists(represented))
        )
    if label in ("governance.person", "governance.declarationofinterest"):
        person = "pk" if label == "governance.person" else "person_id"
        seats = BoardMembership.objects.filter(person=OuterRef(person))
        return Exists(seats.filter(board__ics__in=ics_ids)) | ~Exists(seats)
    path = ICS_PATHS[label]
    return Q(**{f"{path}__in" if path != "pk" else "pk__in": ics_ids})


def visible_to(user, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` that `user` may see and edit as staff."""
    allowed = editable_ics_ids(user)
    if allowed is None:
        return queryset
    if not allowed:
        return queryset.none()
    return queryset.filter(ics_q(queryset.model, allowed))


def editable_ics(user) -> QuerySet:
    """The ICSs a user may edit, for limiting form choices."""
    return visible_to(user, IntegratedCareSystem.objects.all())


def editable_places(user) -> QuerySet:
    return visible_to(user, Place.objects.all())
