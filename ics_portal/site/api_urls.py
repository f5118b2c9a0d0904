"""/api/v1/: the REST API, its OpenAPI schema and its docs (Swagger UI served from local static files)."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from governance.api import (
    AgendaItemViewSet,
    BoardMembershipViewSet,
    BoardViewSet,
    DecisionViewSet,
    MeetingViewSet,
    MoUSignatoryViewSet,
    MoUViewSet,
    PersonViewSet,
    ProgrammeViewSet,
)
from ics_portal.site.api_root import ApiRootView
from partners.api import IcsPartnerViewSet, OrganisationViewSet, PartnershipViewSet
from places.api import ClusterViewSet, IntegratedCareSystemViewSet, PlaceViewSet

app_name = "api"

router = DefaultRouter()
router.include_root_view = True
router.APIRootView = ApiRootView
router.register("icss", IntegratedCareSystemViewSet, basename="ics")
router.register("clusters", ClusterViewSet, basename="cluster")
router.register("places", PlaceViewSet, basename="place")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("partnerships", PartnershipViewSet, basename="partnership")
router.register("boards", BoardViewSet, basename="board")
router.register("board-memberships", BoardMembershipViewSet, basename="boardmembership")
router.register("people", PersonViewSet, basename="person")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("mous", MoUViewSet, basename="mou")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("agenda-items", AgendaItemViewSet, basename="agendaitem")
router.register("mou-signatories", MoUSignatoryViewSet, basename="mousignatory")
router.register("decisions", DecisionViewSet, basename="decision")
LIST_ONLY = {"decision-detail"}  # a decision is a line of an item's resolutions: listed, never addressed alone

# Swagger UI's own stylesheet and the inline <style> of its page need 'unsafe-inline' styles;
# its scripts all come from 'self' (the split view serves the start-up script as a file).
docs_view = csp_update({"style-src": ["'unsafe-inline'"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema", title="ICS Portal API v1")
)

urlpatterns = [
    path(
        "icss/<str:slug>/partners/",
        IcsPartnerViewSet.as_view({"get": "list"}),
        name="ics-partners",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_view, name="docs"),
    path("", include([url for url in router.urls if url.name not in LIST_ONLY])),
]
