from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("partners/", views.directory, name="directory"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]
