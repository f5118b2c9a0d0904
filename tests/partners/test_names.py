"""Organisations renamed over time: one name at a time, and every page and the API name them as on the day asked.

Council 218 was North Yorkshire County Council until 31 March 2023 and North Yorkshire Council from 1 April
2023, the same body with the same ODS code.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from partners.models import NAMES_OVERLAP, Organisation, OrganisationName
from staff.models import StaffRole
from tests import factories as f
from tests.query_pins import PAGE_QUERIES
from tests.staff.conftest import make_staff
from tests.staff.helpers import admin_form_data

pytestmark = pytest.mark.django_db

OLD, NEW = "North Yorkshire County Council", "North Yorkshire Council"
LAST_OLD_DAY, FIRST_NEW_DAY = datetime.date(2023, 3, 31), datetime.date(2023, 4, 1)
BEFORE = datetime.date(2022, 8, 1)  # a constitutional partner (from 1 July 2022) under its old name
# as test_views.py's DIRECTORY_QUERIES: the organisations' names are prefetched in one query for the page
DIRECTORY_QUERIES = 7


def renamed_council(ics=None, **kwargs):
    council = f.OrganisationFactory(
        name=NEW, kind="local_authority", sector="local_government", ods_code="218", slug="north-yorkshire-council"
    )
    f.OrganisationNameFactory(organisation=council, name=OLD, start_date=None, end_date=LAST_OLD_DAY)
    f.OrganisationNameFactory(organisation=council, name=NEW, start_date=FIRST_NEW_DAY, end_date=None)
    if ics is not None:
        f.PartnershipFactory(organisation=council, ics=ics, **kwargs)
    return council


# --- one name at a time ---------------------------------------------------------------------------------


def test_name_on_a_day_and_the_fallback_to_the_name_now():
    council = Organisation.objects.with_names().get(pk=renamed_council().pk)
    assert council.name_on(BEFORE) == OLD
    assert council.name_on(LAST_OLD_DAY) == OLD
    assert council.name_on(FIRST_NEW_DAY) == NEW
    assert [n.name for n in council.other_names(FIRST_NEW_DAY)] == [OLD]
    never_renamed = Organisation.objects.with_names().get(pk=f.OrganisationFactory(name="Leeds City Council").pk)
    assert never_renamed.name_on(BEFORE) == "Leeds City Council"


def test_overlapping_names_are_refused_by_clean_with_the_message():
    council = renamed_council()
    overlapping = OrganisationName(organisation=council, name="Another name", start_date=datetime.date(2023, 3, 1))
    with pytest.raises(ValidationError) as refused:
        overlapping.full_clean()
    assert refused.value.message_dict == {"start_date": [NAMES_OVERLAP]}
    # Back to back is not an overlap: a name may start the day after the other ends.
    council.names.filter(start_date=FIRST_NEW_DAY).delete()
    OrganisationName(organisation=council, name=NEW, start_date=FIRST_NEW_DAY).full_clean()


def test_the_database_refuses_overlapping_names_even_without_clean():
    council = renamed_council()
    with pytest.raises(IntegrityError, match="partners_one_name_at_a_time"), transaction.atomic():
        OrganisationName.objects.create(organisation=council, name="Another name", start_date=datetime.date(2023, 6, 1))
    # Another organisation's names do not count.
    OrganisationName.objects.create(organisation=f.OrganisationFactory(), name="Another name")


def _admin_names_form(client, council):
    url = reverse("admin:partners_organisation_change", args=[council.pk])
    return url, admin_form_data(client.get(url))


def test_the_admin_refuses_an_overlapping_name_with_the_message_not_an_error(admin_client):
    council = renamed_council()
    url, data = _admin_names_form(admin_client, council)
    n = int(data["names-TOTAL_FORMS"])
    assert n == 2
    data["names-TOTAL_FORMS"] = str(n + 1)
    data.update({f"names-{n}-name": "Another name", f"names-{n}-start_date": "2023-06-01"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert NAMES_OVERLAP in response.content.decode()
    assert council.names.count() == 2


def test_the_admin_refuses_two_new_names_that_overlap_each_other(admin_client):
    council = f.OrganisationFactory()
    url, data = _admin_names_form(admin_client, council)
    data["names-TOTAL_FORMS"] = "2"
    data.update({"names-0-name": "First", "names-0-end_date": "2023-03-31"})
    data.update({"names-1-name": "Second", "names-1-start_date": "2023-03-01"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert NAMES_OVERLAP in response.content.decode()
    assert not council.names.exists()


def test_the_admin_records_a_rename(admin_client):
    council = f.OrganisationFactory(name=NEW)
    url, data = _admin_names_form(admin_client, council)
    data["names-TOTAL_FORMS"] = "2"
    data.update({"names-0-name": OLD, "names-0-end_date": "2023-03-31", "names-0-source": "The order"})
    data.update({"names-1-name": NEW, "names-1-start_date": "2023-04-01"})
    assert admin_client.post(url, data).status_code == 302
    assert list(council.names.values_list("name", "end_date")) == [(OLD, LAST_OLD_DAY), (NEW, None)]
    assert OrganisationName.history.filter(organisation_id=council.pk).count() == 2


def test_names_follow_the_organisations_rights(client):
    ics_a, ics_b = f.IntegratedCareSystemFactory(), f.IntegratedCareSystemFactory()
    editor = make_staff("editor_a", ics_a)
    own = renamed_council(ics=ics_a)
    shared = f.OrganisationFactory()
    f.OrganisationNameFactory(organisation=shared, name="Old shared name", end_date=LAST_OLD_DAY)
    f.PartnershipFactory(organisation=shared, ics=ics_a)
    f.PartnershipFactory(organisation=shared, ics=ics_b)
    client.force_login(editor)

    url, data = _admin_names_form(client, own)
    data["names-0-name"] = "North Yorkshire CC"
    assert client.post(url, data).status_code == 302
    assert own.names.filter(name="North Yorkshire CC").exists()

    url = reverse("admin:partners_organisation_change", args=[shared.pk])
    page = client.get(url)
    assert "Old shared name" in page.content.decode()  # seen, read-only
    data = admin_form_data(page)
    data.update({"names-TOTAL_FORMS": "1", "names-INITIAL_FORMS": "0", "names-0-name": "Renamed by A"})
    assert client.post(url, data).status_code == 403
    assert list(shared.names.values_list("name", flat=True)) == ["Old shared name"]
    assert StaffRole.objects.count() == 1


def csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


# --- pages -----------------------------------------------------------------------------------------------


def test_organisation_page_names_it_as_on_the_day(client):
    council = renamed_council()
    now = client.get(council.get_absolute_url()).content.decode()
    assert f"<h1>{NEW}" in now
    assert f"Known as {OLD} until 31 March 2023" in now

    then = client.get(council.get_absolute_url(), {"as_at": "2022-06-01"}).content.decode()
    assert f"<h1>{OLD}" in then
    assert f"Now known as {NEW}" in then
    assert f"Known as {NEW} from 1 April 2023" in then


def test_ics_page_lists_the_partner_by_its_name_on_the_day(client):
    ics = f.IntegratedCareSystemFactory()
    renamed_council(ics=ics)
    now = client.get(ics.get_absolute_url()).content.decode()
    assert NEW in now and OLD not in now
    then = client.get(ics.get_absolute_url(), {"as_at": BEFORE.isoformat()}).content.decode()
    assert OLD in then and f">{NEW}<" not in then


def test_place_page_lists_the_partner_by_its_name_on_the_day(client):
    ics = f.IntegratedCareSystemFactory()
    place = f.PlaceFactory(ics=ics)
    renamed_council(ics=ics, place=place)
    url = reverse("site:place_detail", kwargs={"slug": place.slug})
    assert OLD in client.get(url, {"as_at": BEFORE.isoformat()}).content.decode()
    assert OLD not in client.get(url).content.decode()


def test_directory_and_its_csv_name_it_as_on_the_day(client):
    ics = f.IntegratedCareSystemFactory()
    renamed_council(ics=ics)
    then = {"ics": ics.slug, "as_at": BEFORE.isoformat()}
    assert [row.name for row in client.get("/partners/", then).context["rows"]] == [OLD]
    assert [row.name for row in client.get("/partners/", {"ics": ics.slug}).context["rows"]] == [NEW]
    assert OLD in csv_text(client.get("/partners.csv", then))
    now = csv_text(client.get("/partners.csv", {"ics": ics.slug}))
    assert NEW in now and OLD not in now


@pytest.mark.parametrize("n", [1, 10])
def test_directory_of_renamed_organisations_in_bounded_queries(client, django_assert_max_num_queries, n):
    ics = f.IntegratedCareSystemFactory()
    for i in range(n):
        org = f.OrganisationFactory(name=f"Council {i:02}")
        f.OrganisationNameFactory(organisation=org, name=f"County Council {i:02}", end_date=LAST_OLD_DAY)
        f.OrganisationNameFactory(organisation=org, name=f"Council {i:02}", start_date=FIRST_NEW_DAY)
        f.PartnershipFactory(organisation=org, ics=ics, place=f.PlaceFactory(ics=ics))
    with django_assert_max_num_queries(DIRECTORY_QUERIES):
        response = client.get("/partners/", {"ics": ics.slug, "as_at": BEFORE.isoformat()})
    assert [row.name for row in response.context["rows"]] == [f"County Council {i:02}" for i in range(n)]


@pytest.mark.parametrize("n", [1, 10])
def test_ics_page_with_renamed_partners_in_bounded_queries(client, django_assert_max_num_queries, n):
    ics = f.IntegratedCareSystemFactory()
    for i in range(n):
        org = f.OrganisationFactory(name=f"Council {i:02}")
        f.OrganisationNameFactory(organisation=org, name=f"County Council {i:02}", end_date=LAST_OLD_DAY)
        f.PartnershipFactory(organisation=org, ics=ics)
    # The ICS page's pin (its lives, clusters and successions since ADR 7), the same for 1 partner or 10.
    with django_assert_max_num_queries(PAGE_QUERIES["ics"]):
        page = client.get(ics.get_absolute_url(), {"as_at": BEFORE.isoformat()}).content.decode()
    assert all(f"County Council {i:02}" in page for i in range(n))


# --- the API ---------------------------------------------------------------------------------------------


def test_api_organisation_name_is_the_name_on_the_as_at_day(client):
    ics = f.IntegratedCareSystemFactory(slug="humber")
    council = renamed_council(ics=ics)
    listed = client.get("/api/v1/organisations/", {"as_at": BEFORE.isoformat()}).json()["results"]
    assert [o["name"] for o in listed] == [OLD]
    assert "names" not in listed[0]
    assert client.get("/api/v1/organisations/").json()["results"][0]["name"] == NEW
    detail = client.get(f"/api/v1/organisations/{council.slug}/", {"as_at": BEFORE.isoformat()}).json()
    assert detail["name"] == OLD
    assert [(n["name"], n["start_date"], n["end_date"]) for n in detail["names"]] == [
        (OLD, None, "2023-03-31"),
        (NEW, "2023-04-01", None),
    ]
    partners = client.get("/api/v1/icss/humber/partners/", {"as_at": BEFORE.isoformat()}).json()["results"]
    assert [o["name"] for o in partners] == [OLD]
    partnerships = client.get("/api/v1/partnerships/", {"as_at": BEFORE.isoformat()}).json()["results"]
    assert [p["organisation_name"] for p in partnerships] == [OLD]
    assert client.get("/api/v1/partnerships/").json()["results"][0]["organisation_name"] == NEW


@pytest.mark.parametrize("n", [1, 10])
def test_api_lists_with_as_at_in_bounded_queries(client, django_assert_max_num_queries, n):
    ics = f.IntegratedCareSystemFactory(slug="humber")
    for i in range(n):
        org = f.OrganisationFactory()
        f.OrganisationNameFactory(organisation=org, name=f"Old name {i}", end_date=LAST_OLD_DAY)
        f.PartnershipFactory(organisation=org, ics=ics)
    # An ICS's partners: one more, for their partnerships there (each row's role and place).
    for path, queries in (
        ("/api/v1/organisations/", 5),
        ("/api/v1/icss/humber/partners/", 6),
        ("/api/v1/partnerships/", 5),
    ):
        with django_assert_max_num_queries(queries):
            rows = client.get(path, {"as_at": BEFORE.isoformat()}).json()["results"]
        assert len(rows) == n
