"""Integrated care systems over their lives: stages, successions, clusters, and the places inside them."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from ics_portal.core.date_range import validate_day
from ics_portal.core.models import (
    DatedModel,
    DatedQuerySet,
    IcsOwned,
    PortalModel,
    SharedRecord,
    Sourced,
    one_at_a_time,
)
from ics_portal.core.reverse import fast_reverse

# An ICB's code: Q and two characters for the 42 of 2022, five characters for those created since (T6Y0W).
ICB_ODS_CODE = r"^(Q[A-Z0-9]{2}|[A-Z0-9]{5})$"
ICB_ODS_CODE_DESCRIBED = (
    "Q and two letters or digits, e.g. QWO, or five characters for ICBs formed since 2026, e.g. T6Y0W"
)
SUB_ICB_ODS_CODE = r"^([0-9]{2}[A-Z]|[A-Z0-9]{5})$"
ICB_GSS_CODE = r"^E54[0-9]{6}$"
SUB_ICB_GSS_CODE = r"^E38[0-9]{6}$"


class Region(models.TextChoices):
    """NHS England regions, keyed by their ODS codes."""

    LONDON = "Y56", "London"
    SOUTH_WEST = "Y58", "South West"
    SOUTH_EAST = "Y59", "South East"
    MIDLANDS = "Y60", "Midlands"
    EAST_OF_ENGLAND = "Y61", "East of England"
    NORTH_WEST = "Y62", "North West"
    NORTH_EAST_AND_YORKSHIRE = "Y63", "North East and Yorkshire"


class IntegratedCareSystemQuerySet(DatedQuerySet):
    def for_api(self):
        """The API's ICS list and detail: stages, successions both ways and clusters, a query each, as plain lists
        (`api_` + the relation's name): a related manager per ICS and relation cost ~50 µs, 7 ms a page."""
        return self.prefetch_related(
            Prefetch("stages", queryset=IcsStage.objects.order_by("start_date", "pk"), to_attr="api_stages"),
            Prefetch(
                "successions",
                queryset=IcsSuccession.objects.select_related("successor").order_by("date"),
                to_attr="api_successions",
            ),
            Prefetch(
                "successions_from",
                queryset=IcsSuccession.objects.select_related("predecessor").order_by("date"),
                to_attr="api_successions_from",
            ),
            Prefetch(
                "cluster_memberships",
                queryset=ClusterMembership.objects.select_related("cluster"),
                to_attr="api_cluster_memberships",
            ),
        )

    def for_home(self):
        """The home page: ICSs with their stages (`stages_by_date`), so the page can name the stage each was at on a
        day. A plain list, as in for_api(): a related manager per ICS cost ~100 µs, 3.4 ms a page."""
        return self.order_by(Lower("short_name")).prefetch_related(
            Prefetch("stages", queryset=IcsStage.objects.order_by("start_date"), to_attr="stages_by_date")
        )


class IntegratedCareSystem(IcsOwned, Sourced, DatedModel):
    """An integrated care system: the partnership that grew out of an STP, with its ICB.

    Identified by its ICB's ODS code, which carried over from the STP. Its life runs from the STP
    (or from the day a new ICB was created) to the day before it was abolished; `successions` say
    where its area went.
    """

    ics_path = "pk"  # Its own ICS: its staff edit it, only superusers add or delete one.

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=100, help_text="Everyday name, e.g. 'West Yorkshire'.")
    slug = models.SlugField(max_length=100, unique=True)
    icb_ods_code = models.CharField(
        "ICB ODS code",
        max_length=5,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(ICB_ODS_CODE, f"An ICB ODS code is {ICB_ODS_CODE_DESCRIBED}.")],
    )
    gss_code = models.CharField(
        "ONS code",
        max_length=9,
        blank=True,
        validators=[RegexValidator(ICB_GSS_CODE, "An ICB ONS code is E54 and six digits, e.g. E54000054.")],
    )
    region = models.CharField("NHS England region", max_length=3, choices=Region.choices)
    population = models.PositiveIntegerField(null=True, blank=True)
    annual_budget = models.PositiveBigIntegerField(null=True, blank=True, help_text="Pounds a year.")
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = IntegratedCareSystemQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        verbose_name = "integrated care system"
        ordering = [Lower("short_name")]
        constraints = [
            *DatedModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(icb_ods_code__isnull=True) | Q(icb_ods_code__regex=ICB_ODS_CODE),
                name="places_ics_icb_ods_code_format",
                violation_error_message=f"An ICB ODS code is {ICB_ODS_CODE_DESCRIBED}.",
            ),
            models.CheckConstraint(
                condition=Q(gss_code="") | Q(gss_code__regex=ICB_GSS_CODE),
                name="places_ics_gss_code_format",
                violation_error_message="An ICB ONS code is E54 and six digits, e.g. E54000054.",
            ),
        ]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return fast_reverse("site:ics_detail", slug=self.slug)

    def clean(self):
        super().clean()
        if self.pk is not None:
            self._check_life_keeps_its_successions_and_clusters()

    def _check_life_keeps_its_successions_and_clusters(self):
        """The deferred triggers' rules (places/0005) for a change of dates, as a message before the commit."""
        for succession in IcsSuccession.objects.filter(Q(predecessor=self) | Q(successor=self)):
            day = (
                succession.date - datetime.timedelta(days=1)
                if succession.predecessor_id == self.pk
                else succession.date
            )
            if not self.is_current_on(day):
                raise ValidationError(
                    {
                        "end_date" if self.end_date and day > self.end_date else "start_date": (
                            f"It must exist on {day:%-d %B %Y} for its succession of {succession.date:%-d %B %Y}."
                        )
                    }
                )
        for membership in self.cluster_memberships.select_related("cluster"):
            if not covers(self, membership.cluster):
                raise ValidationError(
                    {"end_date": f"It must exist for all the dates of the cluster {membership.cluster}."}
                )


class IcsStage(IcsOwned, DatedModel):
    """A stage in an ICS's life (STP, shadow ICS, ICS, statutory ICS), with the name and ONS code it had then."""

    class Stage(models.TextChoices):
        STP = "stp", "Sustainability and transformation partnership"
        SHADOW_ICS = "shadow_ics", "Shadow integrated care system"
        ICS = "ics", "Integrated care system"
        STATUTORY_ICS = "statutory_ics", "Statutory integrated care system"

    ics_path = "ics"

    ics = models.ForeignKey(IntegratedCareSystem, verbose_name="ICS", on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    name_then = models.CharField(max_length=200, blank=True, help_text="What the partnership was called at this stage.")
    gss_code_then = models.CharField("ONS code then", max_length=9, blank=True)
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta(DatedModel.Meta):
        verbose_name = "ICS stage"
        ordering = ["ics", "start_date"]
        constraints = [
            *DatedModel.Meta.constraints,
            models.UniqueConstraint(fields=["ics", "stage"], name="places_icsstage_one_of_each"),
        ]

    def __str__(self):
        return f"{self.ics}: {self.get_stage_display()}"


class IcsSuccession(IcsOwned, Sourced, PortalModel):
    """Part or all of an ICS's area passing to another ICS on a day: a merger, a boundary change, an acquisition.

    The database holds `date` inside both lives: the predecessor existed the day before, the successor
    exists on the day (a deferred trigger, migration places/0004).
    """

    class Kind(models.TextChoices):
        MERGER = "merger", "Merger: its whole area joined a new ICS"
        BOUNDARY_CHANGE = "boundary_change", "Boundary change: part of its area moved"
        ACQUISITION = "acquisition", "Acquisition: an existing ICS, keeping its code, took on area"

    ics_path = "successor"

    predecessor = models.ForeignKey(IntegratedCareSystem, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(IntegratedCareSystem, on_delete=models.CASCADE, related_name="successions_from")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField(validators=[validate_day], help_text="The first day the successor held the area.")
    places = models.ManyToManyField("Place", blank=True, related_name="successions", help_text="The places that moved.")
    note = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords(m2m_fields=[places])

    class Meta:
        verbose_name = "ICS succession"
        ordering = ["date", Lower("predecessor__short_name")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="places_succession_not_itself",
                violation_error_message="An ICS cannot succeed itself.",
            ),
            models.UniqueConstraint(
                fields=["predecessor", "successor", "date"],
                name="places_succession_once_a_day",
                violation_error_message="This succession is already recorded for that day.",
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.date:%-d %B %Y})"

    def clean(self):
        super().clean()
        if not (self.date and self.predecessor_id and self.successor_id):
            return
        before = self.date - datetime.timedelta(days=1)
        if not self.predecessor.is_current_on(before):
            raise ValidationError(
                {"date": f"{self.predecessor} did not exist on the day before {self.date:%-d %B %Y}."}
            )
        if not self.successor.is_current_on(self.date):
            raise ValidationError({"date": f"{self.successor} did not exist on {self.date:%-d %B %Y}."})


class ClusterQuerySet(DatedQuerySet):
    def with_members(self):
        return self.prefetch_related(
            Prefetch(
                "memberships",
                queryset=ClusterMembership.objects.select_related("ics").order_by(Lower("ics__short_name")),
            )
        )


class Cluster(SharedRecord, Sourced, DatedModel):
    """ICSs sharing leadership (a chair, a chief executive, sometimes a joint board) while staying legally separate.

    Sources often state no start: then `start_date` is the date of the source, and `start_from_source` says so.
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    start_from_source = models.BooleanField(
        "start is the source's date",
        default=False,
        help_text="Tick when no source says when it began: the start date is then the date of the source.",
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ClusterQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        ordering = [Lower("name")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.pk is not None:
            self._check_dates_keep_its_members()

    def _check_dates_keep_its_members(self):
        """The deferred trigger's rule (places/0005) for a change of dates, as a message before the commit."""
        for membership in self.memberships.select_related("ics"):
            ics = membership.ics
            if not covers(ics, self):
                starts_too_early = ics.start_date is not None and (
                    self.start_date is None or self.start_date < ics.start_date
                )
                raise ValidationError(
                    {
                        "start_date" if starts_too_early else "end_date": (
                            f"{ics}, a member of this cluster, did not exist for all of these dates."
                        )
                    }
                )

    def linked_ics_ids(self):
        return set(self.memberships.values_list("ics_id", flat=True)) if self.pk else set()

    @classmethod
    def linked_q(cls, ics_ids):
        return models.Exists(ClusterMembership.objects.filter(cluster=models.OuterRef("pk"), ics__in=ics_ids))

    @classmethod
    def unlinked_q(cls):
        return ~models.Exists(ClusterMembership.objects.filter(cluster=models.OuterRef("pk")))


class ClusterMembership(IcsOwned, PortalModel):
    """An ICS in a cluster for all of the cluster's life: the database holds the ICS's life around the cluster's."""

    ics_path = "ics"

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    ics = models.ForeignKey(
        IntegratedCareSystem, verbose_name="ICS", on_delete=models.PROTECT, related_name="cluster_memberships"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["cluster", Lower("ics__short_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "ics"],
                name="places_cluster_member_once",
                violation_error_message="This ICS is already in the cluster.",
            )
        ]

    def __str__(self):
        return f"{self.ics} in {self.cluster}"

    def clean(self):
        super().clean()
        if self.cluster_id and self.ics_id and not covers(self.ics, self.cluster):
            raise ValidationError({"ics": f"{self.ics} did not exist for all of the cluster's dates."})


class PlannedChange(SharedRecord, Sourced, PortalModel):
    """A merger or cluster that is planned or only reported: shown as a plan, labelled so, never as structure."""

    class Kind(models.TextChoices):
        MERGER = "merger", "Merger"
        CLUSTER = "cluster", "Cluster"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned: the bodies involved state an intention; no approval found"
        UNCONFIRMED = "unconfirmed", "Unconfirmed: reported as exploratory or possible"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    title = models.CharField(max_length=300)
    expected = models.CharField(max_length=100, blank=True, help_text="When, as the source puts it, e.g. 'April 2027'.")
    icss = models.ManyToManyField(IntegratedCareSystem, related_name="planned_changes", verbose_name="ICSs")
    note = models.TextField(blank=True)

    history = HistoricalRecords(m2m_fields=[icss])

    class Meta:
        ordering = [Lower("title")]

    def __str__(self):
        return self.title

    def linked_ics_ids(self):
        return set(self.icss.values_list("pk", flat=True)) if self.pk else set()

    @classmethod
    def linked_q(cls, ics_ids):
        return Q(icss__in=ics_ids)

    @classmethod
    def unlinked_q(cls):
        return Q(icss__isnull=True)


def covers(outer, inner) -> bool:
    """Whether `outer`'s dates (None: open) include all of `inner`'s."""
    starts_in = outer.start_date is None or (inner.start_date is not None and inner.start_date >= outer.start_date)
    ends_in = outer.end_date is None or (inner.end_date is not None and inner.end_date <= outer.end_date)
    return starts_in and ends_in


class PlaceQuerySet(DatedQuerySet):
    def for_api(self):
        """The API's place list and detail, with each place's memberships of ICSs (`api_memberships`, a plain list:
        a related manager per place cost ~100 µs, 3 ms a page of 30)."""
        return self.prefetch_related(
            Prefetch(
                "memberships",
                queryset=PlaceMembership.objects.select_related("ics").order_by("start_date"),
                to_attr="api_memberships",
            )
        )


class Place(SharedRecord, Sourced, DatedModel):
    """A local footprint, usually one or more local authority districts: from July 2022 a sub-ICB location.

    One place, one page, whichever ICSs it belonged to: its memberships say which ICS on which days.
    Its dates are its own life (a sub-ICB location's opening and closing).
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    ods_code = models.CharField(
        "sub-ICB location ODS code",
        max_length=5,
        blank=True,
        validators=[RegexValidator(SUB_ICB_ODS_CODE, "A sub-ICB location code is like 15F or W2U3Z.")],
    )
    gss_code = models.CharField(
        "ONS code",
        max_length=9,
        blank=True,
        validators=[RegexValidator(SUB_ICB_GSS_CODE, "A sub-ICB location ONS code is E38 and six digits.")],
    )
    population = models.PositiveIntegerField(null=True, blank=True)
    districts = models.CharField(
        "local authority districts",
        max_length=500,
        blank=True,
        help_text="The districts whose small areas make up the place, separated by semicolons.",
    )
    place_lead = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()
    objects = PlaceQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        ordering = [Lower("name")]
        constraints = [
            *DatedModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(ods_code="") | Q(ods_code__regex=SUB_ICB_ODS_CODE),
                name="places_place_ods_code_format",
                violation_error_message="A sub-ICB location code is like 15F or W2U3Z.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return fast_reverse("site:place_detail", slug=self.slug)

    @property
    def district_list(self):
        return [name for name in self.districts.split(";") if name]

    def membership_on(self, day):
        """Its membership on `day`, from prefetched memberships where there are some, or None."""
        return next((m for m in self.memberships.all() if m.is_current_on(day)), None)

    def was_in(self, ics_id, start=None, end=None) -> bool:
        """Whether the place belonged to the ICS on some day from `start` to `end` (None: open)."""
        memberships = self.memberships.filter(ics_id=ics_id)
        if end:
            memberships = memberships.started_by(end)
        if start:
            memberships = memberships.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        return memberships.exists()

    def linked_ics_ids(self):
        return set(self.memberships.values_list("ics_id", flat=True)) if self.pk else set()

    @classmethod
    def linked_q(cls, ics_ids):
        return models.Exists(PlaceMembership.objects.filter(place=models.OuterRef("pk"), ics__in=ics_ids))

    @classmethod
    def unlinked_q(cls):
        return ~models.Exists(PlaceMembership.objects.filter(place=models.OuterRef("pk")))


PLACE_IN_TWO_ICSS = "This place belongs to another ICS for part of that period."


class PlaceMembershipQuerySet(DatedQuerySet):
    def for_page(self, day):
        """An ICS page's places on `day`."""
        return self.as_at(day).select_related("place").order_by(Lower("place__name"))


class PlaceMembership(IcsOwned, Sourced, DatedModel):
    """A place's membership of an ICS for a period. The database refuses a place in two ICSs on one day."""

    ics_path = "ics"

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="memberships")
    ics = models.ForeignKey(
        IntegratedCareSystem, verbose_name="ICS", on_delete=models.PROTECT, related_name="place_memberships"
    )

    history = HistoricalRecords()
    objects = PlaceMembershipQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        ordering = ["place", "start_date"]
        constraints = [
            *DatedModel.Meta.constraints,
            one_at_a_time(
                "place",
                name="places_one_ics_a_day",
                message=PLACE_IN_TWO_ICSS,
                code="place_in_two_icss",
            ),
        ]

    def __str__(self):
        return f"{self.place} in {self.ics}"


class MapOutline(IcsOwned, DatedModel):
    """An ICS's outline on the map over a period when its sub-ICB locations did not change (an SVG path).

    Precomputed from the 2022 boundaries by `places.outlines.refresh_outlines()`, so no page draws geometry.
    Rows with no ICS are areas the map cannot assign (a sub-ICB location since divided), with a caption.
    """

    ics_path = "ics"

    ics = models.ForeignKey(
        IntegratedCareSystem, verbose_name="ICS", on_delete=models.CASCADE, null=True, related_name="outlines"
    )
    path = models.TextField(help_text="SVG path data in the map's viewBox.")
    caption = models.CharField(max_length=500, blank=True)

    class Meta(DatedModel.Meta):
        ordering = ["start_date"]

    def __str__(self):
        return f"Outline of {self.ics or 'an unassigned area'}"
