"""Dates the portal records run from 5 July 1948 (the NHS's first day) to 31 December 2099.

Held by the fields' validators (forms, admin, API, full_clean) and by check constraints in
the database, which a write that skips validation still meets.
"""

import datetime
import types

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.forms import modelform_factory
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from governance.models import Meeting, MoU, MoUSignatory
from ics_portal.api.serializers import _datetime_reader
from ics_portal.core import as_at
from ics_portal.core.date_range import EARLIEST, LATEST, InRangeConstraint, validate_day, validate_moment
from ics_portal.core.models import DatedModel
from partners.models import Partnership
from places.models import Place
from tests import factories as f

UTC = datetime.UTC
MESSAGE = "Enter a date from 5 July 1948 (the NHS's first day) to 31 December 2099"


def test_the_range_is_the_as_at_range():
    assert (EARLIEST, LATEST) == (datetime.date(1948, 7, 5), datetime.date(2099, 12, 31))
    assert (as_at.EARLIEST, as_at.LATEST) == (EARLIEST, LATEST)


@pytest.mark.parametrize("day", [datetime.date(1948, 7, 4), datetime.date(2100, 1, 1), datetime.date(144, 3, 7)])
def test_a_day_outside_the_range_is_refused(day):
    with pytest.raises(ValidationError) as refused:
        validate_day(day)
    assert refused.value.messages == [f"{MESSAGE}; {day.isoformat()} is outside what the portal records."]
    assert refused.value.code == "date_out_of_range"


def test_the_first_and_last_moments_are_in_range_and_their_neighbours_are_not():
    validate_day(EARLIEST), validate_day(LATEST), validate_day(None)
    validate_moment(datetime.datetime(1948, 7, 5, tzinfo=UTC))
    validate_moment(datetime.datetime(2099, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    offset = datetime.timezone(-datetime.timedelta(hours=11, minutes=4))
    for moment in (
        datetime.datetime(1948, 7, 4, 23, 59, 59, tzinfo=UTC),
        datetime.datetime(2100, 1, 1, tzinfo=UTC),
        datetime.datetime(144, 3, 7, 14, 53, 25, tzinfo=offset),
    ):
        with pytest.raises(ValidationError):
            validate_moment(moment)


def _dated_models():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, DatedModel) and not model._meta.abstract and not model.__name__.startswith("Historical")
    ]


def test_every_dated_model_has_the_range_in_its_fields_and_its_database_constraints():
    models = _dated_models()
    assert len(models) == 15
    for model in models:
        for name in ("start_date", "end_date"):
            field = model._meta.get_field(name)
            assert validate_day in field.validators, (model, name)
            assert field.help_text == "From 5 July 1948 (the NHS's first day) to 31 December 2099."
        names = {c.name for c in model._meta.constraints if isinstance(c, InRangeConstraint)}
        assert f"{model._meta.app_label}_{model._meta.model_name}_dates_in_range" in names, model


@pytest.mark.parametrize(
    ("model", "field", "validator"),
    [
        (Meeting, "starts_at", validate_moment),
        (Meeting, "minutes_published_at", validate_moment),
        (MoU, "review_date", validate_day),
        (MoU, "published_at", validate_moment),
        (MoUSignatory, "signed_on", validate_day),
    ],
)
def test_the_other_dates_staff_enter_are_held_too(model, field, validator):
    assert validator in model._meta.get_field(field).validators


@pytest.mark.django_db
def test_a_form_says_which_date_is_out_of_range():
    place = f.PlaceFactory()
    form = modelform_factory(Place, fields=["start_date", "end_date"])(
        {"start_date": "1900-01-01", "end_date": "2099-12-31"}, instance=place
    )
    assert not form.is_valid()
    assert form.errors == {"start_date": [f"{MESSAGE}; 1900-01-01 is outside what the portal records."]}


@pytest.mark.django_db
def test_full_clean_refuses_it_without_asking_the_database():
    partnership = f.PartnershipFactory()
    partnership.start_date = datetime.date(2100, 1, 1)
    with pytest.raises(ValidationError) as refused, CaptureQueriesContext(connection) as queries:
        partnership.full_clean()
    assert list(refused.value.message_dict) == ["start_date"]
    # Django checks a CheckConstraint with a SELECT; the range is left to the field's validator.
    assert not [query for query in queries if "_check" in query["sql"]]
    partnership.start_date = datetime.date(2022, 7, 1)
    with CaptureQueriesContext(connection) as queries:
        partnership.full_clean()
    assert len([query for query in queries if "_check" in query["sql"]]) == 1  # ends after start, as before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "field", "value"),
    [
        (f.PlaceFactory, "start_date", datetime.date(144, 3, 7)),
        (f.OrganisationFactory, "end_date", datetime.date(2100, 1, 1)),
        (f.PartnershipFactory, "start_date", datetime.date(1948, 7, 4)),
        (f.BoardMembershipFactory, "end_date", datetime.date(9999, 12, 31)),
        (f.MeetingFactory, "starts_at", datetime.datetime(144, 3, 8, 1, 57, 25, tzinfo=UTC)),
        (f.MeetingFactory, "minutes_published_at", datetime.datetime(2100, 1, 1, tzinfo=UTC)),
        (f.MoUFactory, "review_date", datetime.date(1900, 1, 1)),
        (f.MoUFactory, "published_at", datetime.datetime(1948, 7, 4, 23, 0, tzinfo=UTC)),
        (f.MoUSignatoryFactory, "signed_on", datetime.date(1066, 10, 14)),
    ],
)
def test_the_database_refuses_a_write_that_skips_validation(factory, field, value):
    record = factory()
    with pytest.raises(IntegrityError, match="in_range"), transaction.atomic():
        type(record).objects.filter(pk=record.pk).update(**{field: value})


@pytest.mark.django_db
def test_the_first_and_last_days_are_stored():
    place = f.PlaceFactory(start_date=EARLIEST, end_date=LATEST)
    place.full_clean()
    meeting = f.MeetingFactory(starts_at=datetime.datetime(2099, 12, 31, 23, 59, tzinfo=UTC), status="scheduled")
    meeting.full_clean()
    assert Partnership.objects.count() == 0 and Place.objects.get().end_date == LATEST


def test_the_api_never_writes_an_offset_with_seconds():
    """London's offset was -00:01:15 before 1847, which OpenAPI's date-time cannot carry: such a moment is in UTC."""
    read = _datetime_reader("starts_at", serializers.DateTimeField())
    row = types.SimpleNamespace
    assert read(row(starts_at=datetime.datetime(1800, 1, 1, 12, tzinfo=UTC))) == "1800-01-01T12:00:00Z"
    assert read(row(starts_at=datetime.datetime(2024, 7, 1, 9, tzinfo=UTC))) == "2024-07-01T10:00:00+01:00"
    assert read(row(starts_at=datetime.datetime(2024, 1, 1, 9, tzinfo=UTC))) == "2024-01-01T09:00:00Z"
    assert read(row(starts_at=datetime.datetime(1948, 7, 5, 0, 30, tzinfo=UTC))) == "1948-07-05T01:30:00+01:00"
