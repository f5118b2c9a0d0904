"""England's structure as at a day: ICSs created and abolished, clusters and their leaders, plans, old names."""

import datetime
import re

import factory
import pytest

from governance.models import LeadershipPost
from partners.models import Organisation
from places.models import Cluster, ClusterMembership, IcsStage, IcsSuccession, MapOutline, PlannedChange
from tests import factories as f
from tests.query_pins import PAGE_QUERIES

pytestmark = pytest.mark.django_db

LAST_DAY = datetime.date(2026, 3, 31)
FIRST_DAY = datetime.date(2026, 4, 1)
PATH = "M0 0l10 0 0 10z"


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"Cluster {n}")
    slug = factory.Sequence(lambda n: f"cluster-{n}")
    start_date = datetime.date(2025, 6, 1)


class LeadershipPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadershipPost

    person = factory.SubFactory(f.PersonFactory)
    role = LeadershipPost.Role.CLUSTER_CHAIR
    source = "ICB board papers"
    source_url = "https://example.org/papers"
    source_date = datetime.date(2025, 9, 1)


def old_ics(short_name, **kwargs):
    """An ICS abolished after 31 March 2026, with its STP and statutory stages."""
    ics = f.IntegratedCareSystemFactory(short_name=short_name, end_date=LAST_DAY, **kwargs)
    f.IcsStageFactory(
        ics=ics, stage=IcsStage.Stage.STP, start_date=datetime.date(2016, 3, 1), end_date=datetime.date(2022, 6, 30)
    )
    f.IcsStageFactory(ics=ics, stage=IcsStage.Stage.STATUTORY_ICS, end_date=LAST_DAY)
    return ics


def new_ics(short_name, **kwargs):
    """An ICS created on 1 April 2026, whose record holds only its ICB as a partner."""
    name = f"NHS {short_name} ICB"
    ics = f.IntegratedCareSystemFactory(short_name=short_name, name=name, start_date=FIRST_DAY, **kwargs)
    f.IcsStageFactory(ics=ics, stage=IcsStage.Stage.STATUTORY_ICS, start_date=FIRST_DAY)
    icb = f.OrganisationFactory(name=f"NHS {short_name} ICB", kind=Organisation.Kind.ICB, ods_code=None)
    f.PartnershipFactory(ics=ics, organisation=icb, role="icb", start_date=FIRST_DAY)
    return ics


def succession(predecessor, successor, kind=IcsSuccession.Kind.MERGER, places=()):
    row = IcsSuccession.objects.create(
        predecessor=predecessor, successor=successor, kind=kind, date=FIRST_DAY, source_date=datetime.date(2026, 4, 2)
    )
    row.places.set(places)
    return row


def cluster_of(*systems, **kwargs):
    cluster = ClusterFactory(end_date=LAST_DAY, **kwargs)
    for ics in systems:
        ClusterMembership.objects.create(cluster=cluster, ics=ics)
    return cluster


@pytest.fixture
def essex():
    """Essex as on 1 April 2026: formed from Mid and South Essex and parts of two neighbours."""
    mse = old_ics("Mid and South Essex")
    snee = old_ics("Suffolk and North East Essex")
    hwe = old_ics("Hertfordshire and West Essex")
    new = new_ics("Essex")
    harlow = f.PlaceFactory(name="Harlow and Epping", districts="Harlow;Epping Forest", ics=None)
    f.PlaceMembershipFactory(place=harlow, ics=hwe, end_date=LAST_DAY)
    f.PlaceMembershipFactory(place=harlow, ics=new, start_date=FIRST_DAY)
    succession(mse, new)
    succession(snee, new, IcsSuccession.Kind.BOUNDARY_CHANGE)
    succession(hwe, new, IcsSuccession.Kind.BOUNDARY_CHANGE, places=[harlow])
    cluster = cluster_of(mse, snee, name="Essex", slug="essex", start_from_source=True)
    trust = f.OrganisationFactory(name="Mid and South Essex NHS Foundation Trust")
    f.PartnershipFactory(ics=mse, organisation=trust, end_date=LAST_DAY)
    plan = PlannedChange.objects.create(
        kind=PlannedChange.Kind.MERGER,
        status=PlannedChange.Status.PLANNED,
        title="Essex and Norfolk and Suffolk to merge",
        expected="April 2027",
        source="Board paper",
        source_url="https://example.org/plan",
        source_date=datetime.date(2026, 5, 1),
    )
    plan.icss.set([new])
    return {"mse": mse, "snee": snee, "hwe": hwe, "essex": new, "cluster": cluster, "harlow": harlow, "plan": plan}


def text(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    words = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    return words.replace(" ,", ",").replace(" .", ".").replace(" )", ")")


def test_home_before_and_after_a_merger_lists_the_icss_of_the_day_and_their_cluster(client, essex):
    before = client.get("/?as_at=2026-03-01")
    html = before.content.decode()
    assert essex["mse"].get_absolute_url() in html and essex["essex"].get_absolute_url() not in html
    assert 'In the <a href="#cluster-essex">Essex cluster</a>' in html
    assert 'id="cluster-essex"' in html
    assert "Start not stated by the source; in place by 1 June 2025" in html

    after = client.get("/?as_at=2026-04-02")
    html = after.content.decode()
    assert f'href="{essex["essex"].get_absolute_url()}?as_at=2026-04-02">Essex</a>' in html
    assert (
        f'href="{essex["mse"].get_absolute_url()}?as_at=2026-04-02">Mid and South Essex</a>'
        not in html.split('id="what-changed"')[0]
    )
    assert "Essex cluster</a>" not in html


def test_home_says_what_changed_in_plain_words(client, essex):
    page = text(client.get("/?as_at=2026-06-01"))
    assert (
        "1 April 2026: NHS Essex ICB was created from Mid and South Essex, part of Hertfordshire and West Essex "
        "and part of Suffolk and North East Essex." in page
    )
    assert "1 June 2025" not in page.split("What changed")[1].split("Plans")[0]  # formed over a year before
    # A year earlier nothing had changed yet; the cluster formed within the 12 months to 1 March 2026.
    page = text(client.get("/?as_at=2026-03-01"))
    assert "By 1 June 2025 (the source does not say when it began): the Essex cluster formed" in page
    assert "was created from" not in page


def test_home_labels_plans_as_plans_with_their_source(client, essex):
    html = client.get("/?as_at=2026-06-01").content.decode()
    assert '<strong class="nhsuk-tag nhsuk-tag--blue">Planned</strong> Essex and Norfolk and Suffolk to merge' in html
    assert '<a href="https://example.org/plan">Board paper</a>, seen 1 May 2026' in html
    assert "Plans are not structure" in html
    # Not known before its source.
    assert "Essex and Norfolk and Suffolk to merge" not in client.get("/?as_at=2026-03-01").content.decode()


def test_home_before_july_2022_says_it_lists_partnerships(client, essex):
    page = text(client.get("/?as_at=2021-04-01"))
    assert "As at 2021 the record holds the CCG → STP structure only." in page
    assert "Partnerships by NHS England region" in page
    assert "As at 2021" not in text(client.get("/?as_at=2023-04-01"))


def test_home_map_links_regions_and_captions_unassigned_areas(client, essex):
    MapOutline.objects.create(ics=essex["mse"], path=PATH, end_date=LAST_DAY)
    MapOutline.objects.create(ics=essex["essex"], path=PATH, start_date=FIRST_DAY)
    MapOutline.objects.create(ics=None, path=PATH, start_date=FIRST_DAY, caption="Divided since 2022")
    html = client.get("/?as_at=2026-04-02").content.decode()
    assert f'href="{essex["essex"].get_absolute_url()}?as_at=2026-04-02" aria-label="Essex"' in html
    assert 'aria-label="Mid and South Essex' not in html
    assert "Hatched: Divided since 2022" in html
    assert 'The same ICBs are <a href="#systems-by-region">listed below</a>' in html
    assert 'id="systems-by-region"' in html
    html = client.get("/?as_at=2026-03-01").content.decode()
    assert 'aria-label="Mid and South Essex, in the Essex cluster"' in html


def test_abolished_ics_says_so_and_where_its_area_went(client, essex):
    response = client.get(essex["hwe"].get_absolute_url() + "?as_at=2026-06-01")
    page = text(response)
    assert "Abolished on 1 April 2026" in page
    assert "existed until 31 March 2026" in page
    html = response.content.decode()
    assert "On 1 April 2026 its area went to Essex." in text(response)
    assert f'<a href="{essex["essex"].get_absolute_url()}?as_at=2026-06-01">Essex</a>' in html
    assert "(boundary change: " in html and "Harlow and Epping</a>)" in html
    # After its last day the page shows it as it was on that day, places and all.
    assert "as it was on 31 March 2026" in html
    assert "Statutory integrated care system" in html and "Not yet formed" not in html
    assert f'href="{essex["harlow"].get_absolute_url()}?as_at=2026-03-31"' in html
    # On its last day it was not abolished yet.
    assert "Abolished on" not in client.get(essex["hwe"].get_absolute_url() + "?as_at=2026-03-31").content.decode()


def test_new_ics_names_its_predecessors_and_shows_their_partners_labelled(client, essex):
    response = client.get(essex["essex"].get_absolute_url() + "?as_at=2026-06-01")
    page = text(response)
    assert "Formed on 1 April 2026 from Mid and South Essex (merger)" in page
    assert "part of the area of Hertfordshire and West Essex (boundary change: Harlow and Epping)" in page
    assert "Its constitution's list of partners is not in the record yet" in page
    assert "Partners of its predecessors on 31 March 2026" in page
    assert "Mid and South Essex NHS Foundation Trust" in page
    assert "Plans involving Essex" in page and "Planned Essex and Norfolk and Suffolk to merge" in page
    # Before it began, it says so and invents nothing.
    page = text(client.get(essex["essex"].get_absolute_url() + "?as_at=2026-01-01"))
    assert "did not exist yet on 1 January 2026" in page
    assert "Partners of its predecessors" not in page


def test_a_new_ics_with_its_own_partners_shows_only_those(client, essex):
    f.PartnershipFactory(ics=essex["essex"], start_date=FIRST_DAY)
    page = text(client.get(essex["essex"].get_absolute_url() + "?as_at=2026-06-01"))
    assert "Partners of its predecessors" not in page
    assert "Mid and South Essex NHS Foundation Trust" not in page


def test_cluster_leaders_and_disputed_posts_are_shown_with_sources(client, essex):
    cluster = essex["cluster"]
    LeadershipPostFactory(cluster=cluster, person__name="Pat Chair", disputed=True)
    LeadershipPostFactory(
        cluster=cluster, person__name="Sam Chair", disputed=True, source="News", source_date=datetime.date(2025, 10, 1)
    )
    LeadershipPostFactory(
        cluster=cluster, person__name="Lee Chief", role=LeadershipPost.Role.CLUSTER_CHIEF_EXECUTIVE, disputed=False
    )
    LeadershipPostFactory(
        ics=essex["mse"], person__name="Own Chair", role=LeadershipPost.Role.CHAIR, start_date=datetime.date(2023, 1, 1)
    )
    response = client.get(essex["mse"].get_absolute_url() + "?as_at=2026-01-01")
    page = text(response)
    assert "Shared with Suffolk and North East Essex in the Essex cluster" in page
    assert "Cluster chair Sources disagree" in page
    assert "Pat Chair" in page and "Sam Chair" in page
    assert "Board paper" not in page and "ICB board papers, seen 1 September 2025" in page
    assert "News, seen 1 October 2025" in page
    assert "Lee Chief" in page
    assert "Own Chair, from 1 January 2023" in page
    # Undated posts are not shown before a source saw them.
    assert "Pat Chair" not in text(client.get(essex["mse"].get_absolute_url() + "?as_at=2025-07-01"))
    # The page's date line is the latest of its facts' sources.
    assert 'Facts last checked <time datetime="2026-04-02">' in response.content.decode()


def test_ics_life_shows_clusters_with_the_sources_wording(client, essex):
    page = text(client.get(essex["snee"].get_absolute_url() + "?as_at=2026-01-01"))
    assert "Essex cluster, with Mid and South Essex." in page
    assert "Start not stated by the source; in place by 1 June 2025, until 31 March 2026." in page
    assert "Abolished after 31 March 2026: on 1 April 2026 its area went to Essex (boundary change)." in page


def test_place_page_date_line_is_its_sources(client, essex):
    place = essex["harlow"]
    place.memberships.filter(ics=essex["essex"]).update(source_date=datetime.date(2026, 4, 1))
    html = client.get(place.get_absolute_url()).content.decode()
    assert 'Facts last checked <time datetime="2026-04-01">1 April 2026</time>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Frimley Health", "frimley"), ("QNQ", "frimley"), ("frimley", "frimley")],
)
def test_search_finds_an_abolished_ics_by_old_name_and_code(client, query, expected):
    frimley = old_ics("Frimley", name="NHS Frimley ICB", slug="frimley", icb_ods_code="QNQ")
    IcsStage.objects.filter(ics=frimley, stage=IcsStage.Stage.STP).update(name_then="Frimley Health and Care")
    response = client.get("/search/", {"q": query})
    hits = response.context["groups"][0].hits
    assert [h.url for h in hits] == [frimley.get_absolute_url()]
    assert "Abolished: its last day was 31 March 2026" in hits[0].detail
    assert "Abolished on 1 April 2026" in client.get(hits[0].url).content.decode()


def test_search_finds_a_place_by_a_district_and_names_its_icss(client, essex):
    groups = {g.kind: g for g in client.get("/search/", {"q": "Harlow"}).context["groups"]}
    [hit] = groups["place"].hits
    assert hit.url == essex["harlow"].get_absolute_url()
    assert "In Essex today; before in Hertfordshire and West Essex until 31 March 2026" in hit.detail
    assert [h.url for h in client.get("/search/", {"q": "epping for", "kind": "place"}).context["groups"][0].hits] == [
        essex["harlow"].get_absolute_url()
    ]


def lives(n):
    """n new ICSs, each made on 1 April 2026 from a whole ICS and part of another, with clusters, posts, plans."""
    new = []
    for i in range(n):
        a, b = old_ics(f"Old A{i}"), old_ics(f"Old B{i}")
        c = new_ics(f"New {i}")
        f.PartnershipFactory(ics=a, end_date=LAST_DAY)
        place = f.PlaceFactory(ics=None)
        f.PlaceMembershipFactory(place=place, ics=b, end_date=LAST_DAY)
        f.PlaceMembershipFactory(place=place, ics=c, start_date=FIRST_DAY)
        succession(a, c)
        succession(b, c, IcsSuccession.Kind.BOUNDARY_CHANGE, places=[place])
        cluster = cluster_of(a, b, start_date=datetime.date(2025, 9, 1))
        later = ClusterFactory(start_date=FIRST_DAY)
        ClusterMembership.objects.create(cluster=later, ics=c)
        LeadershipPostFactory(cluster=cluster, disputed=True)
        LeadershipPostFactory(cluster=cluster, disputed=True)
        LeadershipPostFactory(cluster=later)
        LeadershipPostFactory(ics=c, role=LeadershipPost.Role.CHIEF_EXECUTIVE)
        plan = PlannedChange.objects.create(kind="merger", status="unconfirmed", title=f"Plan {i}")
        plan.icss.set([c, a])
        for ics in (a, b):
            MapOutline.objects.create(ics=ics, path=PATH, end_date=LAST_DAY)
        MapOutline.objects.create(ics=c, path=PATH, start_date=FIRST_DAY)
        new.append(c)
    return new


@pytest.mark.parametrize("n", [1, 6])
@pytest.mark.parametrize("day", ["2026-03-01", "2026-06-01"])
def test_home_queries_do_not_grow_with_lives(client, django_assert_max_num_queries, n, day):
    lives(n)
    with django_assert_max_num_queries(PAGE_QUERIES["home"]):
        response = client.get(f"/?as_at={day}")
    assert response.status_code == 200
    assert response.content.decode().count("portal-map__link") == (2 * n if day < "2026-04" else n)


@pytest.mark.parametrize("n", [1, 6])
def test_ics_page_queries_do_not_grow_with_clusters_successions_and_posts(client, django_assert_max_num_queries, n):
    new = lives(n)
    # The last new ICS also took part of every other one's predecessors and sits in every later cluster.
    target = new[-1]
    for ics in new[:-1]:
        for s in ics.successions_from.filter(kind=IcsSuccession.Kind.MERGER):
            succession(s.predecessor, target, IcsSuccession.Kind.BOUNDARY_CHANGE)
        cluster = ClusterFactory(start_date=FIRST_DAY)
        ClusterMembership.objects.create(cluster=cluster, ics=target)
        ClusterMembership.objects.create(cluster=cluster, ics=ics)
        LeadershipPostFactory(cluster=cluster)
    with django_assert_max_num_queries(PAGE_QUERIES["ics new"]):
        response = client.get(target.get_absolute_url() + "?as_at=2026-06-01")
    assert response.status_code == 200
    assert "Partners of its predecessors on 31 March 2026" in response.content.decode()
    old = target.successions_from.first().predecessor
    with django_assert_max_num_queries(PAGE_QUERIES["ics"]):
        response = client.get(old.get_absolute_url() + "?as_at=2026-01-01")
    assert "Sources disagree" in response.content.decode()


def test_an_ics_page_before_july_2022_says_its_record_holds_the_ccgs_only(client):
    ics = f.IntegratedCareSystemFactory()
    html = client.get(ics.get_absolute_url(), {"as_at": "2021-04-01"}).content.decode()
    assert "holds the CCG → STP structure only" in html
    assert "structure only" not in client.get(ics.get_absolute_url()).content.decode()
