from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import views
from .feeds import LatestPublishedAtomFeed, LatestPublishedFeed
from .sitemaps import SITEMAPS

app_name = "core"
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search.csv", views.search_csv, name="search_csv"),
    path("partners.csv", views.partners_csv, name="partners_csv"),
    path("ics.csv", views.ics_csv, name="ics_csv"),
    path("boards/<slug:slug>/meetings.ics", views.board_meetings_ics, name="board_meetings_ics"),
    path("feeds/published.rss", LatestPublishedFeed(), name="published_rss"),
    path("feeds/published.atom", LatestPublishedAtomFeed(), name="published_atom"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "core:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
