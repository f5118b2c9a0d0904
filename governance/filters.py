"""Filters for boards, seats, people, meetings, MoUs and programmes, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django_filters.constants import EMPTY_VALUES

from governance.models import (
    AgendaItem,
    Board,
    BoardMembership,
    Decision,
    Meeting,
    MoU,
    MoUSignatory,
    Person,
    Programme,
)
from ics_portal.core import filters as core_filters
from ics_portal.core.filters import DatedFilterSet, PortalDateFilter, PortalFilterSet, StrictBooleanFilter
from partners.models import Organisation
from places.filters import PlaceSlugFilter
from places.models import IntegratedCareSystem


def _ics_filter(field_name="ics"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, to_field_name="slug", queryset=IntegratedCareSystem.objects.all(), label="ICS (slug)"
    )


def _board_filter(field_name="board"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, to_field_name="slug", queryset=Board.objects.all(), label="Board (slug)"
    )


def _draft_ics_ids(request):
    """The ICS ids whose drafts the API view answering `request` shows (None: all); none outside the API."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    draft_ics_ids = getattr(view, "draft_ics_ids", None)
    return draft_ics_ids() if draft_ics_ids is not None else set()


class PublicModifiedSinceFilter(core_filters.ModifiedSinceFilter):
    """`modified_since` by the timestamp the reader is shown as `modified_at`: the real one on records whose
    drafts they see (staff of the record's ICS), `public_modified_at` on the rest (the public's view), so
    a draft being edited never lists a record as changed to the public."""

    def __init__(self, ics_path, public_since=None, **kwargs):
        super().__init__(**kwargs)
        self.ics_path = ics_path
        self.public_since = public_since or (lambda since: Q(public_modified_at__gte=since))

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        allowed = _draft_ics_ids(self.parent.request)
        if allowed is None:
            return qs.filter(modified_at__gte=value)
        public = self.public_since(value)
        if not allowed:
            return qs.filter(public)
        own = Q(**{f"{self.ics_path}__in": allowed})
        return qs.filter((own & Q(modified_at__gte=value)) | (~own & public))


class ProgrammeFilter(DatedFilterSet):
    ics = _ics_filter()

    class Meta:
        model = Programme
        fields = ["ics", "as_at", "modified_since"]


class BoardFilter(DatedFilterSet):
    ics = _ics_filter()
    place = PlaceSlugFilter(field_name="place")
    kind = django_filters.ChoiceFilter(choices=Board.Kind.choices)
    is_statutory = StrictBooleanFilter()
    modified_since = PublicModifiedSinceFilter("ics")

    class Meta:
        model = Board
        fields = ["ics", "place", "kind", "is_statutory", "as_at", "modified_since"]


class BoardMembershipFilter(DatedFilterSet):
    ics = _ics_filter("board__ics")
    board = _board_filter()
    person = django_filters.ModelChoiceFilter(
        field_name="person", to_field_name="slug", queryset=Person.objects.all(), label="Person (slug)"
    )
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisation",
        to_field_name="slug",
        queryset=Organisation.objects.all(),
        label="Organisation (slug)",
    )
    role = django_filters.ChoiceFilter(choices=BoardMembership.Role.choices)

    class Meta:
        model = BoardMembership
        fields = ["ics", "board", "person", "organisation", "role", "as_at", "modified_since"]


class PersonFilter(PortalFilterSet):
    ics = _ics_filter("memberships__board__ics")
    board = _board_filter("memberships__board")

    class Meta:
        model = Person
        fields = ["ics", "board", "modified_since"]

    def filter_queryset(self, queryset):
        # Filtering through seats can match a person several times. Without those filters there is nothing
        # to merge, and DISTINCT over every person costs ~30 ms at national scale (bench/run).
        filtered = super().filter_queryset(queryset)
        through_seats = any(self.form.cleaned_data.get(name) for name in ("ics", "board"))
        return filtered.distinct() if through_seats else filtered


class MeetingFilter(PortalFilterSet):
    ics = _ics_filter("board__ics")
    board = _board_filter()
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices)
    starts_after = PortalDateFilter(field_name="starts_at", lookup_expr="date__gte", label="On or after (date)")
    starts_before = PortalDateFilter(field_name="starts_at", lookup_expr="date__lte", label="On or before (date)")
    modified_since = PublicModifiedSinceFilter("board__ics")

    class Meta:
        model = Meeting
        fields = ["ics", "board", "status", "starts_after", "starts_before", "modified_since"]


class MoUFilter(DatedFilterSet):
    ics = _ics_filter()
    place = PlaceSlugFilter(field_name="place")
    status = django_filters.ChoiceFilter(choices=MoU.Status.choices)
    modified_since = PublicModifiedSinceFilter("ics")

    class Meta:
        model = MoU
        fields = ["ics", "place", "status", "as_at", "modified_since"]


class AgendaItemFilter(PortalFilterSet):
    ics = _ics_filter("meeting__board__ics")
    board = _board_filter("meeting__board")
    meeting = django_filters.ModelChoiceFilter(
        field_name="meeting", queryset=Meeting.objects.all(), label="Meeting (id)"
    )
    # An item's public timestamp is the later of its own and its meeting's (AgendaItem.public_changed_at).
    modified_since = PublicModifiedSinceFilter(
        "meeting__board__ics",
        public_since=lambda since: Q(public_modified_at__gte=since) | Q(meeting__public_modified_at__gte=since),
    )

    class Meta:
        model = AgendaItem
        fields = ["ics", "board", "meeting", "modified_since"]


class MoUSignatoryFilter(PortalFilterSet):
    ics = _ics_filter("mou__ics")
    mou = django_filters.CharFilter(field_name="mou__slug", label="MoU (slug)")
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisation",
        to_field_name="slug",
        queryset=Organisation.objects.all(),
        label="Organisation (slug)",
    )

    class Meta:
        model = MoUSignatory
        fields = ["ics", "mou", "organisation", "modified_since"]


class DecisionFilter(PortalFilterSet):
    """The decisions registers' filters and the API's: each row one decision (a line of an item's resolutions)."""

    ics = _ics_filter("agenda_item__meeting__board__ics")
    board = _board_filter("agenda_item__meeting__board")
    kind = django_filters.ChoiceFilter(
        field_name="agenda_item__kind", choices=AgendaItem.Kind.choices, label="Item type"
    )
    date_from = PortalDateFilter(
        field_name="agenda_item__meeting__starts_at", lookup_expr="date__gte", label="From (YYYY-MM-DD)"
    )
    date_to = PortalDateFilter(
        field_name="agenda_item__meeting__starts_at", lookup_expr="date__lte", label="To (YYYY-MM-DD)"
    )
    q = django_filters.CharFilter(method="filter_text", label="Words in the decision or the item's title")
    # A decision's `modified_at` is its item's public one: the later of the item's and its meeting's.
    modified_since = core_filters.ModifiedSinceFilter(method="filter_modified_since")

    class Meta:
        model = Decision
        fields = ["ics", "board", "kind", "date_from", "date_to", "q", "modified_since"]

    def filter_text(self, queryset, name, value):
        """Every word, each in the decision or in its item's title."""
        for word in value.split():
            queryset = queryset.filter(Q(text__icontains=word) | Q(agenda_item__title__icontains=word))
        return queryset

    def filter_modified_since(self, queryset, name, value):
        return queryset.filter(
            Q(agenda_item__public_modified_at__gte=value) | Q(agenda_item__meeting__public_modified_at__gte=value)
        )
