"""Partner organisations and their membership of ICSs and places."""

import datetime
import re
from collections import defaultdict
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import OpClass
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Lower, Upper
from simple_history.models import HistoricalRecords

from ics_portal.core.date_range import validate_day
from ics_portal.core.models import (
    DatedModel,
    DatedQuerySet,
    IcsOwned,
    PortalModel,
    PostgresBTreeIndex,
    PostgresGinIndex,
    Provenance,
    SharedRecord,
    one_at_a_time,
)
from ics_portal.core.reverse import fast_reverse
from places.models import ICB_ODS_CODE, ICB_ODS_CODE_DESCRIBED, IntegratedCareSystem, Place

TRUST_ODS_CODE = r"^([RT][A-Z0-9]{2}|[A-Z0-9]{5})$"
TRUST_ODS_CODE_DESCRIBED = "R or T and two letters or digits, e.g. RR8 or TAD, or five characters, e.g. G6V2S"

# ODS code formats accepted for each kind of organisation (see README).
ODS_CODE_FORMATS = {
    "icb": (ICB_ODS_CODE, ICB_ODS_CODE_DESCRIBED),
    "ccg": (r"^([0-9]{2}[A-Z]|[A-Z0-9]{5})$", "two digits and a letter, e.g. 15F, or five characters, e.g. W2U3Z"),
    "nhs_trust": (TRUST_ODS_CODE, TRUST_ODS_CODE_DESCRIBED),
    "foundation_trust": (TRUST_ODS_CODE, TRUST_ODS_CODE_DESCRIBED),
    "local_authority": (
        r"^([0-9]{3}|[A-Z0-9]{5})$",
        "three digits, e.g. 212, or five characters for councils formed since 2021, e.g. H6X4G",
    ),
    "pcn": (r"^U[0-9]{5}$", "U and five digits, e.g. U12345"),
    "gp_practice": (r"^[A-Z][0-9]{5}$", "a letter and five digits, e.g. B86001"),
}
OTHER_ODS_CODE_FORMAT = (r"^[A-Z0-9]{3,8}$", "three to eight capital letters or digits")


PREFETCHED_NAMES = "prefetched_names"


def names_prefetch(path: str = "names") -> Prefetch:
    """An organisation's names, oldest first, for `Organisation.name_on(day)` (`OrganisationQuerySet.with_names()`);
    `path` reaches them from another model, e.g. "organisation__names". A plain list (to_attr): a related manager
    per organisation would cost ~50 µs each, 3 ms on an ICS page, for rows most organisations do not have."""
    return Prefetch(path, queryset=OrganisationName.objects.order_by(*NAMES_ORDER), to_attr=PREFETCHED_NAMES)


def with_names(organisations, names):
    """Give each organisation its names, oldest first, from `names` (`OrganisationName`s in `NAMES_ORDER`), as
    `names_prefetch()` would: for a page that reads its names with a query of its own."""
    by_organisation = defaultdict(list)
    for name in names:
        by_organisation[name.organisation_id].append(name)
    for organisation in organisations:
        setattr(organisation, PREFETCHED_NAMES, by_organisation[organisation.pk])


class LinkedByPartnerships(SharedRecord):
    """Shared between ICSs: linked to each ICS an organisation partners or holds a board seat in (any dates).

    `organisation_field` names the organisation: "pk" on an organisation, "organisation_id" on a record that
    belongs to its organisation (a name it was known by), so the record follows its organisation's rights,
    even before it is saved.
    """

    organisation_field: ClassVar[str]

    def linked_ics_ids(self):
        """ICSs the organisation is linked to by a partnership (any dates, any place) or a board seat for it."""
        organisation_id = getattr(self, self.organisation_field)
        if organisation_id is None:
            return set()
        return set(Partnership.objects.filter(organisation_id=organisation_id).values_list("ics_id", flat=True)) | set(
            self._board_memberships().filter(organisation_id=organisation_id).values_list("board__ics_id", flat=True)
        )

    @classmethod
    def linked_q(cls, ics_ids):
        partnered, represented = cls._links()
        return models.Exists(partnered.filter(ics__in=ics_ids)) | models.Exists(
            represented.filter(board__ics__in=ics_ids)
        )

    @classmethod
    def unlinked_q(cls):
        partnered, represented = cls._links()
        return ~models.Exists(partnered) & ~models.Exists(represented)

    @classmethod
    def _links(cls):
        """The partnerships and the board seats of the organisation of the outer query."""
        return (
            Partnership.objects.filter(organisation=models.OuterRef(cls.organisation_field)),
            cls._board_memberships().filter(organisation=models.OuterRef(cls.organisation_field)),
        )

    @classmethod
    def _board_memberships(cls):
        """governance.BoardMembership's rows, through the relation it declares: partners does not import governance."""
        return Organisation._meta.get_field("board_memberships").related_model.objects


class OrganisationQuerySet(DatedQuerySet):
    def with_names(self):
        """Each organisation with the names it has been known by, for `Organisation.name_on(day)`: one query for
        all the rows, so a list shows each organisation's name on its day without a query per row."""
        return self.prefetch_related(names_prefetch())

    def for_api(self):
        """The API's organisation list and detail (and an ICS's partner list): of the successor, only its slug."""
        successor_fields = (f.name for f in self.model._meta.concrete_fields if f.name not in ("id", "slug"))
        return self.select_related("successor").defer(*(f"successor__{name}" for name in successor_fields))

    def for_directory(self, day):
        """The partner directory: organisations with the partnerships they held on `day` (the filters narrow it)."""
        return (
            self.order_by(Lower("name"), "pk")
            .prefetch_related(
                Prefetch(
                    "partnerships",
                    queryset=Partnership.objects.as_at(day)
                    .select_related("ics", "place")
                    .order_by(Lower("ics__short_name"), "pk"),
                    to_attr="partnerships_then",
                )
            )
            .with_names()
        )

    def for_directory_csv(self):
        """The directory's CSV: its organisations' columns as tuples, in the directory's order, with no model
        instances (building ~400 organisations and their partnerships cost most of the CSV's time, bench/run).

        Pair with `Partnership.objects.for_directory_csv(day, organisations)` for the partnerships, and
        `OrganisationName.objects.for_directory_csv(day, organisations)` for the name on the day.
        """
        return self.prefetch_related(None).values_list(
            "pk", "name", "ods_code", "kind", "sector", "start_date", "end_date", "provenance"
        )


class Organisation(LinkedByPartnerships, DatedModel):
    """A body that takes part in an ICS: an NHS trust, a council, a PCN, a charity…

    Its dates are its operational dates (opened, closed), from ODS where it has a code. `name` is its
    name now (lists sort and search by it, its slug comes from it); the names it had over time, when it
    was renamed but stayed the same body with the same code, are its `names` (`name_on(day)`).
    """

    organisation_field = "pk"

    class Kind(models.TextChoices):
        ICB = "icb", "Integrated care board"
        CCG = "ccg", "Clinical commissioning group"
        NHS_TRUST = "nhs_trust", "NHS trust"
        FOUNDATION_TRUST = "foundation_trust", "NHS foundation trust"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        PCN = "pcn", "Primary care network"
        GP_PRACTICE = "gp_practice", "GP practice"
        HEALTHWATCH = "healthwatch", "Healthwatch"
        VCSE = "vcse", "Voluntary, community or social enterprise"
        HOSPICE = "hospice", "Hospice"
        CARE_PROVIDER = "care_provider", "Care provider"
        UNIVERSITY = "university", "University"
        OTHER = "other", "Other"

    class Sector(models.TextChoices):
        NHS = "nhs", "NHS"
        LOCAL_GOVERNMENT = "local_government", "Local government"
        VCSE = "vcse", "Voluntary and community"
        INDEPENDENT = "independent", "Independent"
        ACADEMIC = "academic", "Academic"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    ods_code = models.CharField(
        "ODS code",
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        help_text="NHS Organisation Data Service code, in capitals. Leave empty if it has none.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    website = models.URLField(blank=True)
    successor = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="predecessors")

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        ordering = [Lower("name")]
        indexes = [
            # Lists page by name, case-insensitively, with id as the tie-breaker.
            models.Index(Lower("name"), "id", name="partners_org_name_id"),
            # Site search: full text, a name substring or an exact code, each with its own index so
            # PostgreSQL can combine them. The expressions must stay exactly as the search writes them.
            PostgresGinIndex(SearchVector("name", config="english"), name="partners_org_search"),
            PostgresGinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="partners_org_name_trgm"),
            PostgresBTreeIndex(Upper("ods_code"), name="partners_org_ods_upper"),
        ]
        constraints = [
            *DatedModel.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(ods_code=""),
                name="partners_organisation_ods_code_not_blank",
                violation_error_message="Leave the ODS code empty rather than blank.",
            ),
            models.CheckConstraint(
                condition=Q(ods_code__isnull=True)
                | Q(
                    *[Q(kind=kind, ods_code__regex=pattern) for kind, (pattern, _) in ODS_CODE_FORMATS.items()],
                    _connector=Q.OR,
                )
                | (~Q(kind__in=list(ODS_CODE_FORMATS)) & Q(ods_code__regex=OTHER_ODS_CODE_FORMAT[0])),
                name="partners_organisation_ods_code_format",
                violation_error_message="The ODS code does not have the format for this kind of organisation.",
                violation_error_code="ods_code_format",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return fast_reverse("site:organisation_detail", slug=self.slug)

    def clean(self):
        super().clean()
        if self.ods_code:
            self.ods_code = self.ods_code.strip().upper()
            pattern, described = ODS_CODE_FORMATS.get(self.kind, OTHER_ODS_CODE_FORMAT)
            if not re.match(pattern, self.ods_code):
                raise ValidationError(
                    {"ods_code": f"An ODS code for a {self.get_kind_display().lower()} is {described}."}
                )
        elif self.ods_code == "":
            self.ods_code = None

    def name_on(self, day: datetime.date) -> str:
        """Its name on `day`: the name of that period among its `names`, else `name`.

        Reads the rows `names_prefetch()` loaded (else asks the database once).
        """
        for known in self.known_names():
            if known.is_current_on(day):
                return known.name
        return self.name

    def other_names(self, day: datetime.date) -> list:
        """Its names, oldest first, other than the one it had on `day`: "Known as … until 31 March 2023"."""
        shown = self.name_on(day)
        return [known for known in self.known_names() if known.name != shown]

    def known_names(self) -> list:
        """Its names, oldest first: the rows `names_prefetch()` loaded, else from the database."""
        prefetched = getattr(self, PREFETCHED_NAMES, None)
        return list(self.names.order_by(*NAMES_ORDER)) if prefetched is None else prefetched


class PartnershipQuerySet(DatedQuerySet):
    def kind_counts(self):
        """Per kind of organisation: how many organisations these partnerships hold (`n`), and how many of those
        are sample or generated (`samples`), in one aggregate query.

        The ICS page shows its numerous kinds (hundreds of GP practices at national scale) as a count and a
        link to the directory, and loads rows only for the others (bench/run).
        """
        sample = ~Q(provenance=Provenance.PUBLIC_RECORD) | ~Q(organisation__provenance=Provenance.PUBLIC_RECORD)
        return (
            self.order_by()
            .values("organisation__kind")
            .annotate(
                n=Count("organisation", distinct=True),
                samples=Count("organisation", distinct=True, filter=sample),
            )
        )

    def for_directory_csv(self, day, organisations, ics=None, place=None):
        """`organisations`' partnerships on `day` (only those with `ics` and at `place`, when given) as tuples:
        (organisation id, ICS short name, place name or None, role, start, end, source, provenance), each
        organisation's ICS-wide partnerships before those at a place.

        With an ICS or a place, every partnership with it on the day, whatever its organisation: the CSV's rows
        follow `organisations` and skip the others. Matching them against `organisations` here ran the
        directory's query again inside this one, twice the time of one ICS's ~800 partnerships by its index.
        """
        partnerships = self.as_at(day)
        if ics is not None:
            partnerships = partnerships.filter(ics=ics)
        if place is not None:
            partnerships = partnerships.filter(place=place)
        if ics is None and place is None:
            partnerships = partnerships.filter(organisation__in=organisations.values("pk"))
        return partnerships.order_by(
            Lower("ics__short_name"), F("place__name").asc(nulls_first=True), "pk"
        ).values_list(
            "organisation_id",
            "ics__short_name",
            "place__name",
            "role",
            "start_date",
            "end_date",
            "source",
            "provenance",
        )

    def for_api(self):
        """The API's partnership list and detail: organisation name and ODS code, ICS and place slugs."""
        return self.select_related("organisation", "ics", "place")

    def councils_not_placed(self):
        """Councils' partnerships with a whole ICS that have no place-level twin (same council, ICS and role):
        the councils the loader could not place by district name (partners.reference_data.place_councils)."""
        twins = Partnership.objects.filter(
            organisation=models.OuterRef("organisation"),
            ics=models.OuterRef("ics"),
            role=models.OuterRef("role"),
            place__isnull=False,
        )
        return self.filter(place=None, organisation__kind=Organisation.Kind.LOCAL_AUTHORITY).exclude(
            models.Exists(twins)
        )


class Partnership(IcsOwned, DatedModel):
    """An organisation's membership of an ICS, or of one place within it, for a period."""

    class Role(models.TextChoices):
        ICB = "icb", "Integrated care board"
        CONSTITUTIONAL_PARTNER = "constitutional_partner", "Constitutional partner"
        STP_MEMBER = "stp_member", "STP member"
        PARTNER = "partner", "Partner"
        ASSOCIATE = "associate", "Associate partner"

    ics_path = "ics"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="partnerships")
    ics = models.ForeignKey(
        IntegratedCareSystem, verbose_name="ICS", on_delete=models.CASCADE, related_name="partnerships"
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="partnerships",
        help_text="Leave empty for a partnership with the whole ICS.",
    )
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.PARTNER)
    source = models.CharField(max_length=300, blank=True, help_text="Where this is recorded, e.g. a constitution.")

    history = HistoricalRecords()
    objects = PartnershipQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        ordering = ["ics", Lower("organisation__name")]
        indexes = [models.Index(fields=["ics", "start_date", "end_date"], name="partners_partnership_ics_dates")]

    def __str__(self):
        where = self.place or self.ics
        return f"{self.organisation} in {where}"

    def clean(self):
        super().clean()
        if self.place_id and self.ics_id and not place_was_in(self.place, self.ics_id, self.start_date, self.end_date):
            raise ValidationError({"place": "That place was not in this ICS on the partnership's dates."})


def place_was_in(place, ics_id, start=None, end=None) -> bool:
    """`Place.was_in`, read from the place's memberships when they were prefetched (an import checks every row's
    place: a query a row otherwise), else asked of the database."""
    memberships = getattr(place, "_prefetched_objects_cache", {}).get("memberships")
    if memberships is None:
        return place.was_in(ics_id, start, end)
    return any(
        m.ics_id == ics_id
        and (end is None or m.start_date is None or m.start_date <= end)
        and (start is None or m.end_date is None or m.end_date >= start)
        for m in memberships
    )


# Oldest first: a name with no start date (known by it since before the records) comes first.
NAMES_ORDER = (models.F("start_date").asc(nulls_first=True), "pk")

NAMES_OVERLAP = (
    "This organisation already has another name for part of that period: "
    "one organisation has one name at a time, so end the other name the day before this one starts."
)


class OrganisationNameQuerySet(DatedQuerySet):
    def for_directory_csv(self, day, organisations):
        """(organisation id, name) of `organisations`' names on `day`, for the directory's CSV."""
        return (
            self.as_at(day)
            .filter(organisation__in=organisations.values("pk"))
            .order_by()
            .values_list("organisation_id", "name")
        )


class OrganisationName(LinkedByPartnerships, DatedModel):
    """A name an organisation was known by for a period, while it stayed the same body with the same ODS code.

    e.g. council 218: "North Yorkshire County Council" until 31 March 2023, "North Yorkshire Council" (a
    unitary authority) since 1 April 2023. A body abolished and replaced by new ones is not a rename: it
    ends, and names its `successor`. Belongs to its organisation: staff who may change the organisation
    may change its names (docs/adr/0004).
    """

    organisation_field = "organisation_id"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where this name and its dates are recorded, and as at when, e.g. a file or an order.",
    )

    history = HistoricalRecords()
    objects = OrganisationNameQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        verbose_name = "organisation name"
        ordering = ["organisation", *NAMES_ORDER]
        constraints = [
            *DatedModel.Meta.constraints,
            one_at_a_time(
                "organisation",
                name="partners_one_name_at_a_time",
                message=NAMES_OVERLAP,
                code="names_overlap",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # The exclusion constraint's rule, on every database and before it: a message on the dates, not an error.
        if self.organisation_id is None or (self.start_date and self.end_date and self.end_date < self.start_date):
            return
        others = OrganisationName.objects.filter(organisation_id=self.organisation_id).exclude(pk=self.pk)
        if any(self.overlaps(other) for other in others):
            raise ValidationError({"start_date": ValidationError(NAMES_OVERLAP, code="names_overlap")})


class OrganisationSuccession(LinkedByPartnerships, PortalModel):
    """One organisation's work passing to another on a day (a merger, an acquisition…), as ODS records it.

    Belongs to its predecessor: staff who may change the predecessor may change its successions.
    """

    organisation_field = "predecessor_id"

    class Kind(models.TextChoices):
        MERGER = "merger", "Merger"
        ACQUISITION = "acquisition", "Acquisition"
        SPLIT = "split", "Split"
        OTHER = "other", "Other succession"

    predecessor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="successions_out")
    successor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="successions_in")
    date = models.DateField(validators=[validate_day], help_text="The day the successor took over the work.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MERGER)
    source = models.CharField(max_length=300, blank=True, help_text="Where this is recorded, e.g. an ODS file.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="partners_succession_once",
                violation_error_message="This succession is already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="partners_succession_not_itself",
                violation_error_message="An organisation cannot succeed itself.",
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.date:%-d %B %Y})"


def succession_prefetches() -> tuple[Prefetch, Prefetch]:
    """An organisation's successions both ways, with the organisation at the other end (pages and the API)."""
    return (
        Prefetch("successions_out", queryset=OrganisationSuccession.objects.select_related("successor")),
        Prefetch("successions_in", queryset=OrganisationSuccession.objects.select_related("predecessor")),
    )


class OdsChange(LinkedByPartnerships, PortalModel):
    """A change the ODS sync proposes to an organisation (`manage.py sync_ods`): nothing changes until staff
    with national rights accept it (partners.services.accept_ods_change). Linked as its organisation is.

    `before` and `after` hold only the values that differ (name, end_date, successor, icb, …), as text.
    """

    organisation_field = "organisation_id"

    class Kind(models.TextChoices):
        NEW = "new", "New organisation"
        CLOSURE = "closure", "Closure"
        RENAME = "rename", "Rename"
        ICB_MOVE = "icb_move", "Move to another ICB"
        REOPENED = "reopened", "Reopened code"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded by a later file"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    ods_code = models.CharField("ODS code", max_length=8)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="ods_changes"
    )
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict)
    source_file = models.CharField(max_length=300)
    source_date = models.DateField(help_text="The date of the ODS file the change was read from.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    reason = models.TextField(blank=True, help_text="Why it was accepted or rejected.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "ODS change"
        ordering = ["status", "ods_code", "kind", "pk"]
        permissions = [("decide_odschange", "Accept or reject ODS changes (the national role)")]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code", "kind", "after"],
                condition=Q(status="proposed"),
                name="partners_odschange_one_open_proposal",
                violation_error_message="This change is already proposed.",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(decided_at__isnull=False) | Q(status="superseded"),
                name="partners_odschange_decided_when",
                violation_error_message="A decided change records when it was decided.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.ods_code}"
