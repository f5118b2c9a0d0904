from django.urls import path

from governance import views
from governance.feeds import LatestPublishedAtomFeed, LatestPublishedFeed

app_name = "governance"
urlpatterns = [
    path("boards/<slug:slug>/", views.board_detail, name="board_detail"),
    path("boards/<slug:slug>/meetings.ics", views.board_meetings_ics, name="board_meetings_ics"),
    path("boards/<slug:slug>/decisions/", views.board_decisions, name="board_decisions"),
    path("boards/<slug:slug>/decisions.csv", views.board_decisions_csv, name="board_decisions_csv"),
    path("boards/<slug:board_slug>/meetings/<slug:slug>/", views.meeting_detail, name="meeting_detail"),
    path("ics/<slug:slug>/decisions/", views.ics_decisions, name="ics_decisions"),
    path("ics/<slug:slug>/decisions.csv", views.ics_decisions_csv, name="ics_decisions_csv"),
    path("ics/<slug:slug>/meetings/", views.ics_meetings, name="ics_meetings"),
    path("ics/<slug:slug>/meetings.ics", views.ics_meetings_ics, name="ics_meetings_ics"),
    path("mous/<slug:slug>/", views.mou_detail, name="mou_detail"),
    path("documents/<int:pk>/<str:file_name>", views.document_file, name="document_file"),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("feeds/published.rss", LatestPublishedFeed(), name="published_rss"),
    path("feeds/published.atom", LatestPublishedAtomFeed(), name="published_atom"),
]
