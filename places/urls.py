from django.urls import path

from places import views

app_name = "places"
urlpatterns = [
    path("", views.home, name="home"),
    path("ics/<slug:slug>/", views.ics_detail, name="ics_detail"),
    path("ics/<slug:ics_slug>/places/<slug:slug>/", views.place_detail, name="place_detail"),
]
