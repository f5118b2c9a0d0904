"""API viewsets for governance: boards, seats, people, meetings, MoUs and programmes.

Drafts stay private: an unpublished MoU, and the items of an unpublished agenda, are visible only
to staff of its ICS (and superusers); unpublished minutes, resolutions and attendance, and a
confidential item's summary, minutes and resolutions, show as null to everyone else.

Writes of records that carry a rule (publishing, an MoU's signatories, one chair at a
time) ask it of governance/services.py and save through its write functions.
"""

from django.core.exceptions import PermissionDenied as RuleRefused
from django.core.exceptions import ValidationError
from django.db.models import Q
from rest_framework.exceptions import PermissionDenied

from governance import services
from governance.filters import (
    AgendaItemFilter,
    BoardFilter,
    BoardMembershipFilter,
    DecisionFilter,
    MeetingFilter,
    MoUFilter,
    MoUSignatoryFilter,
    PersonFilter,
    ProgrammeFilter,
)
from governance.models import (
    AgendaItem,
    Board,
    BoardMembership,
    Decision,
    Meeting,
    MeetingTally,
    MoU,
    MoUSignatory,
    Person,
    Programme,
)
from governance.serializers import (
    AgendaItemRecordSerializer,
    BoardMembershipSerializer,
    BoardSerializer,
    DecisionSerializer,
    MeetingSerializer,
    MoUSerializer,
    MoUSignatoryRecordSerializer,
    PersonSerializer,
    ProgrammeSerializer,
)
from ics_portal.api.exceptions import Conflict
from ics_portal.api.filtering import PortalFilterBackend
from ics_portal.api.pagination import NestedRowsPagination
from ics_portal.api.viewsets import PortalViewSet

PUBLISH_REFUSED = "Only a publisher of this ICS may publish or unpublish it."


def _check_publishing(viewset, serializer):
    """A changed publish stamp needs a publisher of the record's ICS (services.publish_check), else 403."""
    if services.publish_stamp_changed(serializer.candidate, serializer.instance):
        try:
            services.publish_check(user=viewset.request.user, obj=serializer.candidate)
        except RuleRefused:
            raise PermissionDenied(PUBLISH_REFUSED) from None


def _check_published_content(viewset, serializer):
    """Once published, what the public reads is changed only by a publisher (services.published_content_check),
    else 403 with the rule's message."""
    if serializer.instance is None:
        return
    candidate = serializer.candidate
    try:
        services.published_content_check(
            obj=candidate,
            changed_fields=services.published_content_changed(candidate, serializer.instance),
            user=viewset.request.user,
            before=serializer.instance,
        )
    except RuleRefused as refusal:
        raise PermissionDenied(str(refusal)) from None


class ProgrammeViewSet(PortalViewSet):
    """System-wide programmes of work (cancer, mental health, …), by id."""

    queryset = Programme.objects.for_api()
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    ordering_fields = ["name", "start_date", "modified_at"]
    ordering = ["name"]


class BoardViewSet(PortalViewSet):
    """Boards and committees at system and place level, by slug."""

    queryset = Board.objects.for_api()
    serializer_class = BoardSerializer
    filterset_class = BoardFilter
    lookup_field = "slug"
    ordering_fields = ["name", "kind", "start_date", "modified_at"]
    ordering = ["name"]


class PersonViewSet(PortalViewSet):
    """People who sit on boards (public name and title only), by slug."""

    queryset = Person.objects.for_api()
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    lookup_field = "slug"
    ordering_fields = ["name", "modified_at"]
    ordering = ["name"]


class BoardMembershipViewSet(PortalViewSet):
    """Seats on boards: who, representing which organisation, in what role, when. By id."""

    queryset = BoardMembership.objects.for_api()
    serializer_class = BoardMembershipSerializer
    filterset_class = BoardMembershipFilter
    ordering_fields = ["start_date", "end_date", "role", "person__name", "modified_at"]
    ordering = ["board__name", "role", "person__name"]

    def save(self, serializer):
        """Through board_membership_save(); the serializer's full_clean() gave the chair rule's 400."""
        return services.board_membership_save(
            membership=serializer.candidate, user=self.request.user, before=serializer.instance, validated=True
        )


class MeetingViewSet(PortalViewSet):
    """Meetings of boards with their agendas and attendance, by id. To the public, an agenda is empty until
    published, minutes, resolutions and attendance null until published, and a confidential item's content null."""

    queryset = Meeting.objects.for_api()
    serializer_class = MeetingSerializer
    pagination_class = NestedRowsPagination
    filterset_class = MeetingFilter
    ordering_fields = ["starts_at", "modified_at"]
    ordering = ["-starts_at"]

    def check_rules(self, serializer):
        _check_publishing(self, serializer)

    def save(self, serializer):
        return services.meeting_save(
            meeting=serializer.candidate, user=self.request.user, before=serializer.instance, validated=True
        )


class MoUViewSet(PortalViewSet):
    """Memoranda of understanding with their signatories, by slug. Drafts only for their ICS's staff."""

    queryset = MoU.objects.for_api()
    serializer_class = MoUSerializer
    filterset_class = MoUFilter
    lookup_field = "slug"
    ordering_fields = ["start_date", "title", "status", "modified_at"]
    ordering = ["-start_date", "title"]

    def check_rules(self, serializer):
        _check_publishing(self, serializer)
        _check_published_content(self, serializer)

    def save(self, serializer):
        """Through mou_save(): a status change goes through mou_change_status(), so signed or in force
        needs a signatory (400, not 500)."""
        return services.mou_save(
            mou=serializer.candidate, user=self.request.user, before=serializer.instance, validated=True
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        allowed = self.draft_ics_ids()
        if allowed is None:
            return queryset
        return queryset.filter(Q(published_at__isnull=False) | Q(ics__in=allowed))


class AgendaItemViewSet(PortalViewSet):
    """Agenda items, by id, for staff recording minutes and resolutions (null to the public until published)."""

    queryset = AgendaItem.objects.for_api()
    serializer_class = AgendaItemRecordSerializer
    filterset_class = AgendaItemFilter
    ordering_fields = ["position", "number", "modified_at"]
    ordering = ["meeting_id", "position", "number"]

    def check_rules(self, serializer):
        _check_published_content(self, serializer)

    def perform_destroy(self, instance):
        try:
            services.published_delete_check(obj=instance, user=self.request.user)
        except RuleRefused as refusal:
            raise PermissionDenied(str(refusal)) from None
        super().perform_destroy(instance)

    def get_queryset(self):
        """The items of a meeting whose agenda is unpublished only for its ICS's staff."""
        queryset = super().get_queryset()
        allowed = self.draft_ics_ids()
        if allowed is None:
            return queryset
        return queryset.filter(Q(meeting__agenda_published_at__isnull=False) | Q(meeting__board__ics__in=allowed))

    def count_unfiltered(self):
        """Published agendas' items, counted per meeting as they are written, when this user sees no drafts."""
        return MeetingTally.objects.public_agenda_items() if self.draft_ics_ids() == set() else None


class MoUSignatoryViewSet(PortalViewSet):
    """Signatories of MoUs, by id. A draft MoU's signatories only for its ICS's staff."""

    queryset = MoUSignatory.objects.for_api()
    serializer_class = MoUSignatoryRecordSerializer
    filterset_class = MoUSignatoryFilter
    ordering_fields = ["signed_on", "organisation__name", "modified_at"]
    ordering = ["mou", "organisation__name"]

    def get_queryset(self):
        queryset = super().get_queryset()
        allowed = self.draft_ics_ids()
        if allowed is None:
            return queryset
        return queryset.filter(Q(mou__published_at__isnull=False) | Q(mou__ics__in=allowed))

    def perform_destroy(self, instance):
        """The database refuses (at commit) a signed MoU with no signatory; say why before trying."""
        try:
            services.mou_signatory_removal_check(signatory=instance)
        except ValidationError as error:
            raise Conflict(f"{' '.join(error.messages)} Change the MoU's status first.", code=error.code) from None
        super().perform_destroy(instance)


class DecisionViewSet(PortalViewSet):
    """Decisions of boards, one row a decision (a line of an agenda item's resolutions), newest meeting first:
    only what the meeting pages show, for everyone (no drafts, nothing of a confidential item). A list only
    (ics_portal/site/api_urls.py routes no detail): a decision is found by its agenda item and line."""

    queryset = Decision.objects.for_register()
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    filter_backends = [PortalFilterBackend]  # the register's order: newest meeting first, in agenda order
    http_method_names = ["get", "head", "options"]

    def count_unfiltered(self):
        """Counted per meeting as the items are written: the list's own count splits every item's resolutions."""
        return MeetingTally.objects.public_decisions()
