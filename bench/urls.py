"""The portal's URLs plus the benchmark floor (bench.settings only)."""

from django.urls import include, path

from bench.views import floor

urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("", include("ics_portal.urls")),
]
