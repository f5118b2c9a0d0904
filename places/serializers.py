"""API representations of ICSs and places."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ics_portal.api.serializers import AUDIT_FIELDS, ApiLink, PortalSerializer, RowRepresentation, SlugLink, build_url
from places.models import IcsStage, IntegratedCareSystem, Place


class IcsStageSerializer(RowRepresentation, serializers.ModelSerializer):
    class Meta:
        model = IcsStage
        fields = ["stage", "name_then", "gss_code_then", "start_date", "end_date", "note"]


class IntegratedCareSystemSerializer(PortalSerializer):
    url = ApiLink(view_name="api:ics-detail", lookup_field="slug")
    partners_url = serializers.SerializerMethodField(help_text="This ICS's partner organisations, in this API.")
    stages = IcsStageSerializer(many=True, read_only=True, help_text="STP, shadow ICS, ICS, statutory ICS.")

    class Meta:
        model = IntegratedCareSystem
        fields = [
            "id",
            "url",
            "page_url",
            "partners_url",
            "slug",
            "name",
            "short_name",
            "icb_ods_code",
            "gss_code",
            "region",
            "population",
            "annual_budget",
            "website",
            "description",
            "stages",
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        return "site:ics_detail", {"slug": obj.slug}

    @extend_schema_field(OpenApiTypes.URI)
    def get_partners_url(self, obj) -> str:
        return build_url(self.context.get("request"), "api:ics-partners", slug=obj.slug)


class PlaceSerializer(PortalSerializer):
    url = ApiLink(view_name="api:place-detail")
    ics = SlugLink(queryset=IntegratedCareSystem.objects.all())

    class Meta:
        model = Place
        fields = [
            "id",
            "url",
            "page_url",
            "ics",
            "slug",
            "name",
            "ods_code",
            "gss_code",
            "population",
            "local_authorities",
            "place_lead",
            "start_date",
            "end_date",
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        return "site:place_detail", {"ics_slug": obj.ics.slug, "slug": obj.slug}
