from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .feeds import LatestPublishedAtomFeed, LatestPublishedFeed
from .sitemaps import SITEMAPS

app_name = "core"
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search.csv", views.search_csv, name="search_csv"),
    path("partners.csv", views.partners_csv, name="partners_csv"),
    path("boards/<slug:slug>/meetings.ics", views.board_meetings_ics, name="board_meetings_ics"),
    path("feeds/published.rss", LatestPublishedFeed(), name="published_rss"),
    path("feeds/published.atom", LatestPublishedAtomFeed(), name="published_atom"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
