"""Writes touching several partner models: proposing ODS changes and deciding them (`manage.py sync_ods`,
the ODS review queue in the staff admin).

The sync proposes, staff decide: `propose_ods_changes` writes OdsChange rows only, never an organisation;
`accept_ods_change` applies one proposal in one transaction, by a user with national rights
(`may_decide_ods_changes`), each history row naming the ODS file as its reason.
"""

from __future__ import annotations

import datetime
import json
import string
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from places.models import IntegratedCareSystem

from .models import OdsChange, Organisation, OrganisationSuccession, Partnership
from .ods import OdsFile, OdsOrganisation

NATIONAL_PERMISSION = "partners.decide_odschange"
# Accepted in this order in bulk, so a closure finds the new successor it names.
KIND_ORDER = [OdsChange.Kind.NEW, OdsChange.Kind.REOPENED, OdsChange.Kind.RENAME, OdsChange.Kind.ICB_MOVE]


@dataclass
class SyncSummary:
    proposed: int = 0
    unchanged: int = 0
    skipped: int = 0
    superseded: int = 0

    def line(self) -> str:
        return (
            f"ODS sync: {self.proposed} proposed, {self.unchanged} unchanged, {self.skipped} skipped, "
            f"{self.superseded} earlier proposals superseded."
        )


def may_decide_ods_changes(user) -> bool:
    """ODS changes are national: superusers, and staff given the national role (the decide_odschange permission)."""
    return bool(user and user.is_active and (user.is_superuser or user.has_perm(NATIONAL_PERMISSION)))


def _canonical(values: dict) -> str:
    return json.dumps(values, sort_keys=True)


def _day_text(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _title(name: str) -> str:
    """An ODS name (in capitals) as the portal writes names: "Leeds Teaching Hospitals NHS Trust"."""
    always, inside = {"Nhs": "NHS", "Icb": "ICB"}, {"And": "and", "Of": "of", "The": "the", "For": "for"}
    words = [always.get(word, word) for word in string.capwords(name).split()]
    return " ".join(inside.get(word, word) if i else word for i, word in enumerate(words))


@transaction.atomic
def propose_ods_changes(files: list[OdsFile]) -> SyncSummary:
    """Compare the files with the portal and write a proposal per difference not already proposed, accepted or
    rejected; open proposals for the files' codes that the files no longer show are superseded."""
    summary = SyncSummary()
    successors: dict[str, list] = {}
    for ods_file in files:
        for succession in ods_file.successions:
            successors.setdefault(succession.predecessor, []).append(succession)
    records = [(ods_file, record) for ods_file in files for record in ods_file.organisations]
    codes = {record.code for _, record in records}
    portal = {org.ods_code: org for org in Organisation.objects.filter(ods_code__in=codes)}
    icbs = _icb_codes_now(portal.values())
    systems = {ics.icb_ods_code: ics for ics in IntegratedCareSystem.objects.filter(icb_ods_code__isnull=False)}
    known = {
        (code, kind, _canonical(after))
        for code, kind, after in OdsChange.objects.filter(ods_code__in=codes)
        .exclude(status=OdsChange.Status.SUPERSEDED)
        .values_list("ods_code", "kind", "after")
    }
    still = set()  # every difference the files show, proposed now or before
    for ods_file, record in records:
        found = _differences(record, portal.get(record.code), icbs, systems, successors.get(record.code, []))
        if found is None:
            summary.skipped += 1
            continue
        still |= {(record.code, kind, _canonical(after)) for kind, _, after in found}
        fresh = [
            (kind, before, after)
            for kind, before, after in found
            if (record.code, kind, _canonical(after)) not in known
        ]
        if not fresh:
            summary.unchanged += 1
        for kind, before, after in fresh:
            OdsChange.objects.create(
                kind=kind,
                ods_code=record.code,
                organisation=portal.get(record.code),
                before=before,
                after=after,
                source_file=ods_file.name,
                source_date=ods_file.date,
            )
            summary.proposed += 1
    stale = [
        change.pk
        for change in OdsChange.objects.filter(status=OdsChange.Status.PROPOSED, ods_code__in=codes)
        if (change.ods_code, change.kind, _canonical(change.after)) not in still
    ]
    summary.superseded = OdsChange.objects.filter(pk__in=stale).update(status=OdsChange.Status.SUPERSEDED)
    return summary


def _icb_codes_now(organisations) -> dict[int, set[str]]:
    """Per organisation id, the ICB codes of the ICSs it partners today."""
    codes: dict[int, set[str]] = {}
    for organisation_id, code in (
        Partnership.objects.current()
        .filter(organisation__in=[org.pk for org in organisations], ics__icb_ods_code__isnull=False)
        .values_list("organisation_id", "ics__icb_ods_code")
    ):
        codes.setdefault(organisation_id, set()).add(code)
    return codes


def _differences(record: OdsOrganisation, org, icbs, systems, successions) -> list | None:
    """(kind, before, after) for each way the portal differs from the record; None when the record is skipped
    (a closed organisation the portal never had)."""
    if org is None:
        if record.end_date or record.kind == Organisation.Kind.CCG or record.icb_code not in systems:
            # Closed before the portal knew it; a new sub-ICB location (a place, kept by the places loader);
            # or no ICS of the portal's (Welsh trusts, national commissioning hubs).
            return None
        after = {"name": _title(record.name), "kind": record.kind, "start_date": _day_text(record.start_date)}
        return [(OdsChange.Kind.NEW, {}, after | {"icb": record.icb_code})]
    if org.kind == Organisation.Kind.CCG and org.end_date and not record.end_date:
        return None  # the CCG closed in 2022; ODS keeps its code for the sub-ICB location (a place) after it
    found = []
    if record.end_date and org.end_date is None:
        after = {
            "end_date": _day_text(record.end_date),
            "successors": sorted(s.successor for s in successions),
            "succession_kind": successions[0].kind if successions else None,
        }
        found.append((OdsChange.Kind.CLOSURE, {"end_date": None}, after))
    elif record.end_date is None and org.end_date:
        found.append((OdsChange.Kind.REOPENED, {"end_date": _day_text(org.end_date)}, {"end_date": None}))
    if record.name.casefold() != org.name.casefold():
        found.append((OdsChange.Kind.RENAME, {"name": org.name}, {"name": _title(record.name)}))
    current = icbs.get(org.pk, set())
    target = systems.get(record.icb_code)
    moved = current and record.icb_code not in current and target is not None and target.end_date is None
    if moved and not record.end_date:
        found.append((OdsChange.Kind.ICB_MOVE, {"icb": ", ".join(sorted(current))}, {"icb": record.icb_code}))
    return found


def _check_decidable(change: OdsChange, user) -> OdsChange:
    if not may_decide_ods_changes(user):
        raise PermissionDenied("ODS changes are national: only superusers and the national role decide them.")
    locked = OdsChange.objects.select_for_update().get(pk=change.pk)
    if locked.status != OdsChange.Status.PROPOSED:
        raise ValidationError(f"{locked} is already {locked.get_status_display().lower()}.")
    return locked


def _decide(change: OdsChange, user, status, reason):
    change.status, change.reason = status, reason
    change.decided_by, change.decided_at = user, timezone.now()
    change.save()


@transaction.atomic
def reject_ods_change(change: OdsChange, *, user, reason: str) -> None:
    if not reason.strip():
        raise ValidationError("Give a reason for rejecting the change.")
    change = _check_decidable(change, user)
    _decide(change, user, OdsChange.Status.REJECTED, reason.strip())


@transaction.atomic
def accept_ods_change(change: OdsChange, *, user, reason: str = "") -> Organisation:
    """Apply the proposal to the portal, all of it or nothing; history names the user and the ODS file."""
    change = _check_decidable(change, user)
    note = f"ODS sync: {change.source_file} of {change.source_date:%-d %B %Y}"
    apply = {
        OdsChange.Kind.NEW: _apply_new,
        OdsChange.Kind.CLOSURE: _apply_closure,
        OdsChange.Kind.RENAME: _apply_rename,
        OdsChange.Kind.ICB_MOVE: _apply_icb_move,
        OdsChange.Kind.REOPENED: _apply_reopened,
    }[change.kind]
    organisation = apply(change, _Writer(user, note))
    change.organisation = organisation
    _decide(change, user, OdsChange.Status.ACCEPTED, reason.strip())
    return organisation


class _Writer:
    """Saves a record after full_clean(), with the deciding user and the ODS file in its history row."""

    def __init__(self, user, note):
        self.user, self.note = user, note

    def save(self, record):
        record._history_user = self.user
        record._change_reason = self.note
        record.full_clean()
        record.save()
        return record


def _organisation(change) -> Organisation:
    organisation = Organisation.objects.select_for_update().filter(ods_code=change.ods_code).first()
    if organisation is None:
        raise ValidationError(f"No organisation has the code {change.ods_code} any more.")
    return organisation


def _ics(code) -> IntegratedCareSystem:
    ics = IntegratedCareSystem.objects.filter(icb_ods_code=code).first()
    if ics is None:
        raise ValidationError(f"No ICS in the portal has the ICB code {code}.")
    return ics


def _apply_new(change, writer) -> Organisation:
    after = change.after
    if Organisation.objects.filter(ods_code=change.ods_code).exists():
        raise ValidationError(f"An organisation with the code {change.ods_code} already exists.")
    slug = slugify(after["name"])[:110] or "organisation"
    if Organisation.objects.filter(slug=slug).exists():
        slug = f"{slug}-{change.ods_code.lower()}"
    start = datetime.date.fromisoformat(after["start_date"]) if after["start_date"] else None
    organisation = writer.save(
        Organisation(
            name=after["name"], slug=slug, ods_code=change.ods_code, kind=after["kind"], sector="nhs", start_date=start
        )
    )
    ics = IntegratedCareSystem.objects.filter(icb_ods_code=after.get("icb"), end_date__isnull=True).first()
    if ics is not None:
        known = [day for day in (start, ics.start_date) if day]
        begins = max(known) if known else None
        writer.save(Partnership(organisation=organisation, ics=ics, start_date=begins, source=writer.note))
    return organisation


def _apply_closure(change, writer) -> Organisation:
    organisation = _organisation(change)
    closed = datetime.date.fromisoformat(change.after["end_date"])
    codes = change.after["successors"]
    successors = list(Organisation.objects.filter(ods_code__in=codes).order_by("ods_code"))
    missing = sorted(set(codes) - {s.ods_code for s in successors})
    if missing:
        raise ValidationError(
            f"The successor {', '.join(missing)} is not in the portal: accept its new organisation first."
        )
    organisation.end_date = closed
    organisation.successor = successors[0] if len(successors) == 1 else organisation.successor
    writer.save(organisation)
    for partnership in organisation.partnerships.filter(Q(end_date__isnull=True) | Q(end_date__gt=closed)):
        if partnership.start_date is None or partnership.start_date <= closed:
            partnership.end_date = closed
            writer.save(partnership)
    for successor in successors:
        writer.save(
            OrganisationSuccession(
                predecessor=organisation,
                successor=successor,
                date=closed + datetime.timedelta(days=1),
                kind=change.after["succession_kind"] or OrganisationSuccession.Kind.OTHER,
                source=writer.note,
            )
        )
        writer.save(successor)  # its predecessors changed: `modified_since` sees it
    return organisation


def _apply_rename(change, writer) -> Organisation:
    organisation = _organisation(change)
    organisation.name = change.after["name"]
    return writer.save(organisation)


def _apply_reopened(change, writer) -> Organisation:
    organisation = _organisation(change)
    organisation.end_date = None
    return writer.save(organisation)


def _apply_icb_move(change, writer) -> Organisation:
    """End its partnerships with other ICSs the day before the file's date; partner the new ICS from that day."""
    organisation = _organisation(change)
    ics = _ics(change.after["icb"])
    moved_on = change.source_date
    current = organisation.partnerships.as_at(moved_on).exclude(ics=ics)
    role = Partnership.Role.PARTNER
    for partnership in current:
        role = partnership.role
        partnership.end_date = moved_on - datetime.timedelta(days=1)
        writer.save(partnership)
    writer.save(Partnership(organisation=organisation, ics=ics, role=role, start_date=moved_on, source=writer.note))
    return organisation
