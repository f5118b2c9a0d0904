from django.urls import path

from governance import views
from governance.feeds import LatestPublishedAtomFeed, LatestPublishedFeed

app_name = "governance"
urlpatterns = [
    path("boards/<slug:slug>/", views.board_detail, name="board_detail"),
    path("boards/<slug:slug>/meetings.ics", views.board_meetings_ics, name="board_meetings_ics"),
    path("boards/<slug:board_slug>/meetings/<slug:slug>/", views.meeting_detail, name="meeting_detail"),
    path("mous/<slug:slug>/", views.mou_detail, name="mou_detail"),
    path("documents/<int:pk>/<str:file_name>", views.document_file, name="document_file"),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("feeds/published.rss", LatestPublishedFeed(), name="published_rss"),
    path("feeds/published.atom", LatestPublishedAtomFeed(), name="published_atom"),
]
