"""Building blocks every portal record shares: timestamps, provenance, dates, and which ICS it belongs to."""

import datetime
from abc import abstractmethod
from typing import ClassVar

from django.apps import apps
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.contrib.postgres.indexes import BTreeIndex, GinIndex
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.ddl_references import Statement
from django.db.models import F, Func, Q, Value
from django.utils import timezone
from simple_history.models import HistoricalChanges

from .date_range import HELP_TEXT as DATE_RANGE_HELP_TEXT
from .date_range import VIOLATION_MESSAGE as DATE_RANGE_VIOLATION
from .date_range import InRangeConstraint, day_in_range, validate_day


class Provenance(models.TextChoices):
    PUBLIC_RECORD = "public_record", "Public record"
    SAMPLE = "sample", "Sample data"
    GENERATED = "generated", "Generated data"


class PortalModel(models.Model):
    """A record with audit timestamps and a note of where its facts come from."""

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True, db_index=True)
    provenance = models.CharField(
        max_length=20,
        choices=Provenance.choices,
        default=Provenance.PUBLIC_RECORD,
        help_text="Sample and generated rows are labelled as such on every page.",
    )

    class Meta:
        abstract = True

    @property
    def is_sample(self):
        return self.provenance != Provenance.PUBLIC_RECORD


class DatedQuerySet(models.QuerySet):
    def started_by(self, day: datetime.date):
        """Rows that had begun by `day`, whether or not they have ended since."""
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=day))

    def as_at(self, day: datetime.date):
        """Rows in force on `day`: started on or before it, not ended before it."""
        return self.started_by(day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))

    def current(self):
        return self.as_at(timezone.localdate())


class DatedModel(PortalModel):
    """A record true over a period. Both dates are inclusive; empty means open-ended.

    Both are days the portal records, 5 July 1948 to 31 December 2099 (ics_portal/core/date_range.py),
    in the field's validators and in a check constraint.
    """

    start_date = models.DateField(null=True, blank=True, validators=[validate_day], help_text=DATE_RANGE_HELP_TEXT)
    end_date = models.DateField(null=True, blank=True, validators=[validate_day], help_text=DATE_RANGE_HELP_TEXT)

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message="The end date cannot be before the start date.",
                violation_error_code="end_before_start",
            ),
            InRangeConstraint(
                condition=day_in_range("start_date", "end_date"),
                name="%(app_label)s_%(class)s_dates_in_range",
                violation_error_message=DATE_RANGE_VIOLATION,
                violation_error_code="date_out_of_range",
            ),
        ]

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})

    def is_current_on(self, day: datetime.date) -> bool:
        return (self.start_date is None or self.start_date <= day) and (self.end_date is None or self.end_date >= day)

    def overlaps(self, other) -> bool:
        """Do the two periods share a day? Both dates inclusive, empty is open-ended (as one_at_a_time reads them)."""
        return (self.start_date is None or other.end_date is None or self.start_date <= other.end_date) and (
            other.start_date is None or self.end_date is None or other.start_date <= self.end_date
        )


# --- which ICS a record belongs to ------------------------------------------------------------------


class IcsRecord:
    """A model's declaration of which ICS its records belong to, which decides who may edit them.

    Staff rights are per ICS (docs/adr/0004-staff-roles-and-shared-records.md), so every model
    staff edit says where its ICS is, in one of three ways:

    - `IcsOwned`: the record belongs to exactly one ICS, at the end of the ORM path `ics_path`;
    - `SharedRecord`: the record belongs to no single ICS (an organisation partnering several, a
      person sitting on boards of several); it is *linked* to every ICS its own rows lead to;
    - this class directly, for a record owned by one ICS through whichever of several parents it
      hangs from (a document on a board, a meeting or an MoU): implement the abstract methods.

    `staff.permissions` reads only this declaration; `check_ics_declarations` refuses an app that
    declares some of its models and forgets others.
    """

    ics_shared: ClassVar[bool] = False
    # The ORM path to the record's one ICS; "pk" for an ICS itself; None when methods find it.
    ics_path: ClassVar[str | None] = None

    @abstractmethod
    def owning_ics_id(self) -> int | None:
        """The id of the one ICS the record belongs to, without loading the ICS row where possible."""

    @abstractmethod
    def owning_ics(self):
        """The one ICS the record belongs to, following relations select_related() loaded, or None."""

    def linked_ics_ids(self) -> set[int]:
        """The ICS ids the record is linked to: its own ICS, if it has one yet."""
        own = self.owning_ics_id()
        return {own} if own else set()

    @classmethod
    @abstractmethod
    def linked_q(cls, ics_ids) -> Q:
        """A filter keeping the rows that belong, or are linked, to any of `ics_ids`."""


class IcsOwned(IcsRecord):
    """A record belonging to exactly one ICS, found by the ORM path `ics_path`.

    e.g. `ics_path = "ics"` for a place, `"board__ics"` for a meeting, `"pk"` for the ICS itself.
    """

    ics_path: ClassVar[str]

    def owning_ics_id(self) -> int | None:
        if self.ics_path == "pk":
            return self.pk
        *hops, last = self.ics_path.split("__")
        obj = self
        for hop in hops:
            obj = getattr(obj, hop, None)
            if obj is None:
                return None
        return getattr(obj, f"{last}_id", None)

    def owning_ics(self):
        if self.ics_path == "pk":
            return self
        if self.owning_ics_id() is None:
            return None
        # Follow the relations rather than fetch the ICS by id, so select_related() saves the query.
        target = self
        for hop in self.ics_path.split("__"):
            target = getattr(target, hop)
        return target

    @classmethod
    def linked_q(cls, ics_ids) -> Q:
        return Q(**{f"{cls.ics_path}__in": ics_ids})


class SharedRecord(IcsRecord):
    """A record no single ICS owns: it is linked to each ICS its rows lead to (a partnership, a board seat).

    The rules for shared records (docs/adr/0004): staff of any linked ICS may see and edit one;
    while it is linked to no ICS (just created, or orphaned) any staff user with a role may, so
    they can create it and then link it; deleting it needs rights over every linked ICS; only
    publishers of a linked ICS publish it. The model says what links it; `staff.permissions`
    applies the rules.
    """

    ics_shared = True

    def owning_ics_id(self) -> None:
        return None

    def owning_ics(self) -> None:
        return None

    @abstractmethod
    def linked_ics_ids(self) -> set[int]:
        """The ids of every ICS the record is linked to; none while it is unsaved."""

    @classmethod
    @abstractmethod
    def linked_q(cls, ics_ids) -> Q:
        """A filter keeping the rows linked to any of `ics_ids`."""

    @classmethod
    @abstractmethod
    def unlinked_q(cls) -> Q:
        """A filter keeping the rows linked to no ICS at all."""


def ics_declaration_errors(model) -> list[checks.CheckMessage]:
    """What is missing from `model`'s declaration of which ICS its records belong to."""
    if not issubclass(model, IcsRecord):
        return [
            checks.Error(
                f"{model._meta.label} does not declare which ICS its records belong to.",
                hint="Inherit IcsOwned and set ics_path, or inherit SharedRecord (ics_portal/core/models.py).",
                obj=model,
                id="core.E001",
            )
        ]
    if issubclass(model, IcsOwned) and not isinstance(getattr(model, "ics_path", None), str):
        return [checks.Error(f"{model._meta.label} is IcsOwned but sets no ics_path.", obj=model, id="core.E002")]
    missing = [
        name
        for name in ("owning_ics_id", "owning_ics", "linked_ics_ids", "linked_q", "unlinked_q")
        if getattr(getattr(model, name, None), "__isabstractmethod__", False)
    ]
    if missing:
        return [
            checks.Error(
                f"{model._meta.label} declares its ICS but does not implement {', '.join(missing)}.",
                obj=model,
                id="core.E003",
            )
        ]
    return []


@checks.register(checks.Tags.models)
def check_ics_declarations(app_configs=None, **kwargs):
    """In an app where any model declares its ICS, every model must, so none passes as belonging to no ICS.

    History tables (django-simple-history) are left out: staff never edit them.
    """
    errors = []
    for app_config in app_configs or apps.get_app_configs():
        app_models = [model for model in app_config.get_models() if not issubclass(model, HistoricalChanges)]
        if any(issubclass(model, IcsRecord) for model in app_models):
            for model in app_models:
                errors.extend(ics_declaration_errors(model))
    return errors


class DateRange(Func):
    """PostgreSQL daterange(start, end, '[]'): both ends inclusive, NULL is unbounded."""

    function = "DATERANGE"
    output_field = DateRangeField()

    def __init__(self, start, end):
        super().__init__(start, end, Value("[]"))


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that PostgreSQL enforces and SQLite skips.

    The quick start runs on SQLite, which has no exclusion constraints; PostgreSQL
    is the database of record and enforces them (docs/adr/0002).
    """

    def _supported(self, schema_editor_or_db):
        connection = getattr(schema_editor_or_db, "connection", None)
        if connection is None:
            from django.db import connections

            connection = connections[schema_editor_or_db]
        return connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if self._supported(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._supported(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._supported(schema_editor) else None

    def validate(self, model, instance, exclude=None, using="default"):
        if self._supported(using):
            super().validate(model, instance, exclude=exclude, using=using)


class _OnPostgresqlOnly:
    """An index PostgreSQL builds and other databases skip, like PostgresExclusionConstraint.

    Django runs whatever SQL an index gives it, even when a table is rebuilt on SQLite, so
    elsewhere the SQL is an empty statement rather than none.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Statement("")
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Statement("")
        return super().remove_sql(model, schema_editor, **kwargs)


class PostgresBTreeIndex(_OnPostgresqlOnly, BTreeIndex):
    """A B-tree index, e.g. on an expression, that only PostgreSQL builds."""


class PostgresGinIndex(_OnPostgresqlOnly, GinIndex):
    """A GIN index (full text, trigrams) that only PostgreSQL builds."""


class Sourced(models.Model):
    """A fact with the public source it comes from and the day that source is as at.

    A page's "Last updated" is the latest of its facts' source dates (or staff edits), not when a loader ran.
    """

    source = models.CharField(max_length=300, blank=True, help_text="The document or file, e.g. a constitution.")
    source_url = models.URLField("source link", max_length=500, blank=True)
    source_date = models.DateField(
        "source as at",
        null=True,
        blank=True,
        validators=[validate_day],
        help_text="The day the source is as at, where it says.",
    )

    class Meta:
        abstract = True


def one_at_a_time(field: str, *, name: str, message: str, code: str, condition: Q | None = None):
    """PostgreSQL refuses two rows with the same `field` whose dates share a day (both inclusive, empty open).

    e.g. one chair of a board at a time, one name of an organisation, one ICS of a place on a day.
    """
    return PostgresExclusionConstraint(
        name=name,
        expressions=[(field, RangeOperators.EQUAL), (DateRange("start_date", "end_date"), RangeOperators.OVERLAPS)],
        condition=condition,
        violation_error_message=message,
        violation_error_code=code,
    )


# --- the data version -------------------------------------------------------------------------------


class DataVersion(models.Model):
    """One row that any change to public data moves, in the same transaction (ics_portal/core/data_version.py).

    Written only by database triggers; the response cache's keys and the pages' validators derive from it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        db_table = "core_dataversion"

    def __str__(self):
        return f"data version {self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
