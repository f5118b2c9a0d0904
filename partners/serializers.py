"""API representations of organisations and their partnerships."""

from django.utils import timezone
from rest_framework import serializers

from ics_portal.api.serializers import AUDIT_FIELDS, ApiLink, IdLink, PortalSerializer, SlugLink
from partners.models import Organisation, Partnership
from places.models import IntegratedCareSystem, Place


class OrganisationSerializer(PortalSerializer):
    url = ApiLink(view_name="api:organisation-detail", lookup_field="slug")
    successor = SlugLink(
        queryset=Organisation.objects.all(),
        allow_null=True,
        required=False,
        help_text="The organisation that took over, by slug.",
    )
    active = serializers.SerializerMethodField(help_text="Operating today (between its start and end dates).")

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
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
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
