"""Building blocks every portal record shares: timestamps, provenance and dates."""

import datetime

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField
from django.contrib.postgres.indexes import BTreeIndex, GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.ddl_references import Statement
from django.db.models import F, Func, Q, Value


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
        return self.as_at(datetime.date.today())


class DatedModel(PortalModel):
    """A record true over a period. Both dates are inclusive; empty means open-ended."""

    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

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
        ]

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})

    def is_current_on(self, day: datetime.date) -> bool:
        return (self.start_date is None or self.start_date <= day) and (self.end_date is None or self.end_date >= day)


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
