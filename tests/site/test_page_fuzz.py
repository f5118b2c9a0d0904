"""Every public page, driven with hostile parameters and slugs: nothing answers 5xx.

The API has schemathesis (tests/api/test_fuzz.py); the pages have this. Each page is asked
with each of its parameters (and the ones every page may be sent: as_at, page, format) set to
each hostile value in turn, with all of them at once, with repeated parameters, and with each
slug of its path replaced by a hostile one. Every request runs in a savepoint, so a database
error in one cannot hide or cause another's. A NUL character anywhere answers 400
(NulCharacterMiddleware); anything else answers what the page answers for a value it cannot
use: the page with the form's message, the page as today, or 404.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = [
    "\x00",
    "leeds\x00",
    "%00",
    "%",
    "",
    " ",
    "99999999999999999999999",
    "9" * 5000,  # more digits than int() converts
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "²",
    "١٢",
    "x" * 10_000,
    "2021-02-30",
    "0000-00-00",
    "0144-03-07",
    "9999-12-31",
    "2021-13-45T25:61:00+99:00",
    "0144-03-07T14:53:25-11:04",
    "Ünïcødé 🏥 ∑ \u202e",
    "' OR '1'='1",
    "1; DROP TABLE partners_organisation; --",
    "../../etc/passwd",
    "\r\nSet-Cookie: x=y",
    "<script>alert(1)</script>",
    "true",
    "last",
]

HOSTILE_SLUGS = [
    "%00",
    "a%00b",
    "x" * 10_000,
    "99999999999999999999999",
    "-1",
    "%C3%BCn%C3%AFc%C3%B8d%C3%A9",
    "%27%20OR%201%3D1",
    "..",
    "%2e%2e%2f",
]

# Parameters every page may be sent; a page ignores those it does not read.
COMMON = ("as_at", "page", "format")
DIRECTORY = ("q", "ics", "place", "kind", "sector", "ods_code", "active", "modified_since")


@pytest.fixture
def world():
    """One of everything a public page shows, with the slugs the pages below are asked for."""
    ics = f.IntegratedCareSystemFactory(slug="west-yorkshire")
    place = f.PlaceFactory(ics=ics, slug="leeds")
    organisation = f.OrganisationFactory(slug="leeds-trust", ods_code="RR8")
    f.PartnershipFactory(organisation=organisation, ics=ics, place=place)
    board = f.BoardFactory(ics=ics, slug="icb-board")
    person = f.PersonFactory(slug="jane-doe")
    f.BoardMembershipFactory(board=board, person=person, organisation=organisation)
    meeting = f.MeetingFactory(
        board=board,
        slug="2024-03-14",
        starts_at=timezone.make_aware(datetime.datetime(2024, 3, 14, 10)),
        minutes_published_at=timezone.now(),
    )
    f.AgendaItemFactory(meeting=meeting)
    mou = f.MoUFactory(ics=ics, slug="mou")
    f.MoUSignatoryFactory(mou=mou, organisation=organisation)


# (path with {slugs}, the parameters the page reads besides COMMON)
PAGES = {
    "home": ("/", ()),
    "ics-csv": ("/ics.csv", ()),
    "ics": ("/ics/{west-yorkshire}/", ()),
    "place": ("/places/{leeds}/", ()),
    "organisation": ("/organisations/{leeds-trust}/", ()),
    "directory": ("/partners/", DIRECTORY),
    "directory-csv": ("/partners.csv", DIRECTORY),
    "board": ("/boards/{icb-board}/", ()),
    "board-calendar": ("/boards/{icb-board}/meetings.ics", ()),
    "meeting": ("/boards/{icb-board}/meetings/{2024-03-14}/", ()),
    "mou": ("/mous/{mou}/", ()),
    "person": ("/people/{jane-doe}/", ()),
    "search": ("/search/", ("q", "kind")),
    "search-csv": ("/search.csv", ("q", "kind")),
    "atom": ("/feeds/published.atom", ()),
    "rss": ("/feeds/published.rss", ()),
    "sitemap": ("/sitemap.xml", ("p",)),
    "sitemap-section": ("/sitemap-{organisations}.xml", ("p",)),
    "robots": ("/robots.txt", ()),
    "healthz": ("/healthz", ()),
}


def _slugs(template: str) -> list[str]:
    return [part.split("}")[0] for part in template.split("{")[1:]]


def _path(template: str, **replace) -> str:
    path = template
    for slug in _slugs(template):
        path = path.replace("{" + slug + "}", replace.get(slug, slug))
    return path


def _requests(template: str, params: tuple[str, ...]):
    """(path, query) pairs: one hostile value at a time, all at once, repeated, and hostile slugs."""
    path = _path(template)
    names = (*params, *COMMON)
    for name in names:
        for value in HOSTILE_VALUES:
            yield path, {name: value}
    for value in HOSTILE_VALUES:
        yield path, dict.fromkeys(names, value)
    for name in names:
        yield path, {name: ["1", "west-yorkshire", "\x00", "x" * 300]}
    for slug in _slugs(template):
        for hostile in HOSTILE_SLUGS:
            yield _path(template, **{slug: hostile}), {}


def _ask(client, path, query):
    """The status, or the exception a view raised (the test client re-raises it), in a savepoint of its own."""
    try:
        with transaction.atomic():
            return client.get(path, query).status_code
    except Exception as error:  # noqa: BLE001 - any exception is the failure being looked for
        return f"{type(error).__name__}: {str(error)[:200]}"


@pytest.mark.parametrize("page", PAGES)
def test_no_hostile_parameter_or_slug_answers_5xx(client, world, page):
    template, params = PAGES[page]
    assert client.get(_path(template)).status_code == 200  # the page exists, so its code runs
    failures = []
    for path, query in _requests(template, params):
        status = _ask(client, path, query)
        if not isinstance(status, int) or status >= 500:
            shown = {name: (value[:40] if isinstance(value, str) else value) for name, value in query.items()}
            failures.append(f"{path[:80]} {shown}: {status}")
    assert not failures, f"{len(failures)} requests failed:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("page", PAGES)
def test_a_nul_character_answers_the_400_page(client, world, page):
    template, params = PAGES[page]
    path = _path(template)
    for query in [f"{name}=%00" for name in (*params, *COMMON)] + ["%00=1"]:
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, query
        body = response.content.decode()
        assert "<title>There is a problem with the web address – ICS Portal</title>" in body
        assert 'class="nhsuk-header' in body
        assert "NUL character (%00)" in body
        assert "\x00" not in body
    for slug in _slugs(template):
        response = client.get(_path(template, **{slug: "%00"}))
        assert response.status_code == 400, slug
        assert "The address holds a NUL character" in response.content.decode()


def test_the_400_page_names_the_parameter_and_answers_head_without_a_body(client, world):
    response = client.get("/partners/?ics=%00")
    assert response.status_code == 400
    assert "The value of “ics” holds a NUL character (%00)" in response.content.decode()
    head = client.head("/partners/?ics=%00")
    assert head.status_code == 400 and head.content == b""


def test_the_directory_shows_the_forms_message_for_an_over_long_value(client, world):
    response = client.get("/partners/", {"q": "x" * 201})
    assert response.status_code == 200
    assert "Enter at most 200 characters." in response.content.decode()
    assert client.get("/partners/", {"q": "x" * 200}).status_code == 200


@pytest.mark.parametrize("page", ["99999999999999999999999", "9" * 5000, "-1", "x", "²"])
def test_the_directorys_pages_take_any_page_number(client, world, page):
    response = client.get("/partners/", {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == 1  # the only page


def test_djangos_own_400_uses_the_same_page(client, world):
    """A request Django refuses (here a Host not allowed) gets the NHS.UK 400 page too, rendered without it."""
    response = client.get("/partners/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem with the web address" in body
    assert "The portal cannot answer a request made this way." in body
    assert "evil.example" not in body


def test_the_old_place_address_redirects_and_no_hostile_slug_answers_5xx(client, world):
    """/ics/<ics>/places/<place>/ moved to /places/<place>/ (docs/adr/0007): hostile slugs there must not 5xx either."""
    template = "/ics/{west-yorkshire}/places/{leeds}/"
    response = client.get(_path(template))
    assert (response.status_code, response["Location"]) == (301, "/places/leeds/")
    failures = []
    for path, query in _requests(template, ()):
        status = _ask(client, path, query)
        if not isinstance(status, int) or status >= 500:
            failures.append(f"{path[:80]}: {status}")
    assert not failures, f"{len(failures)} requests failed:\n" + "\n".join(failures[:40])
