"""API representations of ICSs and places."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ics_portal.api.serializers import (
    AUDIT_FIELDS,
    ApiLink,
    PortalSerializer,
    RelatedUrl,
    RowRepresentation,
    build_url,
)
from places.models import Cluster, IcsStage, IcsSuccession, IntegratedCareSystem, Place, PlaceMembership

SOURCE_FIELDS = ["source", "source_url", "source_date"]


ONS_CODE_HELP = "ONS (GSS) code, e.g. E54000054."


def ics_url(source="ics", **kwargs):
    return RelatedUrl("api:ics-detail", source=source, help_text="The ICS in this API.", **kwargs)


class IcsStageSerializer(RowRepresentation, serializers.ModelSerializer):
    ons_code_then = serializers.CharField(source="gss_code_then", required=False, help_text="Its ONS code then.")

    class Meta:
        model = IcsStage
        fields = ["stage", "name_then", "ons_code_then", "start_date", "end_date", "note"]


class PredecessorSerializer(RowRepresentation, serializers.ModelSerializer):
    ics = serializers.SlugRelatedField(source="predecessor", slug_field="slug", read_only=True)
    ics_url = ics_url("predecessor")

    class Meta:
        model = IcsSuccession
        fields = ["ics", "ics_url", "kind", "date", "note", *SOURCE_FIELDS]


class SuccessorSerializer(RowRepresentation, serializers.ModelSerializer):
    ics = serializers.SlugRelatedField(source="successor", slug_field="slug", read_only=True)
    ics_url = ics_url("successor")

    class Meta:
        model = IcsSuccession
        fields = ["ics", "ics_url", "kind", "date", "note", *SOURCE_FIELDS]


class IntegratedCareSystemSerializer(PortalSerializer):
    url = ApiLink(view_name="api:ics-detail", lookup_field="slug")
    partners_url = serializers.SerializerMethodField(help_text="This ICS's partner organisations, in this API.")
    # The relations come prefetched as lists (IntegratedCareSystemQuerySet.for_api).
    stages = IcsStageSerializer(
        source="api_stages", many=True, read_only=True, help_text="STP, shadow ICS, ICS, statutory ICS."
    )
    predecessors = PredecessorSerializer(
        source="api_successions_from", many=True, read_only=True, help_text="ICSs whose area passed to this one."
    )
    successors = SuccessorSerializer(
        source="api_successions", many=True, read_only=True, help_text="ICSs its area passed to, and when."
    )
    clusters = serializers.SerializerMethodField(help_text="Clusters it has been in (slugs), with their dates.")
    ons_code = serializers.CharField(
        source="gss_code", max_length=9, required=False, allow_blank=True, help_text=ONS_CODE_HELP
    )
    region_name = serializers.CharField(source="get_region_display", read_only=True, help_text="The region's name.")

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
            "ons_code",
            "region",
            "region_name",
            "population",
            "annual_budget",
            "website",
            "description",
            "start_date",
            "end_date",
            "stages",
            "predecessors",
            "successors",
            "clusters",
            *SOURCE_FIELDS,
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        return "site:ics_detail", {"slug": obj.slug}

    @extend_schema_field(OpenApiTypes.URI)
    def get_partners_url(self, obj) -> str:
        return build_url(self.context.get("request"), "api:ics-partners", slug=obj.slug)

    def get_clusters(self, obj) -> list[dict]:
        request = self.context.get("request")
        return [
            {
                "slug": m.cluster.slug,
                "url": build_url(request, "api:cluster-detail", slug=m.cluster.slug),
                "start_date": m.cluster.start_date,
                "end_date": m.cluster.end_date,
            }
            for m in obj.api_cluster_memberships
        ]


class ClusterSerializer(PortalSerializer):
    url = ApiLink(view_name="api:cluster-detail", lookup_field="slug")
    members = serializers.SerializerMethodField(help_text="The member ICSs' slugs.")

    class Meta:
        model = Cluster
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "start_date",
            "start_from_source",
            "end_date",
            "members",
            "note",
            *SOURCE_FIELDS,
            *AUDIT_FIELDS,
        ]
        read_only_fields = fields

    def get_members(self, obj) -> list[str]:
        return [m.ics.slug for m in obj.memberships.all()]


class PlaceMembershipSerializer(RowRepresentation, serializers.ModelSerializer):
    ics = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    ics_url = ics_url()

    class Meta:
        model = PlaceMembership
        fields = ["ics", "ics_url", "start_date", "end_date"]


class PlaceSerializer(PortalSerializer):
    url = ApiLink(view_name="api:place-detail", lookup_field="slug")
    memberships = PlaceMembershipSerializer(
        source="api_memberships", many=True, read_only=True, help_text="The ICSs it belonged to, when."
    )
    ons_code = serializers.CharField(
        source="gss_code", max_length=9, required=False, allow_blank=True, help_text=ONS_CODE_HELP
    )

    class Meta:
        model = Place
        fields = [
            "id",
            "url",
            "page_url",
            "slug",
            "name",
            "ods_code",
            "ons_code",
            "population",
            "districts",
            "place_lead",
            "start_date",
            "end_date",
            "memberships",
            *SOURCE_FIELDS,
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS

    def page_view(self, obj):
        return "site:place_detail", {"slug": obj.slug}
