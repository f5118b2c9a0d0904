"""sitemap.xml: every public page built from a slug, and each ICS's and board's registers (decisions, meetings).
Draft MoUs are left out.

Nationally there are over 70,000 pages (43,000 meetings, 15,000 people, 11,000
organisations), more than the 50,000 URLs one sitemap may hold, so /sitemap.xml is
an index of one sitemap per kind of page, each in pages of `limit` URLs.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.utils.functional import cached_property

from governance.models import Board, Meeting, MoU, Person
from ics_portal.core.reverse import Reverser
from partners.models import Organisation
from places.models import IntegratedCareSystem, Place


class _ModelSitemap(Sitemap):
    """One section per kind of page; `lastmod` from the row's modified_at, or for a record with drafts its
    public_modified_at, which editing a draft leaves alone."""

    changefreq = "weekly"
    limit = 5000
    lastmod_field = "modified_at"

    def lastmod(self, obj):
        return getattr(obj, self.lastmod_field)

    def get_latest_lastmod(self):
        """For the index: one aggregate, not Django's default of loading every item of the section."""
        return self.items().order_by().aggregate(latest=Max(self.lastmod_field))["latest"]


class IcsSitemap(_ModelSitemap):
    priority = 0.9

    def items(self):
        return IntegratedCareSystem.objects.order_by("slug")


class PlaceSitemap(_ModelSitemap):
    priority = 0.7

    def items(self):
        return Place.objects.order_by("slug")


class OrganisationSitemap(_ModelSitemap):
    priority = 0.6

    def items(self):
        return Organisation.objects.order_by("slug")


class BoardSitemap(_ModelSitemap):
    priority = 0.6
    lastmod_field = "public_modified_at"

    def items(self):
        return Board.objects.order_by("slug")


class MeetingSitemap(_ModelSitemap):
    priority = 0.4
    lastmod_field = "public_modified_at"

    def items(self):
        return Meeting.objects.select_related("board").order_by("board__slug", "slug")


class MoUSitemap(_ModelSitemap):
    priority = 0.5
    lastmod_field = "public_modified_at"

    def items(self):
        return MoU.objects.published().order_by("slug")


class PersonSitemap(_ModelSitemap):
    priority = 0.3

    def items(self):
        return Person.objects.order_by("slug")


class _RegisterSitemap(Sitemap):
    """A register page of each ICS or board (`url_name`). No lastmod: a register changes when one of its
    meetings is published, which the ICS's or board's own row does not record."""

    changefreq = "weekly"
    limit = 5000
    priority = 0.5
    url_name = ""

    @cached_property
    def _reverser(self):
        """One a request (Django makes a sitemap per request): reverse() for each row took 118 ms for 3,565 boards."""
        return Reverser()

    def location(self, obj):
        return self._reverser(self.url_name, slug=obj.slug)


class IcsDecisionsSitemap(_RegisterSitemap):
    url_name = "governance:ics_decisions"

    def items(self):
        return IntegratedCareSystem.objects.order_by("slug").only("slug")


class IcsMeetingsSitemap(IcsDecisionsSitemap):
    url_name = "governance:ics_meetings"


class BoardDecisionsSitemap(_RegisterSitemap):
    priority = 0.4
    url_name = "governance:board_decisions"

    def items(self):
        return Board.objects.order_by("slug").only("slug")


SITEMAPS = {
    "ics": IcsSitemap,
    "places": PlaceSitemap,
    "organisations": OrganisationSitemap,
    "boards": BoardSitemap,
    "meetings": MeetingSitemap,
    "mous": MoUSitemap,
    "people": PersonSitemap,
    "ics-decisions": IcsDecisionsSitemap,
    "ics-meetings": IcsMeetingsSitemap,
    "board-decisions": BoardDecisionsSitemap,
}
