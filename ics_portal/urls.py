from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("ics_portal.api.urls")),
    path("", include("places.urls")),
    path("", include("partners.urls")),
    path("", include("governance.urls")),
    path("", include("ics_portal.core.urls")),
]
