"""API representations of boards, people, seats, meetings, MoUs and programmes."""

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance import notice
from governance.models import (
    AgendaItem,
    Attendance,
    Board,
    BoardMembership,
    Decision,
    Meeting,
    MoU,
    MoUSignatory,
    Person,
    Programme,
)
from governance.presenters import meeting_day
from ics_portal.api.serializers import (
    AUDIT_FIELDS,
    ApiLink,
    IdLink,
    PortalSerializer,
    RelatedUrl,
    RowRepresentation,
    SlugLink,
    build_url,
)
from partners.models import Organisation
from places.models import IntegratedCareSystem, Place


def _may_see_drafts(context, ics_id) -> bool:
    allowed = context.get("draft_ics_ids", set())
    return allowed is None or ics_id in allowed


def _public_modified_at(serializer, data, moment):
    """Show `moment`, when what the public sees last changed, as `modified_at`, to a reader who may not see the
    record's drafts: the body, and so the ETag and Last-Modified (ics_portal/api/conditional.py), then stay
    as they were while drafts are worked on. Staff who see the drafts get the real `modified_at`."""
    data["modified_at"] = serializer.fields["modified_at"].to_representation(moment)


def _agenda_item_for_public(data, item, meeting):
    """What the public reads of an agenda item: its minutes and resolutions once the meeting's minutes are
    published, and of a confidential (part 2) item neither those nor its summary, ever."""
    if meeting.minutes_published_at is None or item.is_confidential:
        data["minutes"] = data["resolutions"] = None
    if item.is_confidential:
        data["summary"] = None


CONFIDENTIAL_NULL = "Null for a confidential (part 2) item, except to staff of its ICS."


class ProgrammeSerializer(PortalSerializer):
    url = ApiLink(view_name="api:programme-detail")
    ics = SlugLink(queryset=IntegratedCareSystem.objects.all())
    ics_url = RelatedUrl("api:ics-detail", source="ics")
    lead_organisation = SlugLink(queryset=Organisation.objects.all(), allow_null=True, required=False)
    lead_organisation_url = RelatedUrl("api:organisation-detail", source="lead_organisation", allow_null=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "url",
            "page_url",
            "ics",
            "ics_url",
            "slug",
            "name",
            "description",
            "lead_organisation",
            "lead_organisation_url",
            "start_date",
            "end_date",
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        """Programmes are listed on their ICS's page."""
        return "site:ics_detail", {"slug": obj.ics.slug}


class BoardSerializer(PortalSerializer):
    url = ApiLink(view_name="api:board-detail", lookup_field="slug")
    ics = SlugLink(queryset=IntegratedCareSystem.objects.all())
    ics_url = RelatedUrl("api:ics-detail", source="ics")
    place = SlugLink(
        queryset=Place.objects.all(),
        allow_null=True,
        required=False,
        help_text="The place, by slug; null at system level.",
    )
    place_url = RelatedUrl("api:place-detail", source="place", allow_null=True)
    reports_to = SlugLink(queryset=Board.objects.all(), allow_null=True, required=False)
    reports_to_url = RelatedUrl(
        "api:board-detail", source="reports_to", allow_null=True, help_text="The board it reports to, in this API."
    )

    class Meta:
        model = Board
        fields = [
            "id",
            "url",
            "page_url",
            "ics",
            "ics_url",
            "place",
            "place_url",
            "slug",
            "name",
            "kind",
            "is_statutory",
            "meets_in_public",
            "reports_to",
            "reports_to_url",
            "terms_of_reference",
            "quorum",
            "quorum_rule",
            "notice_clear_days",
            "start_date",
            "end_date",
            "source",
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        return "governance:board_detail", {"slug": obj.slug}

    def to_representation(self, board):
        data = super().to_representation(board)
        if not _may_see_drafts(self.context, board.ics_id):
            _public_modified_at(self, data, board.public_modified_at)
        return data


class PersonSerializer(PortalSerializer):
    url = ApiLink(view_name="api:person-detail", lookup_field="slug")

    class Meta:
        model = Person
        fields = ["id", "url", "page_url", "slug", "name", "title", "source", *AUDIT_FIELDS]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        return "governance:person_detail", {"slug": obj.slug}


class BoardMembershipSerializer(PortalSerializer):
    url = ApiLink(view_name="api:boardmembership-detail")
    board = SlugLink(queryset=Board.objects.all())
    board_url = RelatedUrl("api:board-detail", source="board")
    person = SlugLink(queryset=Person.objects.all())
    person_url = RelatedUrl("api:person-detail", source="person")
    person_name = serializers.CharField(source="person.name", read_only=True)
    organisation = SlugLink(
        queryset=Organisation.objects.all(),
        allow_null=True,
        required=False,
        help_text="The organisation this person represents, by slug.",
    )
    organisation_url = RelatedUrl("api:organisation-detail", source="organisation", allow_null=True)

    class Meta:
        model = BoardMembership
        fields = [
            "id",
            "url",
            "page_url",
            "board",
            "board_url",
            "person",
            "person_url",
            "person_name",
            "organisation",
            "organisation_url",
            "role",
            "is_voting",
            "start_date",
            "end_date",
            "source",
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        """A seat is shown on its board's page."""
        return "governance:board_detail", {"slug": obj.board.slug}


class AgendaItemSerializer(RowRepresentation, serializers.ModelSerializer):
    # Declared, as read-only fields lose allow_blank: the schema then lists "" (an item of no stated type).
    kind = serializers.ChoiceField(choices=AgendaItem.Kind.choices, allow_blank=True, read_only=True)
    summary = serializers.CharField(read_only=True, allow_null=True, help_text=CONFIDENTIAL_NULL)
    minutes = serializers.CharField(
        read_only=True, allow_null=True, help_text=f"Null until the minutes are published. {CONFIDENTIAL_NULL}"
    )
    resolutions = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=f"What was decided, one a line. Null until the minutes are published. {CONFIDENTIAL_NULL}",
    )

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "number",
            "position",
            "title",
            "kind",
            "presenter",
            "is_confidential",
            "summary",
            "minutes",
            "resolutions",
            "modified_at",
        ]
        read_only_fields = fields

    def to_representation(self, item):
        data = super().to_representation(item)
        meeting = item.meeting  # Set by the meeting's prefetch: no query.
        if not _may_see_drafts(self.context, meeting.board.ics_id):
            _agenda_item_for_public(data, item, meeting)
            _public_modified_at(self, data, item.public_changed_at())
        return data


class AttendanceSerializer(RowRepresentation, serializers.ModelSerializer):
    membership = IdLink(read_only=True, help_text="The member's seat on the board, by id.")
    membership_url = RelatedUrl(
        "api:boardmembership-detail", lookup_field="pk", source="membership_id", help_text="The seat in this API."
    )
    person = serializers.CharField(source="membership.person.slug", read_only=True, help_text="The member, by slug.")
    person_url = RelatedUrl("api:person-detail", source="membership.person")
    person_name = serializers.CharField(source="membership.person.name", read_only=True)
    is_voting = serializers.BooleanField(source="membership.is_voting", read_only=True)

    class Meta:
        model = Attendance
        fields = [
            "membership",
            "membership_url",
            "person",
            "person_url",
            "person_name",
            "is_voting",
            "status",
            "deputy",
        ]
        read_only_fields = fields


class MeetingSerializer(PortalSerializer):
    url = ApiLink(view_name="api:meeting-detail")
    board = SlugLink(queryset=Board.objects.all())
    board_url = RelatedUrl("api:board-detail", source="board")
    ics = serializers.CharField(source="board.ics.slug", read_only=True, help_text="The board's ICS, by slug.")
    ics_url = RelatedUrl("api:ics-detail", source="board.ics")
    minutes_approved_at = IdLink(
        queryset=Meeting.objects.all(),
        allow_null=True,
        required=False,
        help_text="The later meeting of the board that approved these minutes as a true record, by id.",
    )
    minutes_approved_at_url = RelatedUrl(
        "api:meeting-detail",
        lookup_field="pk",
        source="minutes_approved_at_id",
        allow_null=True,
        help_text="The meeting that approved these minutes, in this API.",
    )
    papers_due_by = serializers.SerializerMethodField(
        help_text="The last day the agenda and papers may be published, in clear days before the meeting "
        "(the board's notice_clear_days). Null if the meeting has no date."
    )
    papers_on_time = serializers.SerializerMethodField(
        help_text="Whether the agenda and papers were all published by papers_due_by: on time, late, or due (the "
        "day has not passed and some are unpublished). Null where not known: no date, not going ahead, or a "
        "sourced record."
    )
    agenda_items = AgendaItemSerializer(
        source="api_agenda_items",
        many=True,
        read_only=True,
        help_text="Empty to the public until the agenda is published.",
    )
    quorate = serializers.BooleanField(
        allow_null=True,
        required=False,
        help_text="Whether the meeting was quorate, as its minutes record (where the board's quorum is a rule). "
        "Null to the public until the minutes are published.",
    )
    attendance = AttendanceSerializer(
        source="api_attendance",
        many=True,
        read_only=True,
        allow_null=True,
        help_text="Null to the public until the minutes are published.",
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "url",
            "page_url",
            "board",
            "board_url",
            "ics",
            "ics_url",
            "slug",
            "starts_at",
            "location",
            "status",
            "is_public",
            "agenda_published_at",
            "papers_due_by",
            "papers_on_time",
            "minutes_published_at",
            "minutes_approved_at",
            "minutes_approved_at_url",
            "quorate",
            "agenda_items",
            "attendance",
            "source",
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        return "governance:meeting_detail", {"board_slug": obj.board.slug, "slug": obj.slug}

    @extend_schema_field(OpenApiTypes.DATE)
    def get_papers_due_by(self, meeting) -> str | None:
        due = notice.papers_due_by(meeting)
        return None if due is None else due.isoformat()

    @extend_schema_field(serializers.ChoiceField(choices=["on time", "late", "due"], allow_null=True))
    def get_papers_on_time(self, meeting) -> str | None:
        timeliness = notice.papers_timeliness(meeting, meeting.notice_papers)
        return None if timeliness is notice.Timeliness.NOT_KNOWN else timeliness.value

    def to_representation(self, meeting):
        data = super().to_representation(meeting)
        if not _may_see_drafts(self.context, meeting.board.ics_id):
            if meeting.agenda_published_at is None:
                data["agenda_items"] = []
            if meeting.minutes_published_at is None:  # attendance and the quorum are the minutes' record
                data["attendance"] = data["quorate"] = None
            _public_modified_at(self, data, meeting.public_modified_at)
        return data


class MoUSignatorySerializer(RowRepresentation, serializers.ModelSerializer):
    organisation = SlugLink(read_only=True)
    organisation_url = RelatedUrl("api:organisation-detail", source="organisation")
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    ods_code = serializers.CharField(source="organisation.ods_code", read_only=True, allow_null=True)

    class Meta:
        model = MoUSignatory
        fields = [
            "id",
            "organisation",
            "organisation_url",
            "organisation_name",
            "ods_code",
            "signed_by",
            "signed_on",
            "modified_at",
        ]
        read_only_fields = fields


class MoUSerializer(PortalSerializer):
    url = ApiLink(view_name="api:mou-detail", lookup_field="slug")
    ics = SlugLink(queryset=IntegratedCareSystem.objects.all())
    ics_url = RelatedUrl("api:ics-detail", source="ics")
    place = SlugLink(
        queryset=Place.objects.all(), allow_null=True, required=False, help_text="The place, by slug, if place-level."
    )
    place_url = RelatedUrl("api:place-detail", source="place", allow_null=True)
    signatories = MoUSignatorySerializer(source="api_signatories", many=True, read_only=True)

    class Meta:
        model = MoU
        fields = [
            "id",
            "url",
            "page_url",
            "ics",
            "ics_url",
            "place",
            "place_url",
            "slug",
            "title",
            "status",
            "version",
            "summary",
            "start_date",
            "end_date",
            "review_date",
            "published_at",
            "signatories",
            "source",
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        return "governance:mou_detail", {"slug": obj.slug}

    def to_representation(self, mou):
        data = super().to_representation(mou)
        if not _may_see_drafts(self.context, mou.ics_id):
            _public_modified_at(self, data, mou.public_modified_at)
        return data


class AgendaItemRecordSerializer(PortalSerializer):
    """An agenda item on its own (the meeting's `agenda_items` carries the same data, read-only)."""

    url = ApiLink(view_name="api:agendaitem-detail")
    meeting = IdLink(queryset=Meeting.objects.all(), help_text="The meeting's id.")
    meeting_url = RelatedUrl("api:meeting-detail", lookup_field="pk", source="meeting_id")

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "url",
            "page_url",
            "meeting",
            "meeting_url",
            "number",
            "position",
            "title",
            "kind",
            "presenter",
            "is_confidential",
            "summary",
            "minutes",
            "resolutions",
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS
        extra_kwargs = {
            "summary": {"allow_null": True, "help_text": CONFIDENTIAL_NULL},
            "minutes": {
                "allow_null": True,
                "help_text": f"Null to the public until the minutes are published. {CONFIDENTIAL_NULL}",
            },
            "resolutions": {
                "allow_null": True,
                "help_text": f"Null to the public until the minutes are published. {CONFIDENTIAL_NULL}",
            },
        }

    def page_view(self, obj):
        """An agenda item is shown on its meeting's page."""
        meeting = obj.meeting
        return "governance:meeting_detail", {"board_slug": meeting.board.slug, "slug": meeting.slug}

    def to_representation(self, item):
        data = super().to_representation(item)
        meeting = item.meeting
        if not _may_see_drafts(self.context, meeting.board.ics_id):
            _agenda_item_for_public(data, item, meeting)
            _public_modified_at(self, data, item.public_changed_at())
        return data

    def validate(self, attrs):
        for name in ("summary", "minutes", "resolutions"):
            if name in attrs and attrs[name] is None:
                attrs[name] = ""
        return super().validate(attrs)


class MoUSignatoryRecordSerializer(PortalSerializer):
    """An MoU's signatory on its own (the MoU's `signatories` carries the same data, read-only)."""

    url = ApiLink(view_name="api:mousignatory-detail")
    mou = SlugLink(queryset=MoU.objects.all(), help_text="The MoU, by slug.")
    mou_url = RelatedUrl("api:mou-detail", source="mou")
    organisation = SlugLink(queryset=Organisation.objects.all(), help_text="The signing organisation, by slug.")
    organisation_url = RelatedUrl("api:organisation-detail", source="organisation")
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    ods_code = serializers.CharField(source="organisation.ods_code", read_only=True, allow_null=True)

    class Meta:
        model = MoUSignatory
        fields = [
            "id",
            "url",
            "page_url",
            "mou",
            "mou_url",
            "organisation",
            "organisation_url",
            "organisation_name",
            "ods_code",
            "signed_by",
            "signed_on",
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        """A signatory is shown on its MoU's page."""
        return "governance:mou_detail", {"slug": obj.mou.slug}


class DecisionSerializer(RowRepresentation, serializers.ModelSerializer):
    """One decision: a line of a published agenda item's resolutions, with its item, meeting, board and ICS, each
    as its id or slug and its URL in this API."""

    decision = serializers.CharField(source="text", read_only=True, help_text="What was decided, as minuted.")
    line = serializers.IntegerField(read_only=True, help_text="Its line in the item's resolutions, from 1.")
    date = serializers.SerializerMethodField(help_text="The meeting's day; null where its source does not state it.")
    kind = serializers.CharField(
        source="agenda_item.kind",
        read_only=True,
        help_text="The item's type: decision, discussion, assurance, information.",
    )
    item_number = serializers.CharField(source="agenda_item.number", read_only=True)
    item_title = serializers.CharField(source="agenda_item.title", read_only=True)
    agenda_item = serializers.IntegerField(source="agenda_item_id", read_only=True, help_text="The agenda item, by id.")
    agenda_item_url = RelatedUrl("api:agendaitem-detail", lookup_field="pk", source="agenda_item_id")
    meeting = serializers.IntegerField(source="agenda_item.meeting_id", read_only=True, help_text="The meeting, by id.")
    meeting_url = RelatedUrl("api:meeting-detail", lookup_field="pk", source="agenda_item.meeting_id")
    page_url = serializers.SerializerMethodField(help_text="The meeting's public page, where the decision is minuted.")
    board = serializers.CharField(
        source="agenda_item.meeting.board.slug", read_only=True, help_text="The board, by slug."
    )
    board_url = RelatedUrl("api:board-detail", source="agenda_item.meeting.board")
    ics = serializers.CharField(
        source="agenda_item.meeting.board.ics.slug", read_only=True, help_text="The board's ICS, by slug."
    )
    ics_url = RelatedUrl("api:ics-detail", source="agenda_item.meeting.board.ics")
    provenance = serializers.CharField(
        source="agenda_item.provenance",
        read_only=True,
        help_text="The agenda item's: public_record, sample or generated.",
    )
    modified_at = serializers.DateTimeField(
        source="agenda_item.public_changed_at",
        read_only=True,
        help_text="When the public's view of the item last changed.",
    )

    class Meta:
        model = Decision
        fields = [
            "decision",
            "line",
            "date",
            "kind",
            "item_number",
            "item_title",
            "agenda_item",
            "agenda_item_url",
            "meeting",
            "meeting_url",
            "page_url",
            "board",
            "board_url",
            "ics",
            "ics_url",
            "provenance",
            "modified_at",
        ]

    def get_date(self, decision) -> datetime.date | None:
        return meeting_day(decision.agenda_item.meeting)

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, decision) -> str:
        meeting = decision.agenda_item.meeting
        return build_url(
            self.context.get("request"), "governance:meeting_detail", board_slug=meeting.board.slug, slug=meeting.slug
        )
