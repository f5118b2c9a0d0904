"""API representations of organisations and their partnerships."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ics_portal.api.serializers import (
    AUDIT_FIELDS,
    ApiLink,
    OnDetailOnly,
    PortalSerializer,
    RelatedUrl,
    SlugLink,
    build_url,
)
from partners.models import Organisation, OrganisationName, OrganisationSuccession, Partnership
from places.models import IntegratedCareSystem, Place


class NameOnDayField(serializers.CharField):
    """An organisation's name on the request's `as_at` day (`Organisation.name_on`), its name now without one.

    `of` is the attribute holding the organisation ("organisation" on a partnership); none for an organisation
    itself, whose `name` stays writable: a write sets its name now.
    """

    def __init__(self, *, of=None, **kwargs):
        self.of = of
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        organisation = getattr(instance, self.of) if self.of else instance
        day = self.context.get("as_at")
        return organisation.name_on(day) if day else organisation.name


class OrganisationNameSerializer(serializers.ModelSerializer):
    """A name the organisation was known by, with its dates and source."""

    class Meta:
        model = OrganisationName
        fields = ["name", "start_date", "end_date", "source"]
        read_only_fields = fields
        list_serializer_class = OnDetailOnly


class OrganisationSuccessorSerializer(serializers.ModelSerializer):
    """An organisation its work passed to: when, and the kind of succession (merger, acquisition…)."""

    organisation = serializers.SlugRelatedField(source="successor", slug_field="slug", read_only=True)
    organisation_url = RelatedUrl("api:organisation-detail", source="successor")
    name = serializers.CharField(source="successor.name", read_only=True)

    class Meta:
        model = OrganisationSuccession
        fields = ["organisation", "organisation_url", "name", "date", "kind", "source"]
        read_only_fields = fields
        list_serializer_class = OnDetailOnly


class OrganisationPredecessorSerializer(OrganisationSuccessorSerializer):
    """An organisation whose work passed to this one."""

    organisation = serializers.SlugRelatedField(source="predecessor", slug_field="slug", read_only=True)
    organisation_url = RelatedUrl("api:organisation-detail", source="predecessor")
    name = serializers.CharField(source="predecessor.name", read_only=True)

    class Meta(OrganisationSuccessorSerializer.Meta):
        pass


class OrganisationSerializer(PortalSerializer):
    url = ApiLink(view_name="api:organisation-detail", lookup_field="slug")
    successor = SlugLink(
        queryset=Organisation.objects.all(),
        allow_null=True,
        required=False,
        help_text="The organisation that took over, by slug.",
    )
    successor_url = RelatedUrl("api:organisation-detail", source="successor", allow_null=True)
    name = NameOnDayField(
        max_length=200,
        help_text="Its name now; with `as_at`, the name it had on that day (see `names`).",
    )
    active = serializers.SerializerMethodField(help_text="Operating today (between its start and end dates).")
    names = OrganisationNameSerializer(
        many=True,
        read_only=True,
        help_text="The names it was known by over time, oldest first (empty if never renamed). "
        "On a single organisation only, not in lists.",
    )
    successors = OrganisationSuccessorSerializer(
        source="successions_out",
        many=True,
        read_only=True,
        help_text="Where its work passed when it closed, dated (ODS successions). On a single organisation only.",
    )
    predecessors = OrganisationPredecessorSerializer(
        source="successions_in",
        many=True,
        read_only=True,
        help_text="The organisations whose work passed to it, dated. On a single organisation only.",
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "url",
            "page_url",
            "slug",
            "name",
            "ods_code",
            "kind",
            "sector",
            "website",
            "start_date",
            "end_date",
            "active",
            "successor",
            "successor_url",
            "successors",
            "predecessors",
            "names",
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        return "site:organisation_detail", {"slug": obj.slug}

    def get_active(self, obj) -> bool:
        today = self.__dict__.get("_today")
        if today is None:  # once per serializer (per request), not per row
            today = self._today = timezone.localdate()
        return obj.is_current_on(today)


class PartnershipSerializer(PortalSerializer):
    url = ApiLink(view_name="api:partnership-detail")
    organisation = SlugLink(queryset=Organisation.objects.all())
    organisation_url = RelatedUrl("api:organisation-detail", source="organisation")
    organisation_name = NameOnDayField(
        of="organisation",
        read_only=True,
        help_text="The organisation's name now; with `as_at`, its name on that day.",
    )
    ods_code = serializers.CharField(source="organisation.ods_code", read_only=True, allow_null=True)
    ics = SlugLink(queryset=IntegratedCareSystem.objects.all())
    ics_url = RelatedUrl("api:ics-detail", source="ics")
    place = SlugLink(
        queryset=Place.objects.all(),
        allow_null=True,
        required=False,
        help_text="The place, by slug; null for a partnership with the whole ICS.",
    )
    place_url = RelatedUrl("api:place-detail", source="place", allow_null=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "url",
            "page_url",
            "organisation",
            "organisation_url",
            "organisation_name",
            "ods_code",
            "ics",
            "ics_url",
            "place",
            "place_url",
            "role",
            "source",
            "start_date",
            "end_date",
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        """A partnership has no page of its own: it is shown on the organisation's page."""
        return "site:organisation_detail", {"slug": obj.organisation.slug}


class IcsPartnerSerializer(OrganisationSerializer):
    """A partner organisation of one ICS, with its role there and place (`IcsPartnerViewSet` gives each row
    `partnerships_here`: its partnerships in the ICS on the day, most senior role first)."""

    role = serializers.SerializerMethodField(
        help_text="Its role in this ICS on the day (the most senior, if it holds several): "
        + ", ".join(Partnership.Role.values)
        + "."
    )
    place = serializers.SerializerMethodField(
        help_text="The place its partnership is with, by slug; null for a partner of the whole ICS only, or of "
        "several places (the partnerships list, ?ics=…&organisation=…, has each)."
    )
    place_url = serializers.SerializerMethodField(help_text="The place in this API.")

    class Meta(OrganisationSerializer.Meta):
        fields = [
            *OrganisationSerializer.Meta.fields[:6],
            "role",
            "place",
            "place_url",
            *OrganisationSerializer.Meta.fields[6:],
        ]

    def _partnerships(self, obj) -> list:
        return getattr(obj, "partnerships_here", None) or []

    def _place(self, obj):
        places = {partnership.place for partnership in self._partnerships(obj) if partnership.place is not None}
        return places.pop() if len(places) == 1 else None

    def get_role(self, obj) -> str | None:
        partnerships = self._partnerships(obj)
        return partnerships[0].role if partnerships else None

    def get_place(self, obj) -> str | None:
        place = self._place(obj)
        return None if place is None else place.slug

    @extend_schema_field(OpenApiTypes.URI)
    def get_place_url(self, obj) -> str | None:
        place = self._place(obj)
        return None if place is None else build_url(self.context.get("request"), "api:place-detail", slug=place.slug)
