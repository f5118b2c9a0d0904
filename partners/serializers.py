"""API representations of organisations and their partnerships."""

from django.utils import timezone
from rest_framework import serializers

from ics_portal.api.serializers import AUDIT_FIELDS, ApiLink, IdLink, OnDetailOnly, PortalSerializer, SlugLink
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
    name = serializers.CharField(source="successor.name", read_only=True)

    class Meta:
        model = OrganisationSuccession
        fields = ["organisation", "name", "date", "kind", "source"]
        read_only_fields = fields
        list_serializer_class = OnDetailOnly


class OrganisationPredecessorSerializer(OrganisationSuccessorSerializer):
    """An organisation whose work passed to this one."""

    organisation = serializers.SlugRelatedField(source="predecessor", slug_field="slug", read_only=True)
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
    organisation_name = NameOnDayField(
        of="organisation",
        read_only=True,
        help_text="The organisation's name now; with `as_at`, its name on that day.",
    )
    ods_code = serializers.CharField(source="organisation.ods_code", read_only=True, allow_null=True)
    ics = SlugLink(queryset=IntegratedCareSystem.objects.all())
    place = IdLink(
        queryset=Place.objects.all(),
        allow_null=True,
        required=False,
        help_text="The place's id; empty for a partnership with the whole ICS.",
    )
    place_slug = serializers.CharField(source="place.slug", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "url",
            "page_url",
            "organisation",
            "organisation_name",
            "ods_code",
            "ics",
            "place",
            "place_slug",
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
