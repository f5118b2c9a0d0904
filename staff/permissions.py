"""Who may see, edit, delete and publish which records: the rules of docs/adr/0004-staff-roles-and-shared-records.md.

One module for the admin, the API and the staff dashboard alike. Which ICS a record belongs to
is declared by its model (`ics_portal.core.models.IcsRecord`): a path to its one ICS, or, for a
record shared between ICSs, the ICSs it is linked to. This module reads only that declaration.

- A record of one ICS: that ICS's staff see, edit and delete it; its publishers publish it.
  An ICS itself is edited by its staff, but only superusers add or delete one.
- A shared record (an organisation, a person, a person's declarations of interest):
    * staff of ANY ICS the record is linked to may see it (`can_view`, `visible_to`);
    * changing or deleting it needs rights over EVERY ICS it is linked to (`can_edit`,
      `can_delete`, `editable`), so adding a link (a partnership, a board seat in one's own ICS)
      never grants rights over a record that was already another ICS's: otherwise only a
      superuser changes it;
    * a shared record linked to no ICS yet (just created, or orphaned) may be seen, changed and
      deleted by any staff user with a role, so they can create and then link it;
    * linking any organisation or person to one's own ICS is a change of one's own ICS's rows
      (a partnership, a board seat), so it needs rights over that ICS only;
    * only publishers of a linked ICS "publish" it (shared records have no drafts, so this
      matters only to the API's publish checks).
- Moving a record (a board to another ICS, a seat to another board): `can_change` asks for
  rights over the record as it is stored AND as it will be saved. Every write path (the admin's
  forms, inlines, actions and History → Revert, the API, the partner import, the services) asks
  `can_change`, `can_edit` or `editable` here.
- Superusers may do anything (`editable_ics_ids()` returns None: "no limit").

A model that declares nothing is an error (`ImproperlyConfigured` here, and the `core.E001`
system check at start-up), never silently a record of no ICS.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from ics_portal.core.models import IcsRecord
from places.models import IntegratedCareSystem, Place

from .models import StaffRole

_CACHE_ATTR = "_staff_roles_by_ics"


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


def _declared(record):
    """`record` (a model or an instance of one), once sure its model declares which ICS it belongs to."""
    model = record if isinstance(record, type) else type(record)
    if not issubclass(model, IcsRecord):
        raise ImproperlyConfigured(
            f"{model._meta.label} does not declare which ICS its records belong to: "
            "inherit IcsOwned (with an ics_path) or SharedRecord from ics_portal.core.models."
        )
    return record


def _is_an_ics(obj) -> bool:
    """Is the record an ICS itself (its path to its ICS is its own key)?"""
    return obj.ics_path == "pk"


def ics_id_of(obj) -> int | None:
    """The id of the ICS `obj` belongs to, without loading the ICS row where possible."""
    return _declared(obj).owning_ics_id()


def ics_of(obj) -> IntegratedCareSystem | None:
    """The ICS a record belongs to, or None for shared records (organisations, people)."""
    return _declared(obj).owning_ics()


def linked_ics_ids(obj) -> set[int]:
    """ICS ids a record is linked to: its own ICS, or for a shared record every ICS it touches.

    Remembered on the object, as the admin asks several times per page, for as long as its key and
    the keys it refers to stay the same (a declaration moved to another person is asked again).
    """
    key = (obj.pk, *(getattr(obj, field.attname) for field in obj._meta.concrete_fields if field.is_relation))
    cached = getattr(obj, "_linked_ics_ids", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    linked = _declared(obj).linked_ics_ids()
    if obj.pk is not None:
        obj._linked_ics_ids = (key, linked)
    return linked


# --- rights on one record ---------------------------------------------------------------


def _staff_ics_ids(user) -> set[int] | None:
    """ICS ids a user acts for as staff: None for superusers, empty for anyone not staff."""
    allowed = editable_ics_ids(user)
    if allowed is None:
        return None
    return allowed if getattr(user, "is_staff", False) else set()


def can_view(user, obj) -> bool:
    """May `user` see `obj` as staff? A shared record: if linked to any of their ICSs, or to none."""
    _declared(obj)
    allowed = _staff_ics_ids(user)
    if allowed is None:
        return True
    if not allowed:
        return False
    if obj.ics_shared:
        linked = linked_ics_ids(obj)
        return not linked or bool(linked & allowed)
    return can_edit(user, obj)


def can_edit(user, obj) -> bool:
    """May `user` change (or add) `obj` as it is? Superusers always; staff within their ICSs.

    A shared record only if every ICS it is linked to is theirs (or it is linked to none), so that
    linking another ICS's organisation or person to one's own ICS grants nothing over it.
    """
    _declared(obj)
    allowed = _staff_ics_ids(user)
    if allowed is None:
        return True
    if not allowed:
        return False
    if obj.ics_shared:
        return linked_ics_ids(obj) <= allowed
    ics_id = ics_id_of(obj)
    return ics_id is not None and ics_id in allowed


def can_change(user, obj, *, before=None) -> bool:
    """May `user` save `obj` (as it will be) over the record as it is stored?

    Both must be theirs: a record is neither moved out of another ICS nor into one. `before` is
    the stored record when the caller holds it (an API's instance, the row a restore replaces);
    without it, an existing record's stored row is asked of the database (one query).
    """
    if not can_edit(user, obj):
        return False
    if obj.pk is None or obj._state.adding:
        return True
    if before is not None:
        return can_edit(user, before)
    allowed = _staff_ics_ids(user)
    if allowed is None:
        return True
    model = type(obj)
    return model._base_manager.filter(pk=obj.pk).filter(editable_q(model, allowed)).exists()


def can_delete(user, obj) -> bool:
    """May `user` delete `obj`? As for changing it; an ICS itself only a superuser deletes."""
    _declared(obj)
    if editable_ics_ids(user) is None:
        return True
    if _is_an_ics(obj):
        return False  # Only superusers add or remove whole ICSs.
    return can_edit(user, obj)


def can_publish(user, obj) -> bool:
    """May `user` publish or unpublish `obj` (MoU, document, meeting minutes)?"""
    _declared(obj)
    allowed = publishable_ics_ids(user)
    if allowed is None:
        return True
    if not allowed or not getattr(user, "is_staff", False):
        return False
    if obj.ics_shared:
        return bool(linked_ics_ids(obj) & allowed)
    ics_id = ics_id_of(obj)
    return ics_id is not None and ics_id in allowed


# --- scoping querysets ------------------------------------------------------------------


def ics_q(model, ics_ids) -> Q:
    """A Q object keeping the rows of `model` that belong to (or are linked to) `ics_ids`.

    Shared records linked to no ICS at all are kept too.
    """
    _declared(model)
    if model.ics_shared:
        return model.linked_q(ics_ids) | model.unlinked_q()
    return model.linked_q(ics_ids)


def editable_q(model, ics_ids) -> Q:
    """A Q object keeping the rows of `model` that staff with rights over `ics_ids` may change.

    A record of one ICS: that ICS is among them. A shared record: it is linked to no ICS outside
    them (so one linked to none is kept).
    """
    _declared(model)
    if model.ics_shared:
        others = IntegratedCareSystem.objects.exclude(pk__in=ics_ids).values("pk")
        return ~model.linked_q(others)
    return model.linked_q(ics_ids)


def editable(user, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` that `user` may change (`can_edit` for many rows, in one query)."""
    return _scoped(queryset, _staff_ics_ids(user), editable_q)


def visible_to(user, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` that `user` may see as staff (for records of one ICS, also change)."""
    return _scoped(queryset, editable_ics_ids(user), ics_q)


def publishable(user, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` that `user` may publish (`can_publish` for many rows, in one query)."""
    allowed = publishable_ics_ids(user)
    if allowed is not None and not getattr(user, "is_staff", False):
        allowed = set()
    return _scoped(queryset, allowed, ics_q)


def _scoped(queryset: QuerySet, allowed: set[int] | None, q_for) -> QuerySet:
    """`queryset` kept to `q_for(model, allowed)`; None means no limit (superusers), an empty set nothing."""
    _declared(queryset.model)
    if allowed is None:
        return queryset
    if not allowed:
        return queryset.none()
    return queryset.filter(q_for(queryset.model, allowed))


def editable_ics(user) -> QuerySet:
    """The ICSs a user may edit, for limiting form choices."""
    return visible_to(user, IntegratedCareSystem.objects.all())


def editable_places(user) -> QuerySet:
    return visible_to(user, Place.objects.all())
