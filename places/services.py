"""The writes of ICS records that carry rules: an ICS's identity is set nationally; a reorganisation.

Its names (in URLs and on every page), slug and national codes are changed by superusers only:
the admin shows them read-only to everyone else and refuses a restore (History → Revert) that would
put back other values, and the API refuses the change (403).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ics_portal.core.date_range import validate_day
from staff import permissions

from . import outlines
from .models import ClusterMembership, IcsStage, IcsSuccession, IntegratedCareSystem, Place, PlaceMembership

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


# --- a reorganisation: a merger, boundary change or acquisition, recorded in one go -----------------------------

# Records of the apps above places that belong to an ICS and end with it (a board, a partnership): each app
# registers its own in AppConfig.ready(), so places names no model of partners or governance.
ENDS_WITH_ICS: list["EndsWithIcs"] = []


@dataclass(frozen=True)
class EndsWithIcs:
    """Dated records that end the day before their ICS is abolished, or their place leaves their ICS."""

    model: type
    label: str
    ics_path: str = "ics"
    place_path: str | None = None
    related: tuple[str, ...] = ()  # what its str() reads, for the preview


def register_ends_with_ics(
    model, *, label: str, ics_path: str = "ics", place_path: str | None = None, related: tuple[str, ...] = ()
) -> None:
    entry = EndsWithIcs(model, label, ics_path, place_path, related)
    if entry not in ENDS_WITH_ICS:
        ENDS_WITH_ICS.append(entry)


@dataclass
class Move:
    place: Place
    membership: PlaceMembership  # in the predecessor, on the day before
    to: IntegratedCareSystem


@dataclass
class Succession:
    predecessor: IntegratedCareSystem
    kind: str
    places: list[Place]

    @property
    def kind_label(self) -> str:
        return IcsSuccession.Kind(self.kind).label


@dataclass
class Reorganisation:
    """What a reorganisation will write: worked out and checked without writing anything (the preview)."""

    day: datetime.date
    successor: IntegratedCareSystem  # unsaved when new
    successor_is_new: bool
    predecessors: list[IntegratedCareSystem]
    ending: list[IntegratedCareSystem]
    moves: list[Move]
    successions: list[Succession]
    ending_stages: list[IcsStage]
    ending_records: dict[str, list] = field(default_factory=dict)  # label -> rows ending the day before
    source: dict = field(default_factory=dict)

    @property
    def day_before(self) -> datetime.date:
        return self.day - datetime.timedelta(days=1)

    def counts(self) -> dict[str, int]:
        return {
            "ICSs created": int(self.successor_is_new),
            "ICSs ending": len(self.ending),
            "successions": len(self.successions),
            "place memberships ending": len(self.moves),
            "place memberships starting": len(self.moves),
            "stages ending": len(self.ending_stages),
            **{f"{label} ending": len(rows) for label, rows in self.ending_records.items()},
        }


def _day_text(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


class Refusals(dict):
    """The messages of a plan's broken rules, by form field; raised together, so a user sees them all at once."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def reorganisation_plan(
    *,
    day: datetime.date,
    predecessors,
    continuing=(),
    successor: IntegratedCareSystem | None = None,
    new_successor: IntegratedCareSystem | None = None,
    places=None,
    end_linked_records: bool = True,
    source: dict | None = None,
    lock: bool = False,
) -> Reorganisation:
    """Work out a reorganisation on `day` and check every rule, writing nothing.

    `predecessors` give their places (`places`, default: all they held the day before) to `successor` (an
    existing ICS: an acquisition) or `new_successor` (an unsaved ICS, created on `day`). Each predecessor not in
    `continuing` is abolished the day before; with `end_linked_records`, so are its boards, partnerships and
    the other records apps register (ENDS_WITH_ICS), and those at a place leaving a continuing predecessor.
    Raises ValidationError with a message per field: date, predecessors, continuing, successor, places, or a
    field of the new ICS.
    """
    try:
        validate_day(day)
    except ValidationError as error:
        raise ValidationError({"date": error.messages}) from None
    before = day - datetime.timedelta(days=1)
    ids = sorted({ics.pk for ics in predecessors})
    query = IntegratedCareSystem.objects.filter(pk__in=ids).order_by("pk")
    predecessors = list(query.select_for_update() if lock else query)
    continuing_ids = {ics.pk for ics in continuing}
    refusals = Refusals()
    _check_predecessors(refusals, predecessors, continuing_ids, day)
    successor, is_new = _checked_successor(refusals, ids, day, successor, new_successor)
    refusals.raise_any()

    held = {
        m.place_id: m for m in PlaceMembership.objects.as_at(before).filter(ics__in=ids).select_related("place", "ics")
    }
    chosen = list(held.values()) if places is None else _chosen_memberships(refusals, places, held, day)
    moves = [Move(m.place, m, successor) for m in sorted(chosen, key=lambda m: m.place.name.casefold())]
    successions = _successions(refusals, predecessors, continuing_ids, held, moves, is_new)
    ending = [ics for ics in predecessors if ics.pk not in continuing_ids]
    ending_ids = [ics.pk for ics in ending]
    _check_clusters_end(refusals, ending_ids, before)
    stages = _ending_stages(refusals, ending_ids, before)
    ending_records = {}
    if end_linked_records:
        leaving_continuing = [m.place.pk for m in moves if m.membership.ics_id in continuing_ids]
        ending_records = _ending_records(refusals, ending_ids, continuing_ids, leaving_continuing, before)
    refusals.raise_any()
    return Reorganisation(
        day=day,
        successor=successor,
        successor_is_new=is_new,
        predecessors=predecessors,
        ending=ending,
        moves=moves,
        successions=successions,
        ending_stages=stages,
        ending_records=ending_records,
        source=dict(source or {}),
    )


def _check_predecessors(refusals: Refusals, predecessors, continuing_ids, day) -> None:
    """Each predecessor existed the day before (and, if it continues, on the day); none already passed on."""
    if not predecessors:
        raise ValidationError({"predecessors": "Choose the ICSs whose area passes on."})
    before = day - datetime.timedelta(days=1)
    if continuing_ids - {ics.pk for ics in predecessors}:
        refusals.add("continuing", "Only a predecessor can continue.")
    for ics in predecessors:
        if not ics.is_current_on(before):
            refusals.add("predecessors", f"{ics} did not exist on {_day_text(before)}, the day before.")
        elif ics.pk in continuing_ids and not ics.is_current_on(day):
            refusals.add("continuing", f"{ics} does not exist on {_day_text(day)}, so it cannot continue.")
    already = IcsSuccession.objects.filter(predecessor__in=predecessors, date=day).select_related(
        "predecessor", "successor"
    )
    for succession in already:
        refusals.add("predecessors", f"Already recorded: {succession}. Nothing was written a second time.")


def _checked_successor(refusals: Refusals, ids, day, successor, new_successor):
    """(the successor, whether it is new): a new ICS starting on `day`, valid; or an existing one of that day."""
    if new_successor is not None:
        new_successor.start_date, new_successor.end_date = day, None
        try:
            new_successor.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    refusals.add(name if name != NON_FIELD_ERRORS else "successor", message)
        return new_successor, True
    if successor is None:
        raise ValidationError({"successor": "Choose an existing ICS, or fill in the new ICS."})
    if successor.pk in ids:
        refusals.add("successor", "An ICS cannot succeed itself: choose it as continuing instead.")
    elif not successor.is_current_on(day):
        refusals.add("successor", f"{successor} does not exist on {_day_text(day)}.")
    return successor, False


def _chosen_memberships(refusals: Refusals, places, held, day) -> list:
    """The memberships of the places chosen to move: each held by a predecessor the day before, not yet moved."""
    before = day - datetime.timedelta(days=1)
    starting = set(PlaceMembership.objects.filter(place__in=places, start_date=day).values_list("place_id", flat=True))
    chosen = []
    for place in places:
        membership = held.get(place.pk)
        if place.pk in starting:
            refusals.add("places", f"{place} has already moved on {_day_text(day)}.")
        elif membership is None:
            refusals.add("places", f"{place} was not in any of these ICSs on {_day_text(before)}.")
        elif membership.end_date == before:
            refusals.add("places", f"{place} already leaves {membership.ics} on {_day_text(before)}.")
        else:
            chosen.append(membership)
    return chosen


def _successions(refusals: Refusals, predecessors, continuing_ids, held, moves, is_new) -> list:
    """A succession per predecessor, its kind from what moves: all of an ending ICS, some of a continuing one."""
    moving_ids = {m.place.pk for m in moves}
    successions = []
    for ics in predecessors:
        own = [m for m in held.values() if m.ics_id == ics.pk]
        leaving = [m.place for m in own if m.place_id in moving_ids]
        staying = [m.place for m in own if m.place_id not in moving_ids]
        continues = ics.pk in continuing_ids
        if continues and own and not staying:
            refusals.add("continuing", f"{ics} would keep no places: leave it unticked so that it ends.")
        if not continues and staying:
            names = ", ".join(p.name for p in staying)
            refusals.add("places", f"{ics} ends, so all its places move; these do not: {names}.")
        if continues and not leaving:
            refusals.add("continuing", f"None of {ics}'s places move: remove it from the predecessors.")
        successions.append(
            Succession(
                ics, _kind(is_new, partly=continues or bool(staying)), sorted(leaving, key=lambda p: p.name.casefold())
            )
        )
    return successions


def _kind(successor_is_new: bool, *, partly: bool) -> str:
    if not successor_is_new:
        return IcsSuccession.Kind.ACQUISITION
    return IcsSuccession.Kind.BOUNDARY_CHANGE if partly else IcsSuccession.Kind.MERGER


def _check_clusters_end(refusals: Refusals, ending_ids, before) -> None:
    """An ending ICS is in no cluster after its last day (a cluster's members exist for all its dates)."""
    for member in ClusterMembership.objects.filter(ics__in=ending_ids).select_related("cluster", "ics"):
        if member.cluster.end_date is None or member.cluster.end_date > before:
            refusals.add(
                "predecessors",
                f"{member.ics} is in the cluster {member.cluster} after {_day_text(before)}: "
                "end the cluster first (its members must exist for all of its dates).",
            )


def _ending_stages(refusals: Refusals, ending_ids, before) -> list:
    """The ending ICSs' stages still open on `before`, which end with them."""
    stages = list(IcsStage.objects.filter(ics__in=ending_ids).filter(Q(end_date__isnull=True) | Q(end_date__gt=before)))
    for stage in stages:
        if stage.start_date and stage.start_date > before:
            refusals.add("predecessors", f"{stage} starts after {_day_text(before)}: correct it first.")
    return stages


def _ending_records(refusals: Refusals, ending_ids, continuing_ids, leaving_continuing, before) -> dict:
    """label -> the records apps registered (ENDS_WITH_ICS) that end the day before: of an ending ICS, or at a
    place leaving a continuing one."""
    ending_records = {}
    for entry in ENDS_WITH_ICS:
        which = Q(**{f"{entry.ics_path}__in": ending_ids})
        if entry.place_path and leaving_continuing:
            which |= Q(**{f"{entry.ics_path}__in": continuing_ids, f"{entry.place_path}__in": leaving_continuing})
        rows = list(
            entry.model.objects.filter(which)
            .select_related(*entry.related)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=before))
            .order_by("pk")
        )
        for row in rows:
            if row.start_date and row.start_date > before:
                refusals.add(
                    "predecessors", f"{row} ({entry.label}) starts after {_day_text(before)}: correct it first."
                )
        ending_records[entry.label] = rows
    return ending_records


def reorganisation_apply(*, user, **plan_arguments) -> Reorganisation:
    """Record a reorganisation all or nothing: the predecessors locked, the plan checked again, every row
    written with its history under `user`, and the rules the database checks at commit checked here.

    Takes reorganisation_plan()'s arguments; raises ValidationError as it does, IntegrityError for a rule only
    the database saw (nothing is written either way).
    """
    if not may_change_identity(user=user):
        raise PermissionDenied("Only superusers record a reorganisation.")
    with transaction.atomic():
        plan = reorganisation_plan(lock=True, **plan_arguments)
        _write(plan, user)
        if connection.vendor == "postgresql":
            # The deferred triggers (places/0005) fire here, inside this block, not at a commit the caller
            # may not own: a rule the plan missed rolls all of it back.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        outlines.refresh_outlines()  # the map draws the new ICS from the moment it exists
    return plan


def _write(plan: Reorganisation, user) -> None:
    now = timezone.now()
    before = plan.day_before
    source = plan.source
    successor = plan.successor
    if plan.successor_is_new:
        for name, value in source.items():
            setattr(successor, name, value)
        successor._history_user = user
        successor.save()
    # Each place stays in its new ICS for as long as it was to stay in its old one.
    joining = [
        PlaceMembership(place=m.place, ics=successor, start_date=plan.day, end_date=m.membership.end_date, **source)
        for m in plan.moves
    ]
    _end(plan.ending, before, now, user)
    _end(plan.ending_stages, before, now, user)
    for rows in plan.ending_records.values():
        _end(rows, before, now, user)
    _end([m.membership for m in plan.moves], before, now, user)
    bulk_create_with_history(joining, PlaceMembership, default_user=user)
    for s in plan.successions:
        succession = IcsSuccession(predecessor=s.predecessor, successor=successor, kind=s.kind, date=plan.day, **source)
        succession._history_user = user
        succession.full_clean()
        succession.save()
        succession.places.set(s.places)


def _end(rows, before: datetime.date, now, user) -> None:
    """End `rows` on `before`, keeping an earlier end where there is one."""
    rows = [row for row in rows if row.end_date is None or row.end_date > before]
    if not rows:
        return
    for row in rows:
        row.end_date, row.modified_at = before, now
    bulk_update_with_history(rows, type(rows[0]), ["end_date", "modified_at"], default_user=user)
