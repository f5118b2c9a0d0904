"""The site's URLs plus one that fails, to see the 500 page as a visitor would."""

from django.urls import path

from ics_portal.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("A deliberate failure to show the 500 page")


urlpatterns = [*site_urlpatterns, path("deliberate-failure/", fail)]
