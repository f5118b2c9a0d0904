"""sitemap.xml: every public page built from a slug. Draft MoUs are left out."""

from django.contrib.sitemaps import Sitemap

from governance.models import Board, Meeting, MoU, Person
from partners.models import Organisation
from places.models import IntegratedCareSystem, Place


class _ModelSitemap(Sitemap):
    """One section per kind of page; `lastmod` from the row's modified_at."""

    changefreq = "weekly"

    def lastmod(self, obj):
        return obj.modified_at


class IcsSitemap(_ModelSitemap):
    priority = 0.9

    def items(self):
        return IntegratedCareSystem.objects.order_by("slug")


class PlaceSitemap(_ModelSitemap):
    priority = 0.7

    def items(self):
        return Place.objects.select_related("ics").order_by("ics__slug", "slug", "pk")


class OrganisationSitemap(_ModelSitemap):
    priority = 0.6

    def items(self):
        return Organisation.objects.order_by("slug")


class BoardSitemap(_ModelSitemap):
    priority = 0.6

    def items(self):
        return Board.objects.order_by("slug")


class MeetingSitemap(_ModelSitemap):
    priority = 0.4

    def items(self):
        return Meeting.objects.select_related("board").order_by("board__slug", "slug")


class MoUSitemap(_ModelSitemap):
    priority = 0.5

    def items(self):
        return MoU.objects.published().order_by("slug")


class PersonSitemap(_ModelSitemap):
    priority = 0.3

    def items(self):
        return Person.objects.order_by("slug")


SITEMAPS = {
    "ics": IcsSitemap,
    "places": PlaceSitemap,
    "organisations": OrganisationSitemap,
    "boards": BoardSitemap,
    "meetings": MeetingSitemap,
    "mous": MoUSitemap,
    "people": PersonSitemap,
}
