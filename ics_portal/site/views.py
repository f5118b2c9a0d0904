"""Pages that draw on several apps: home, an ICS, a place, an organisation, search, robots.txt."""

import dataclasses
import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from governance import presenters as governance_presenters
from governance.presenters import structure_diagram
from ics_portal.core.as_at import AS_AT_PARAMETER, as_at_for, split_by_day
from ics_portal.core.csv_export import csv_response
from partners import presenters as partner_presenters
from partners.models import Organisation
from places import presenters as place_presenters

from . import selectors
from .search import KINDS, KINDS_BY_KEY, clean_query, search

SEARCH_CSV_HEADER = ("Kind", "Name", "Details", "Sample data", "Link")


REGION_LIST_ID = "systems-by-region"


def home(request):
    as_at = as_at_for(request)
    since = place_presenters.year_before(as_at.day)
    page = selectors.home_page(as_at.day, since)
    regions = place_presenters.systems_by_region(page.systems, as_at.day)
    clusters_by_ics = {row.ics.pk: row.cluster for region in regions for row in region.systems if row.cluster}
    clusters = sorted({c.pk: c for c in clusters_by_ics.values()}.values(), key=lambda c: c.name.casefold())
    members = {c.pk: [] for c in clusters}
    for region in regions:
        for row in region.systems:
            if row.cluster:
                members[row.cluster.pk].append(row.ics)
    return render(
        request,
        "site/home.html",
        {
            "as_at": as_at,
            "regions": regions,
            "stage_column": place_presenters.stage_column(regions),
            "region_list_id": REGION_LIST_ID,
            "system_count": len(page.systems),
            "cluster_ids": {c.pk for c in clusters},
            "before_statutory": as_at.day < place_presenters.STATUTORY_DAY,
            "clusters": [(c, sorted(members[c.pk], key=lambda i: i.short_name.casefold())) for c in clusters],
            "since": since,
            "succession_events": place_presenters.succession_events(page.successions),
            "cluster_events": place_presenters.cluster_events(page.clusters_formed),
            "plans": page.plans,
            "icb_map": place_presenters.icb_map(
                page.outlines,
                as_at.day,
                query=as_at.query,
                clusters_by_ics=clusters_by_ics,
                list_id=REGION_LIST_ID,
            ),
            "facts_checked": place_presenters.latest_date(
                *(ics.source_date for ics in page.systems),
                *(s.source_date for s in page.successions),
                *(c.source_date for c in clusters),
                *(m.cluster.source_date for m in page.clusters_formed),
                *(p.source_date for p in page.plans),
            ),
        },
    )


def partner_directory_url(ics, as_at):
    """kind -> the partner directory filtered to `ics`, that kind and the page's day."""
    base = reverse("partners:directory")
    day = {} if as_at.is_today else {"as_at": as_at.day.isoformat()}
    return lambda kind: f"{base}?{urlencode({'ics': ics.slug, 'kind': kind, **day})}"


def partner_downloads(as_at, ics, place=None) -> dict:
    """The partners of `ics` (or of `place` in it) on the page's day: the directory's CSV and the API query."""
    day = {} if as_at.is_today else {"as_at": as_at.day.isoformat()}
    at_place = {"place": place.slug} if place else {}
    return {
        "csv": _with_query(reverse("partners:directory_csv"), {**(at_place or {"ics": ics.slug}), **day}),
        "api": _with_query(reverse("api:ics-partners", kwargs={"slug": ics.slug}), {**at_place, **day}),
    }


def _with_query(path, params) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def ics_detail(request, slug):
    as_at = as_at_for(request)
    asked_query = as_at.query  # the day asked for: links to where an abolished ICS's area went carry it
    ics = selectors.ics_at(slug)
    if ics is None:
        raise Http404("No ICS at this address.")
    abolished = bool(ics.end_date and as_at.day > ics.end_date)
    if abolished:
        # After its last day an abolished ICS has no places or partners: the page shows it as it was on that day.
        last_day = ics.end_date.isoformat()
        as_at = dataclasses.replace(as_at, day=ics.end_date, is_today=False, query=f"?{AS_AT_PARAMETER}={last_day}")
    kind_counts = selectors.partner_kind_counts(ics.pk, as_at.day)
    counted = partner_presenters.counted_kinds(kind_counts)
    page = selectors.ics_page(ics, as_at.day, counted_kinds=list(counted))
    stages = page.stages
    successions = selectors.ics_successions(ics)
    memberships = page.cluster_memberships
    life = place_presenters.life(ics, successions, [m.cluster for m in memberships])
    posts = selectors.ics_posts(ics)
    leaders_day = as_at.day
    clusters_then = [m for m in memberships if m.cluster.is_current_on(leaders_day)]
    partnerships = page.partnerships
    predecessors_day = predecessor_partners = None
    if life.predecessors and as_at.day >= ics.start_date and _holds_only_its_icb(partnerships):
        predecessors_day = ics.start_date - datetime.timedelta(days=1)
        part = {source.ics.pk for event in life.formed if event.created for source in event.sources if source.is_part}
        predecessor_partners = [
            (predecessor, predecessor.pk in part, rows)
            for predecessor, rows in _grouped_by_ics(
                selectors.predecessor_partners([p.pk for p in life.predecessors], predecessors_day)
            )
        ]
    return render(
        request,
        "site/ics_detail.html",
        {
            "as_at": as_at,
            "ics": ics,
            "stage": place_presenters.stage_on(stages, as_at.day),
            "timeline": place_presenters.timeline(stages, as_at.day),
            "life": life,
            "abolished": abolished,
            "asked_query": asked_query,
            "not_yet_formed": bool(ics.start_date and as_at.day < ics.start_date),
            "before_statutory": as_at.day < place_presenters.STATUTORY_DAY,
            "leaders_day": leaders_day,
            "cluster_leaders": [
                (
                    m.cluster,
                    [c.ics for c in m.cluster.memberships.all() if c.ics_id != ics.pk],
                    governance_presenters.post_groups([p for p in posts if p.cluster_id == m.cluster_id], leaders_day),
                )
                for m in clusters_then
            ],
            "own_leaders": governance_presenters.post_groups([p for p in posts if p.ics_id == ics.pk], leaders_day),
            "predecessors_day": predecessors_day,
            "predecessor_partners": predecessor_partners,
            "plans": page.plans,
            "places": page.places,
            "programmes": page.programmes,
            "mous": page.mous,
            "facts_checked": place_presenters.latest_date(
                ics.source_date,
                *(m.source_date for m in page.places),
                *(s.source_date for s in successions),
                *(m.cluster.source_date for m in memberships),
                *(p.source_date for p in posts),
                *(p.source_date for p in page.plans),
            ),
            "partner_groups": partner_presenters.partners_by_kind(
                page.partnerships, counted, directory_url=partner_directory_url(ics, as_at), day=as_at.day
            ),
            "partner_downloads": partner_downloads(as_at, ics),
            "diagram": structure_diagram(page.boards),
            "icb_map": place_presenters.icb_map(
                selectors.map_outlines(as_at.day), as_at.day, query=as_at.query, highlight=ics
            ),
            "breadcrumbs": [("Home", reverse("site:home") + as_at.query)],
        },
    )


def _holds_only_its_icb(partnerships) -> bool:
    """Whether the record holds no partners for an ICS but its own ICB (a new ICS whose constitution is not in yet)."""
    return all(p.organisation.kind == Organisation.Kind.ICB for p in partnerships)


def _grouped_by_ics(partnerships):
    """[(ics, [partnerships])] in the order given."""
    groups: dict = {}
    for p in partnerships:
        groups.setdefault(p.ics, []).append(p)
    return list(groups.items())


def place_detail(request, slug):
    as_at = as_at_for(request)
    place = get_object_or_404(selectors.place_page(as_at.day), slug=slug)
    membership = place.membership_on(as_at.day)
    breadcrumbs = [("Home", reverse("site:home") + as_at.query)]
    if membership:
        breadcrumbs.append((membership.ics.short_name, membership.ics.get_absolute_url() + as_at.query))
    return render(
        request,
        "site/place_detail.html",
        {
            "as_at": as_at,
            "place": place,
            "membership": membership,
            "in_force": place.is_current_on(as_at.day),
            "partner_groups": partner_presenters.partners_by_kind(place.partnerships_then, day=as_at.day),
            "partner_downloads": membership and partner_downloads(as_at, membership.ics, place),
            "breadcrumbs": breadcrumbs,
            "facts_checked": place_presenters.latest_date(
                place.source_date, *(m.source_date for m in place.memberships.all())
            ),
        },
    )


def place_detail_moved(request, ics_slug, slug):
    """A place's page under its old address (inside one ICS's): one place, one page, whichever ICS it is in."""
    return redirect("site:place_detail", slug=slug, permanent=True)


def organisation_detail(request, slug):
    as_at = as_at_for(request)
    organisation = get_object_or_404(selectors.organisation_page(), slug=slug)
    partnerships, past_partnerships = split_by_day(organisation.partnerships.all(), as_at.day)
    seats, past_seats = split_by_day(organisation.board_memberships.all(), as_at.day)
    passed_to, took_over_from = partner_presenters.successions(organisation)
    return render(
        request,
        "site/organisation_detail.html",
        {
            "as_at": as_at,
            "organisation": organisation,
            "operating": organisation.is_current_on(as_at.day),
            "name_then": organisation.name_on(as_at.day),
            "other_names": organisation.other_names(as_at.day),
            "partnerships": partnerships,
            "past_partnerships": past_partnerships,
            "seats": seats,
            "past_seats": past_seats,
            "passed_to": passed_to,
            "took_over_from": took_over_from,
            "breadcrumbs": [
                ("Home", reverse("site:home") + as_at.query),
                ("Partner directory", reverse("partners:directory") + as_at.query),
            ],
        },
    )


def _search_context(request):
    query = clean_query(request.GET.get("q"))
    kind = request.GET.get("kind") if request.GET.get("kind") in KINDS_BY_KEY else None
    groups = search(query, kind=kind)
    return {
        "query": query,
        "kind": KINDS_BY_KEY[kind] if kind else None,
        "kinds": KINDS,
        "groups": groups,
        "total": sum(group.total for group in groups),
        "shown": sum(len(group.hits) for group in groups),
    }


@require_safe
def search_page(request):
    """Search results grouped by kind, with a count for each (`search.search`)."""
    return render(request, "site/search_results.html", _search_context(request))


@require_safe
def search_csv(request):
    """The results the search page shows for the same `q` and `kind`, as CSV."""
    context = _search_context(request)
    kind_labels = {kind.key: kind.label for kind in KINDS}
    rows = [
        (kind_labels[hit.kind], hit.title, hit.detail, hit.is_sample, request.build_absolute_uri(hit.url))
        for group in context["groups"]
        for hit in group.hits
    ]
    return csv_response("ics-portal-search", SEARCH_CSV_HEADER, rows)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /staff/",
        f"Sitemap: {request.build_absolute_uri(reverse('site:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
