from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("partners/", views.directory, name="directory"),
    path("partners.csv", views.directory_csv, name="directory_csv"),
]
