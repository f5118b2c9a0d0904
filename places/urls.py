from django.urls import path

from places import views

app_name = "places"
urlpatterns = [
    path("ics.csv", views.ics_csv, name="ics_csv"),
]
