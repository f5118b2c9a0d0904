"""Boards and committees, who sits on them, their meetings, and MoUs between partners."""

import datetime
import re
import uuid
from pathlib import PurePath
from typing import ClassVar

from django.contrib.postgres.indexes import OpClass
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Prefetch, Q, Sum
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce, Lower, Upper
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ics_portal.core.date_range import HELP_TEXT as DATE_RANGE_HELP_TEXT
from ics_portal.core.date_range import VIOLATION_MESSAGE as DATE_RANGE_VIOLATION
from ics_portal.core.date_range import (
    InRangeConstraint,
    day_in_range,
    moment_in_range,
    validate_day,
    validate_moment,
)
from ics_portal.core.models import (
    DatedModel,
    DatedQuerySet,
    IcsOwned,
    IcsRecord,
    PortalModel,
    PostgresBTreeIndex,
    PostgresGinIndex,
    SharedRecord,
    Sourced,
    one_at_a_time,
)
from ics_portal.core.reverse import fast_reverse
from ics_portal.core.uploads import validate_paper_file
from partners.models import Organisation
from places.models import Cluster, IntegratedCareSystem, Place


def _day_text(day: datetime.date) -> str:
    """A day as a message gives it: 12 December 2026."""
    return f"{day.day} {day:%B %Y}"


def _moment_text(moment: datetime.datetime) -> str:
    """A moment as a message gives it, in the portal's time zone: 10:00 on 12 December 2026."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{local:%H:%M} on {_day_text(local.date())}"


def _in_range(validator, value) -> bool:
    """Is `value` one the portal records? (A value outside has its own field's message already.)"""
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def _published_in_future(field: str, moment, what: str, code: str) -> dict:
    """{field: error} when the publish stamp `moment` (the value of `field`) is later than now, else {}.

    A record is public from the moment its stamp is set, so a later stamp would not schedule it: it would show
    it at once, under a date still to come. A rule on the clock, so not a database constraint (docs/adr/0002).
    """
    if moment is None or not _in_range(validate_moment, moment) or moment <= timezone.now():
        return {}
    message = f"{what} cannot be published in the future ({_moment_text(moment)}): publish it when it is ready."
    return {field: ValidationError(message, code=code)}


SOURCE_HELP_TEXT = (
    "The published document this record's facts come from: its title, publisher and date as the document "
    "gives them. Empty for records staff keep themselves."
)


def source_field():
    """Where a public-record row's facts come from, beside its provenance (as a partnership's `source` is)."""
    return models.CharField(max_length=500, blank=True, help_text=SOURCE_HELP_TEXT)


class PublicTimestamped(models.Model):
    """A record with drafts beside what the public sees, and `public_modified_at`: when that last changed.

    `modified_at` moves on every save: a draft edited, or the record saved as it was (the admin saves a
    meeting when only its draft minutes, an inline, changed). The public's answers (the anonymous API,
    the pages' "Last updated", sitemaps) show `public_modified_at` instead, so they cannot tell when drafts
    are worked on. save() moves it when a field the public sees changes value, a publish stamp included:
    every field but `draft_fields`, and those only while `drafts_are_public()`. It compares with the values
    the record was read with (kept by from_db(), so no query is added); a record saved without them (new,
    or rebuilt from a history row) counts as changed.
    """

    public_modified_at = models.DateTimeField(
        "last public change",
        blank=True,
        editable=False,
        db_index=True,
        help_text="When what the public sees of this record last changed; set on save.",
    )

    # Fields the public sees only once published: compared only while drafts_are_public().
    draft_fields = ()
    _NOT_COMPARED = frozenset({"id", "created_at", "modified_at", "public_modified_at"})

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.public_modified_at is None or self._public_fields_changed(update_fields):
            self.public_modified_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "public_modified_at"}
        super().save(*args, **kwargs)
        # What is stored now is what the next save compares with (only the fields saved, if not all were).
        saved = kwargs.get("update_fields")
        read = getattr(self, "_read_values", None)
        stored = dict(zip(*read, strict=True)) if saved is not None and read is not None else {}
        for field in self._meta.concrete_fields:
            if field.attname in self.__dict__ and (saved is None or field.name in saved or field.attname in saved):
                stored[field.attname] = _plain(self.__dict__[field.attname])
        self._read_values = (list(stored), list(stored.values()))

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._read_values = (field_names, values)  # no copy: the row's tuple as the query gave it
        return instance

    def drafts_are_public(self) -> bool:
        """Does the public see `draft_fields` now (their change is then a public one)?"""
        return True

    def _public_fields_changed(self, update_fields) -> bool:
        read = getattr(self, "_read_values", None)
        if read is None or self._state.adding:
            return True
        before = dict(zip(*read, strict=True))
        drafts_changed = False
        for field in self._meta.concrete_fields:
            name = field.attname
            if field.name in self._NOT_COMPARED or name not in self.__dict__:
                continue  # an audit field, or a field deferred when read and not set since (not saved)
            if update_fields is not None and field.name not in update_fields and name not in update_fields:
                continue
            if name not in before or _plain(self.__dict__[name]) != before[name]:
                if field.name not in self.draft_fields:
                    return True
                drafts_changed = True
        return drafts_changed and self.drafts_are_public()


def _plain(value):
    """A field's value as compared: a file by its name (a FieldFile changes its name in place)."""
    return value.name if isinstance(value, FieldFile) else value


class ProgrammeQuerySet(DatedQuerySet):
    def for_api(self):
        """The API's programme list and detail: ICS and lead organisation slugs."""
        return self.select_related("ics", "lead_organisation")


class Programme(IcsOwned, DatedModel):
    """A system-wide programme of work, such as cancer or urgent and emergency care."""

    ics_path = "ics"

    ics = models.ForeignKey(
        IntegratedCareSystem, verbose_name="ICS", on_delete=models.CASCADE, related_name="programmes"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_programmes"
    )

    history = HistoricalRecords()
    objects = ProgrammeQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        ordering = [Lower("name")]
        constraints = [
            *DatedModel.Meta.constraints,
            models.UniqueConstraint(fields=["ics", "slug"], name="governance_programme_unique_slug_in_ics"),
        ]

    def __str__(self):
        return self.name


class BoardQuerySet(DatedQuerySet):
    def for_diagram(self):
        """What `presenters.structure_diagram()` and its template read of each board and its place, and no more:
        a board's other fields (its terms of reference among them) would cost ~0.4 ms of CPU an ICS page."""
        return self.select_related("place").only(
            "name", "slug", "provenance", "place", "reports_to", "place__name", "place__slug", "place__provenance"
        )

    def for_api(self):
        """The API's board list and detail: ICS slug, place and reporting line."""
        return self.select_related("ics", "place", "reports_to")

    def for_detail(self, day):
        """The board page as at `day`: members (all, split by the page), boards reporting to it then,
        meetings, published papers, and every board of its ICS so the reporting line needs no query per step."""
        return self.select_related("ics", "place", "reports_to").prefetch_related(
            Prefetch(
                "memberships",
                queryset=BoardMembership.objects.select_related("person", "organisation").order_by(
                    Lower("person__name"), "-start_date"
                ),
            ),
            Prefetch(
                "reporting_boards",
                queryset=Board.objects.as_at(day).select_related("place").order_by(Lower("name")),
                to_attr="reporting_boards_then",
            ),
            Prefetch("meetings", queryset=Meeting.objects.order_by("starts_at")),
            Prefetch("documents", queryset=Document.objects.public().order_by("kind", Lower("title"))),
            Prefetch(
                "ics__boards",
                queryset=Board.objects.only("pk", "name", "slug", "reports_to_id", "ics_id"),
                to_attr="all_boards",
            ),
        )


class Board(IcsOwned, PublicTimestamped, DatedModel):
    """A board or committee at system or place level, and whom it reports to."""

    class Kind(models.TextChoices):
        ICB_BOARD = "icb_board", "ICB board"
        ICP = "icp", "Integrated care partnership"
        PARTNERSHIP_BOARD = "partnership_board", "Partnership board"
        COMMITTEE = "committee", "Committee"
        SUB_COMMITTEE = "sub_committee", "Sub-committee"
        JOINT_COMMITTEE = "joint_committee", "Joint committee"
        HWB = "hwb", "Health and wellbeing board"
        PROVIDER_COLLABORATIVE = "provider_collaborative", "Provider collaborative"
        PLACE_PARTNERSHIP_BOARD = "place_partnership_board", "Place partnership board"
        ADVISORY_GROUP = "advisory_group", "Advisory group"

    ics_path = "ics"

    ics = models.ForeignKey(IntegratedCareSystem, verbose_name="ICS", on_delete=models.CASCADE, related_name="boards")
    place = models.ForeignKey(
        Place,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="boards",
        help_text="Leave empty for a system-level board.",
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="joint_boards",
        help_text="For a joint board or committee of a cluster's ICSs: the cluster it spans (its ICS hosts it).",
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    is_statutory = models.BooleanField(default=False)
    meets_in_public = models.BooleanField(default=True)
    reports_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reporting_boards"
    )
    terms_of_reference = models.TextField(blank=True)
    quorum = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="How many voting members must be present for a meeting to be quorate, as the terms of "
        "reference say. Leave empty where the quorum is a rule rather than a number.",
    )
    quorum_rule = models.CharField(
        max_length=500,
        blank=True,
        help_text="The quorum in the terms of reference's words, where it is more than a number, e.g. "
        "'half the voting members, including the chair or vice-chair'.",
    )
    notice_clear_days = models.PositiveSmallIntegerField(
        "notice period (clear days)",
        default=5,
        validators=[MaxValueValidator(60)],
        help_text="Papers are due this many clear days before a meeting: neither the day they are published "
        "nor the day of the meeting counts.",
    )
    source = source_field()

    history = HistoricalRecords()
    objects = BoardQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        ordering = [Lower("name")]
        indexes = [
            models.Index(Lower("name"), "id", name="governance_board_name_id"),
            # Site search, full text or a name substring: the expressions the search writes.
            PostgresGinIndex(
                SearchVector("name", "terms_of_reference", config="english"), name="governance_board_search"
            ),
            PostgresGinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="governance_board_name_trgm"),
        ]
        constraints = [
            *DatedModel.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(reports_to=F("pk")),
                name="governance_board_not_reporting_to_itself",
                violation_error_message="A board cannot report to itself.",
            ),
            # One constraint, not two: full_clean() asks the database once per check constraint.
            models.CheckConstraint(
                condition=(Q(quorum__isnull=True) | Q(quorum__gte=1)) & Q(notice_clear_days__lte=60),
                name="governance_board_quorum_and_notice_in_range",
                violation_error_message="A quorum is at least one member, and a notice period at most 60 clear days.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return fast_reverse("governance:board_detail", slug=self.slug)

    @property
    def ics_and_place(self) -> str:
        """Where it sits: "West Yorkshire, Leeds", or the ICS alone for a system-level board."""
        return f"{self.ics.short_name}, {self.place.name}" if self.place else self.ics.short_name

    def clean(self):
        super().clean()
        if self.place_id and self.ics_id and not self.place.was_in(self.ics_id, self.start_date, self.end_date):
            raise ValidationError({"place": "That place was not in this ICS on the board's dates."})
        if self.reports_to_id and self.pk and self.reports_to_id == self.pk:
            raise ValidationError({"reports_to": "A board cannot report to itself."})


class LinkedByBoardSeats(SharedRecord):
    """Shared between ICSs: linked to each ICS on whose boards a person has sat (any dates).

    `person_field` names the person: "pk" on a person, "person_id" on a record that follows its person.
    """

    person_field: ClassVar[str]

    def linked_ics_ids(self):
        person_id = getattr(self, self.person_field)
        if person_id is None:
            return set()
        return set(BoardMembership.objects.filter(person_id=person_id).values_list("board__ics_id", flat=True))

    @classmethod
    def linked_q(cls, ics_ids):
        return models.Exists(cls._seats().filter(board__ics__in=ics_ids))

    @classmethod
    def unlinked_q(cls):
        return ~models.Exists(cls._seats())

    @classmethod
    def _seats(cls):
        """The board memberships of the person of the outer query."""
        return BoardMembership.objects.filter(person=models.OuterRef(cls.person_field))


class PersonQuerySet(models.QuerySet):
    def for_api(self):
        """The API's people list and detail: name and title only, no joins."""
        return self.all()

    def for_detail(self):
        """The person page: every seat they held, and their declared interests."""
        return self.prefetch_related(
            Prefetch(
                "memberships",
                queryset=BoardMembership.objects.select_related("board__ics", "board__place", "organisation").order_by(
                    "-start_date", Lower("board__name")
                ),
            ),
            Prefetch(
                "declarations",
                queryset=DeclarationOfInterest.objects.select_related("organisation").order_by("-start_date"),
            ),
        )


class Person(LinkedByBoardSeats, PortalModel):
    """Someone who sits on a board. Only their public name and title are kept."""

    person_field = "pk"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200, blank=True, help_text="Public job title, e.g. 'Chief Executive'.")
    source = source_field()

    history = HistoricalRecords()
    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name")]
        verbose_name_plural = "people"
        indexes = [
            models.Index(Lower("name"), "id", name="governance_person_name_id"),
            # Site search, full text or a name substring: the expressions the search writes.
            PostgresGinIndex(SearchVector("name", "title", config="english"), name="governance_person_search"),
            PostgresGinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="governance_person_name_trgm"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return fast_reverse("governance:person_detail", slug=self.slug)


class LeadershipPostQuerySet(DatedQuerySet):
    def for_page(self):
        return self.select_related("person").order_by("role", "start_date", Lower("person__name"))


class LeadershipPost(IcsOwned, Sourced, DatedModel):
    """A named person in a leadership post of an ICB, or shared by a cluster's ICBs, exactly as a source states it.

    Sources rarely give dates: an empty date means the source does not state it, and `source_date` says
    when the source saw the person in post. Where sources disagree, each keeps its row, marked disputed.
    A cluster's posts belong to no single ICS: superusers keep them (`ics` empty).
    """

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        ACTING_CHAIR = "acting_chair", "Acting chair"
        CHIEF_EXECUTIVE = "chief_executive", "Chief executive"
        CHIEF_EXECUTIVE_DESIGNATE = "chief_executive_designate", "Chief executive designate"
        INTERIM_CHIEF_EXECUTIVE = "interim_chief_executive", "Interim chief executive"
        CLUSTER_CHAIR = "cluster_chair", "Cluster chair"
        CLUSTER_CHIEF_EXECUTIVE = "cluster_chief_executive", "Cluster chief executive"

    ics_path = "ics"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="posts")
    role = models.CharField(max_length=30, choices=Role.choices)
    ics = models.ForeignKey(
        IntegratedCareSystem,
        verbose_name="ICS",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="leadership_posts",
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, null=True, blank=True, related_name="posts")
    disputed = models.BooleanField(
        "sources disagree", default=False, help_text="Another source names someone else for this post."
    )
    note = models.TextField(blank=True, help_text="What the source says, in its words where it matters.")

    history = HistoricalRecords()
    objects = LeadershipPostQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        ordering = ["role", Lower("person__name")]
        constraints = [
            *DatedModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(ics__isnull=True) ^ Q(cluster__isnull=True),
                name="governance_post_of_ics_or_cluster",
                violation_error_message="A post is either an ICB's or a cluster's: choose one.",
            ),
        ]

    def __str__(self):
        return f"{self.person}, {self.get_role_display()} of {self.ics or self.cluster}"


class BoardMembershipQuerySet(DatedQuerySet):
    def for_api(self):
        """The API's membership list and detail: board, person and organisation slugs."""
        return self.select_related("board", "person", "organisation")


class BoardMembership(IcsOwned, DatedModel):
    """A person's seat on a board for a period, and the organisation they represent."""

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        NON_VOTING_MEMBER = "non_voting_member", "Non-voting member"
        OBSERVER = "observer", "Observer"

    ics_path = "board__ics"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_memberships",
        help_text="The organisation this person represents on the board.",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    is_voting = models.BooleanField(default=True)
    source = source_field()

    history = HistoricalRecords()
    objects = BoardMembershipQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        ordering = ["board", "role", Lower("person__name")]
        constraints = [
            *DatedModel.Meta.constraints,
            one_at_a_time(
                "board",
                name="governance_one_chair_at_a_time",
                message="This board already has a chair for part of that period.",
                code="second_chair",
                condition=Q(role="chair"),
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()}, {self.board})"

    def clean(self):
        super().clean()
        # The organisation represented was operating throughout the seat, where both dates of a pair are known.
        org = self.organisation if self.organisation_id else None
        if org is None:
            return
        start, end = self.start_date, self.end_date
        message = None
        if org.start_date and start and start < org.start_date:
            message = (
                f"{org} started operating on {_day_text(org.start_date)}, after this membership starts "
                f"({_day_text(start)}): choose the organisation the member represented then, or change the dates."
            )
        elif org.end_date and (end or start) and (end or start) > org.end_date:
            which = "ends" if end else "starts"
            message = (
                f"{org} stopped operating on {_day_text(org.end_date)}, before this membership {which} "
                f"({_day_text(end or start)}): choose the organisation the member represented then, or change "
                "the dates."
            )
        if message:
            raise ValidationError({"organisation": ValidationError(message, code="organisation_not_operating")})


class MeetingQuerySet(models.QuerySet):
    def for_api(self):
        """The API's meeting list and detail: board and ICS slugs, the agenda, attendance (the API hides what is
        not yet published) and the papers the notice rule counts. Plain lists (`api_` + the relation's name): a
        related manager per meeting and relation cost ~100 µs, 6 ms a page."""
        return self.select_related("board__ics").prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.order_by("position", "number", "pk"),
                to_attr="api_agenda_items",
            ),
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("membership__person").order_by(
                    Lower("membership__person__name"), "pk"
                ),
                to_attr="api_attendance",
            ),
            Prefetch("documents", queryset=Document.objects.notice_papers(), to_attr="notice_papers"),
        )

    def held(self):
        return self.filter(status=Meeting.Status.HELD)

    def for_calendar(self):
        """Meetings with their boards, for a calendar page or feed across boards."""
        return self.select_related("board")

    def neighbours(self, meeting):
        """(previous, next): the meetings of `meeting`'s board just before and after it by start, ties by id, or
        None. One query. A meeting whose source does not state its date (ADR 8) has neither."""
        if meeting.starts_at is None:
            return None, None
        dated = self.filter(board_id=meeting.board_id, starts_at__isnull=False)
        at, pk = meeting.starts_at, meeting.pk
        earlier = dated.filter(Q(starts_at__lt=at) | Q(starts_at=at, pk__lt=pk)).order_by("-starts_at", "-pk")
        later = dated.filter(Q(starts_at__gt=at) | Q(starts_at=at, pk__gt=pk)).order_by("starts_at", "pk")
        found = dated.filter(Q(pk__in=earlier.values("pk")[:1]) | Q(pk__in=later.values("pk")[:1]))
        previous = following = None
        for other in found.only("pk", "slug", "starts_at", "board_id", "provenance"):
            other.board = meeting.board  # for its URL, without a query
            if (other.starts_at, other.pk) < (at, pk):
                previous = other
            else:
                following = other
        return previous, following

    def for_detail(self):
        """The meeting page: its board, agenda, published papers (the page sorts them onto their items), the
        papers the notice rule counts, attendance, and the meetings approving and approved by it (the page
        hides what is not yet published)."""
        return self.select_related("board__ics", "board__place", "minutes_approved_at__board").prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "number")),
            Prefetch("documents", queryset=Document.objects.public().order_by("kind", Lower("title"))),
            Prefetch("documents", queryset=Document.objects.notice_papers(), to_attr="notice_papers"),
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("membership__person").order_by(
                    Lower("membership__person__name")
                ),
            ),
            Prefetch(
                "approved_minutes_of", queryset=Meeting.objects.select_related("board").order_by("starts_at", "pk")
            ),
        )


class Meeting(IcsOwned, PublicTimestamped, PortalModel):
    """A meeting of a board. Its minutes stay private until published."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    ics_path = "board__ics"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    slug = models.SlugField(max_length=40, help_text="Unique within the board; usually the date, e.g. 2024-03-14.")
    starts_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=[validate_moment],
        help_text=f"{DATE_RANGE_HELP_TEXT} Empty only when the meeting's source does not state its date.",
    )
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    is_public = models.BooleanField(default=True, help_text="Held in public (part 1) rather than in private.")
    agenda_published_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=[validate_moment],
        help_text="Empty while the agenda is a draft: the public sees the agenda from then. Set by a publisher.",
    )
    minutes_published_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=[validate_moment],
        help_text="Empty while the minutes are a draft; set by a publisher.",
    )
    minutes_approved_at = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_minutes_of",
        verbose_name="minutes approved at",
        help_text="The later meeting of this board that approved these minutes as a true record.",
    )
    quorate = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether the meeting was quorate, as its minutes record. Needed only where the board's quorum "
        "is a rule: where it is a number, the portal counts the voting members recorded as present.",
    )
    source = source_field()

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["board", "slug"], name="governance_meeting_unique_slug_on_board"),
            InRangeConstraint(
                condition=moment_in_range("starts_at", "agenda_published_at", "minutes_published_at"),
                name="governance_meeting_dates_in_range",
                violation_error_message=DATE_RANGE_VIOLATION,
                violation_error_code="date_out_of_range",
            ),
            models.CheckConstraint(
                condition=~Q(minutes_approved_at=F("pk")),
                name="governance_meeting_minutes_not_self_approved",
                violation_error_message="A meeting's minutes are approved at a later meeting, not at itself.",
            ),
        ]
        indexes = [
            models.Index(fields=["board", "starts_at"], name="governance_meeting_board_start"),
            models.Index(fields=["-starts_at", "id"], name="governance_meeting_starts_id"),
            # Undated last: the decisions registers' and API's order (DECISION_ORDER).
            # PostgreSQL only: SQLite cannot say NULLS LAST in an index (the quick start's data is small).
            PostgresBTreeIndex(F("starts_at").desc(nulls_last=True), F("id").desc(), name="governance_meeting_newest"),
        ]

    def __str__(self):
        if self.starts_at is None:
            return f"{self.board} – date not stated in the source"
        return f"{self.board} – {self.starts_at:%d %B %Y}"

    def get_absolute_url(self):
        return fast_reverse("governance:meeting_detail", board_slug=self.board.slug, slug=self.slug)

    def clean(self):
        super().clean()
        # Rules that depend on the clock: not database constraints (docs/adr/0002).
        errors = self._agenda_publication_errors()
        if self.starts_at is None or not _in_range(validate_moment, self.starts_at):
            errors.update(self._approval_errors())
            if errors:
                raise ValidationError(errors)
            return
        started = self.starts_at <= timezone.now()
        when = _moment_text(self.starts_at)
        if self.status == self.Status.HELD and not started:
            errors["status"] = ValidationError(
                f"A meeting can be marked held only once it has started (it starts at {when}).",
                code="held_before_start",
            )
        published = self.minutes_published_at
        if published is not None and _in_range(validate_moment, published):
            if not started:
                errors["minutes_published_at"] = ValidationError(
                    f"Minutes can be published only once the meeting has started (it starts at {when}).",
                    code="minutes_before_start",
                )
            elif published < self.starts_at:
                errors["minutes_published_at"] = ValidationError(
                    f"Minutes cannot be published before their meeting: {_moment_text(published)} is before "
                    f"it starts at {when}.",
                    code="minutes_before_start",
                )
            else:
                errors.update(
                    _published_in_future("minutes_published_at", published, "Minutes", "minutes_published_in_future")
                )
        errors.update(self._approval_errors())
        if errors:
            raise ValidationError(errors)

    def _agenda_publication_errors(self) -> dict:
        return _published_in_future(
            "agenda_published_at", self.agenda_published_at, "An agenda", "agenda_published_in_future"
        )

    def _approval_errors(self) -> dict:
        approving = self.minutes_approved_at if self.minutes_approved_at_id else None
        if approving is None:
            return {}
        if approving.pk == self.pk:
            message = "A meeting's minutes are approved at a later meeting, not at itself."
        elif approving.board_id != self.board_id:
            message = "Minutes are approved at a meeting of the same board."
        elif self.starts_at and approving.starts_at and approving.starts_at <= self.starts_at:
            message = (
                f"Minutes are approved at a later meeting: that one starts at {_moment_text(approving.starts_at)}."
            )
        else:
            return {}
        return {"minutes_approved_at": ValidationError(message, code="approved_at_wrong_meeting")}

    def quorum_met(self, present_voting: int | None) -> bool | None:
        """Was the meeting quorate? As recorded, or counted against the board's number; None if not known
        (`present_voting` is None when no attendance is recorded)."""
        if self.quorate is not None:
            return self.quorate
        if self.board.quorum is None or present_voting is None:
            return None
        return present_voting >= self.board.quorum


class AgendaItemQuerySet(models.QuerySet):
    def for_api(self):
        """The API's agenda item list and detail: the meeting (page URL, publication) and its board's ICS."""
        return self.select_related("meeting__board")


# AgendaItem's copies of its meeting's start and publication.
MEETING_COPIES = ["meeting_starts_at", "agenda_published", "minutes_published"]


class AgendaItem(IcsOwned, PublicTimestamped, PortalModel):
    """An item on a meeting's agenda, with what was minuted and resolved.

    A confidential (part 2) item's title is public; its papers, minutes and resolutions never are.
    """

    class Kind(models.TextChoices):
        DECISION = "decision", "For decision"
        DISCUSSION = "discussion", "For discussion"
        ASSURANCE = "assurance", "For assurance"
        INFORMATION = "information", "For information"

    ics_path = "meeting__board__ics"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.CharField(
        max_length=10,
        blank=True,
        help_text="As printed on the agenda, e.g. 3 or 4b; empty only when the source does not give it.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the agenda.")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True, help_text="What the board is asked to do.")
    presenter = models.CharField(max_length=200, blank=True, help_text="Who presents the item: name and job title.")
    is_confidential = models.BooleanField(
        "confidential (part 2)",
        default=False,
        help_text="Taken in private. Its title is public; its papers, minutes and decisions never are.",
    )
    summary = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    resolutions = models.TextField(blank=True, help_text="What was decided, one decision a line.")
    # Copies of the meeting's, kept by the database on every write to either (migration 0020): search ranks
    # thousands of matching items by them without joining each to its meeting (ADR 15).
    meeting_starts_at = models.DateTimeField(null=True, editable=False)
    agenda_published = models.BooleanField(default=False, editable=False)
    minutes_published = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords(excluded_fields=MEETING_COPIES)
    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="governance_agendaitem_unique_number"),
        ]
        indexes = [
            # The API lists agenda items in this order; without it 300,000 rows are sorted per page.
            models.Index(fields=["meeting", "position", "number", "id"], name="governance_agenda_order"),
            # Site search, full text or a title substring: the expressions the search writes.
            PostgresGinIndex(
                SearchVector("title", "minutes", "resolutions", config="english"), name="governance_agenda_search"
            ),
            PostgresGinIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name="governance_agenda_title_trgm"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}" if self.number else self.title

    # Minutes and resolutions are public once the meeting's minutes are published.
    draft_fields = ("minutes", "resolutions")

    def drafts_are_public(self) -> bool:
        return self.meeting.minutes_published_at is not None

    def public_changed_at(self):
        """When the public's view of the item last changed: its own fields, or its meeting's, whose minutes'
        publication shows or hides the item's minutes (so no write is added to publishing)."""
        return max(self.public_modified_at, self.meeting.public_modified_at)


class DecisionQuerySet(models.QuerySet):
    def public(self):
        """What the public may see, as the meeting page shows it: decisions of items that are not confidential,
        once their meeting's agenda and minutes are published. Drafts never, for staff neither: a register is a
        public list, not a preview."""
        return self.filter(
            agenda_item__is_confidential=False,
            agenda_item__meeting__agenda_published_at__isnull=False,
            agenda_item__meeting__minutes_published_at__isnull=False,
        )

    def for_register(self):
        """The registers' and the API's list: newest meeting first, undated ones (ADR 8) last, in agenda order."""
        return self.public().select_related("agenda_item__meeting__board__ics").order_by(*DECISION_ORDER)


# Newest first by the meetings' index (governance_meeting_newest): PostgreSQL reads the meetings in this order and
# stops at a page's worth, where sorting every public item first took a second at national scale (bench/run).
DECISION_ORDER = (
    F("agenda_item__meeting__starts_at").desc(nulls_last=True),
    "-agenda_item__meeting_id",
    "agenda_item__position",
    "agenda_item__number",
    "agenda_item_id",
    "line",
)


class Decision(IcsOwned, models.Model):
    """One decision: a non-blank line of an agenda item's `resolutions`, so a register, its CSV and the API have
    a row per decision. A database view over the agenda items (migration 0015), never written."""

    ics_path = "agenda_item__meeting__board__ics"

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.DO_NOTHING, db_constraint=False, related_name="decisions"
    )
    line = models.PositiveIntegerField(help_text="Its line in the item's resolutions, from 1.")
    text = models.TextField()

    objects = DecisionQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "governance_decision"

    def __str__(self):
        return self.text

    @property
    def is_sample(self):
        return self.agenda_item.is_sample


class MeetingTallyQuerySet(models.QuerySet):
    def _total(self, field, **published) -> int:
        return self.filter(**published).aggregate(total=Coalesce(Sum(field), 0))["total"]

    def public_agenda_items(self) -> int:
        """How many agenda items the public may see (AgendaItemViewSet's rule): those of published agendas."""
        return self._total("agenda_items", agenda_published=True)

    def public_decisions(self) -> int:
        """How many decisions the public may see: as many as `Decision.objects.public()` holds."""
        return self._total("public_decisions", agenda_published=True, minutes_published=True)


class MeetingTally(IcsOwned, models.Model):
    """A meeting's agenda items, and the decisions of those that are not confidential, counted by the database
    as the items are written, with whether its agenda and minutes are published (migration 0019, ADR 13): the
    API's unfiltered agenda-item and decision lists count their rows from these."""

    ics_path = "meeting__board__ics"

    meeting = models.OneToOneField(
        Meeting, on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True, related_name="tally"
    )
    agenda_published = models.BooleanField()
    minutes_published = models.BooleanField()
    agenda_items = models.PositiveIntegerField()
    public_decisions = models.PositiveIntegerField()

    objects = MeetingTallyQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "governance_meetingtally"

    def __str__(self):
        return f"{self.meeting}: {self.agenda_items} items, {self.public_decisions} public decisions"


class Attendance(IcsOwned, PortalModel):
    """Whether a board member came to a meeting, sent apologies, or was absent."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Absent"

    ics_path = "meeting__board__ics"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(
        BoardMembership, on_delete=models.CASCADE, related_name="attendance", verbose_name="member"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PRESENT)
    deputy = models.CharField(
        max_length=200, blank=True, help_text="Who attended in the member's place, if anyone: name and job title."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "attendance"
        verbose_name_plural = "attendance"
        ordering = ["meeting", Lower("membership__person__name")]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"],
                name="governance_attendance_once_per_member",
                violation_error_message="This member's attendance at this meeting is already recorded.",
            ),
        ]

    def __str__(self):
        return f"{self.membership.person}: {self.get_status_display()}"

    def clean(self):
        super().clean()
        if not (self.meeting_id and self.membership_id):
            return
        seat, meeting = self.membership, self.meeting
        if seat.board_id != meeting.board_id:
            raise ValidationError({"membership": "Choose a member of this meeting's board."})
        day = timezone.localdate(meeting.starts_at) if meeting.starts_at else None
        if day and not seat.is_current_on(day):
            raise ValidationError({"membership": f"{seat.person} was not a member of the board on {_day_text(day)}."})


class MoUQuerySet(DatedQuerySet):
    def for_api(self):
        """The API's MoU list and detail, drafts included (the API hides them from the public), with signatories
        as a plain list (`api_signatories`, as in MeetingQuerySet.for_api())."""
        return self.select_related("ics", "place").prefetch_related(
            Prefetch(
                "signatories",
                queryset=MoUSignatory.objects.select_related("organisation").order_by(
                    Lower("organisation__name"), "pk"
                ),
                to_attr="api_signatories",
            )
        )

    def published(self):
        return self.filter(published_at__isnull=False)

    def for_detail(self, *, drafts: bool = False):
        """The public MoU page: published MoUs only, with signatories and public documents.

        With `drafts`, for staff previewing a draft: drafts too, and the documents the page will show
        once the MoU is published.
        """
        documents = Document.objects.published() if drafts else Document.objects.public()
        return (
            (self if drafts else self.published())
            .select_related("ics", "place")
            .prefetch_related(
                Prefetch("signatories", queryset=MoUSignatory.objects.select_related("organisation")),
                Prefetch("documents", queryset=documents.order_by("kind", Lower("title"))),
            )
        )


class MoU(IcsOwned, PublicTimestamped, DatedModel):
    """A memorandum of understanding between partners of an ICS.

    Its dates are the period it is in force. While `published_at` is empty it is a
    draft that only staff see.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONSULTATION = "consultation", "Out for consultation"
        AGREED = "agreed", "Agreed"
        SIGNED = "signed", "Signed"
        IN_FORCE = "in_force", "In force"
        SUPERSEDED = "superseded", "Superseded"
        WITHDRAWN = "withdrawn", "Withdrawn"

    SIGNED_STATUSES = (Status.SIGNED, Status.IN_FORCE)

    ics_path = "ics"

    ics = models.ForeignKey(IntegratedCareSystem, verbose_name="ICS", on_delete=models.CASCADE, related_name="mous")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, null=True, blank=True, related_name="mous")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Signed or in force needs at least one signatory.",
    )
    version = models.CharField(max_length=20, blank=True)
    summary = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True, validators=[validate_day], help_text=DATE_RANGE_HELP_TEXT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=[validate_moment],
        help_text="Empty while this is a draft; set by a publisher.",
    )
    source = source_field()

    history = HistoricalRecords()
    objects = MoUQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        verbose_name = "MoU"
        verbose_name_plural = "MoUs"
        ordering = ["-start_date", Lower("title")]
        constraints = [
            *DatedModel.Meta.constraints,
            InRangeConstraint(
                condition=day_in_range("review_date") & moment_in_range("published_at"),
                name="governance_mou_review_and_published_in_range",
                violation_error_message=DATE_RANGE_VIOLATION,
                violation_error_code="date_out_of_range",
            ),
        ]
        indexes = [
            # Site search, full text or a title substring: the expressions the search writes.
            PostgresGinIndex(SearchVector("title", "summary", config="english"), name="governance_mou_search"),
            PostgresGinIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name="governance_mou_title_trgm"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return fast_reverse("governance:mou_detail", slug=self.slug)

    def clean(self):
        super().clean()
        if errors := _published_in_future("published_at", self.published_at, "An MoU", "published_in_future"):
            raise ValidationError(errors)


class MoUSignatoryQuerySet(models.QuerySet):
    def for_api(self):
        """The API's signatory list and detail: MoU and organisation slugs, organisation name and ODS code."""
        return self.select_related("mou", "organisation")


class MoUSignatory(IcsOwned, PortalModel):
    """An organisation that signed an MoU, who signed for it and when."""

    ics_path = "mou__ics"

    mou = models.ForeignKey(MoU, verbose_name="MoU", on_delete=models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="mou_signatures")
    signed_by = models.CharField(max_length=200, blank=True, help_text="Name and title of who signed.")
    signed_on = models.DateField(null=True, blank=True, validators=[validate_day], help_text=DATE_RANGE_HELP_TEXT)

    history = HistoricalRecords()
    objects = MoUSignatoryQuerySet.as_manager()

    class Meta:
        verbose_name = "MoU signatory"
        verbose_name_plural = "MoU signatories"
        ordering = ["mou", Lower("organisation__name")]
        constraints = [
            models.UniqueConstraint(fields=["mou", "organisation"], name="governance_mousignatory_once_per_mou"),
            InRangeConstraint(
                condition=day_in_range("signed_on"),
                name="governance_mousignatory_signed_on_in_range",
                violation_error_message=DATE_RANGE_VIOLATION,
                violation_error_code="date_out_of_range",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} signed {self.mou}"

    def clean(self):
        super().clean()
        # A rule that depends on the clock: not a database constraint (docs/adr/0002).
        today = timezone.localdate()
        if self.signed_on and _in_range(validate_day, self.signed_on) and self.signed_on > today:
            raise ValidationError(
                {
                    "signed_on": ValidationError(
                        f"A signing date cannot be in the future: {_day_text(self.signed_on)} is after today "
                        f"({_day_text(today)}).",
                        code="signed_in_future",
                    )
                }
            )


class DocumentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def public(self):
        """What the public may see: published, on a published MoU if on one, and minutes only once their
        meeting's are. The pages list these, and the file view serves these (and no others) to the public."""
        return self.published().filter(
            Q(mou__isnull=True) | Q(mou__published_at__isnull=False),
            ~Q(kind=Document.Kind.MINUTES) | Q(meeting__isnull=True) | Q(meeting__minutes_published_at__isnull=False),
            # An item's paper shows with its item, so once the agenda is published; a confidential item's never.
            Q(agenda_item__isnull=True)
            | Q(agenda_item__is_confidential=False, meeting__agenda_published_at__isnull=False),
        )

    def notice_papers(self):
        """The papers the notice rule counts (governance.notice.papers_timeliness), drafts included: the
        agenda and papers, but not a confidential item's, which are never published."""
        return self.filter(
            Q(agenda_item__isnull=True) | Q(agenda_item__is_confidential=False),
            kind__in=[Document.Kind.AGENDA, Document.Kind.PAPERS],
        ).only("pk", "meeting", "published_at")


def document_upload_to(instance, filename):
    """Where an upload is stored: under a random name nobody can guess, whatever it was called (its own
    name is kept in `file_name`, for the download). Storage is never served: only the portal's view is."""
    return f"documents/{uuid.uuid4().hex}"


_NOT_IN_A_NAME = re.compile(r"[\x00-\x1f\x7f]+")
DOWNLOAD_NAME_LENGTH = 200


def download_name(name: str) -> str:
    """An uploaded file's own name, safe to put in a URL path and a Content-Disposition header."""
    name = re.split(r"[/\\]", name or "")[-1]
    name = " ".join(_NOT_IN_A_NAME.sub(" ", name).split()).lstrip(".")
    if len(name) > DOWNLOAD_NAME_LENGTH:
        suffix = PurePath(name).suffix[:20]
        name = name[: DOWNLOAD_NAME_LENGTH - len(suffix)] + suffix
    return name or "document"


class DocumentFile(FieldFile):
    """An uploaded document's file. Its URL is the portal's view of it, which decides who may have it."""

    @property
    def url(self):
        self._require_file()
        return self.instance.file_url()


class DocumentFileField(models.FileField):
    attr_class = DocumentFile


class Document(IcsRecord, PublicTimestamped, PortalModel):
    """Papers, minutes, terms of reference or an MoU text: an uploaded file or a link.

    It belongs to the ICS of the MoU, meeting or board it is attached to (IcsRecord).
    """

    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda"
        PAPERS = "papers", "Papers"
        MINUTES = "minutes", "Minutes"
        TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference"
        MOU_TEXT = "mou_text", "MoU text"
        OTHER = "other", "Other"

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    file = DocumentFileField(
        upload_to=document_upload_to,
        blank=True,
        validators=[validate_paper_file],
    )
    file_name = models.CharField(
        max_length=DOWNLOAD_NAME_LENGTH,
        blank=True,
        editable=False,
        help_text="The uploaded file's own name, given to whoever downloads it (it is stored under a random one).",
    )
    url = models.URLField("URL", blank=True)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, null=True, blank=True, related_name="documents")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="documents")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="papers",
        help_text="The agenda item this paper is for (it then belongs to that item's meeting).",
    )
    mou = models.ForeignKey(
        MoU, verbose_name="MoU", on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty while this is a draft; set by a publisher."
    )

    history = HistoricalRecords()
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = [Lower("title")]
        indexes = [
            # Site search, full text or a title substring: the expressions the search writes.
            PostgresGinIndex(SearchVector("title", config="english"), name="governance_document_search"),
            PostgresGinIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name="governance_document_title_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""),
                name="governance_document_has_file_or_url",
                violation_error_message="Give the document a file or a link.",
            ),
            models.CheckConstraint(
                condition=Q(board__isnull=False) | Q(meeting__isnull=False) | Q(mou__isnull=False),
                name="governance_document_belongs_somewhere",
                violation_error_message="Attach the document to a board, a meeting or an MoU.",
            ),
            models.CheckConstraint(
                condition=Q(agenda_item__isnull=True) | Q(meeting__isnull=False),
                name="governance_document_item_paper_has_meeting",
                violation_error_message="A paper for an agenda item belongs to that item's meeting.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.file:
            self.file_name = ""
        elif not self.file._committed:  # a new upload: its own name, for the download
            self.file_name = download_name(self.file.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "file" in update_fields:
            kwargs["update_fields"] = {*update_fields, "file_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Where a reader gets the document: the portal's view of its file, or its link."""
        return self.file_url() if self.file else self.url

    def file_url(self):
        """The portal's view of the uploaded file: the only place it is served from."""
        if self.pk is None:
            raise ValueError("A document's file has no URL until the document is saved.")
        return reverse("governance:document_file", kwargs={"pk": self.pk, "file_name": self.file_name or "document"})

    def clean(self):
        super().clean()
        if errors := _published_in_future("published_at", self.published_at, "A document", "published_in_future"):
            raise ValidationError(errors)
        if not self.agenda_item_id:
            return
        if self.meeting_id is None:
            self.meeting_id = self.agenda_item.meeting_id
        elif self.meeting_id != self.agenda_item.meeting_id:
            raise ValidationError({"agenda_item": "Choose an item on this document's meeting's agenda."})

    def owning_ics_id(self):
        if self.mou_id:
            return self.mou.ics_id
        if self.meeting_id:
            return self.meeting.board.ics_id
        if self.board_id:
            return self.board.ics_id
        return None

    def owning_ics(self):
        if self.owning_ics_id() is None:
            return None
        owner = self.mou if self.mou_id else (self.meeting.board if self.meeting_id else self.board)
        return owner.ics

    @classmethod
    def linked_q(cls, ics_ids):
        return Q(mou__ics__in=ics_ids) | Q(meeting__board__ics__in=ics_ids) | Q(board__ics__in=ics_ids)


class DeclarationOfInterest(LinkedByBoardSeats, DatedModel):
    """An interest a board member has declared, and what was done about it."""

    person_field = "person_id"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="declarations")
    interest = models.CharField(max_length=500)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="declared_interests"
    )
    action_taken = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta(DatedModel.Meta):
        verbose_name = "declaration of interest"
        verbose_name_plural = "declarations of interest"
        ordering = ["person", "-start_date"]

    def __str__(self):
        return f"{self.person}: {self.interest}"
