from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import health, views
from .sitemaps import SITEMAPS

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("ics/<slug:slug>/", views.ics_detail, name="ics_detail"),
    path("places/<slug:slug>/", views.place_detail, name="place_detail"),
    path("ics/<slug:ics_slug>/places/<slug:slug>/", views.place_detail_moved, name="place_detail_moved"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("search/", views.search_page, name="search"),
    path("search.csv", views.search_csv, name="search_csv"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "site:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", health.healthz, name="healthz"),
]
