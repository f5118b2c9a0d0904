from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("ics_portal.site.api_urls")),
    path("", include("ics_portal.site.urls")),
    path("", include("places.urls")),
    path("", include("partners.urls")),
    path("", include("governance.urls")),
]
