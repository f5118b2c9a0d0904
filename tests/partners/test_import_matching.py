"""Re-importing a partner list: rows without an ODS code match the ICS's partners by kind and name.

Importing the same file twice must leave the same rows (no duplicate organisations or partnerships,
no history rows for saves that change nothing); an ambiguous name is an error of its row, not a guess.
"""

import io

import pytest
from django.urls import reverse

from partners.importers import (
    COLUMNS,
    TEMPLATE_ROWS,
    normalised_name,
    partner_import_apply,
    partner_import_preview,
    partner_import_rights,
    template_csv,
)
from partners.models import Organisation, Partnership
from places.models import Place
from staff.models import StaffRole
from tests import factories as f

HEADER = "name,ods_code,kind,place,role,start_date,end_date\n"

# Mostly voluntary bodies without an ODS code, as a clerk's list is.
FILE = (
    HEADER
    + "Leeds Teaching Hospitals NHS Trust,RR8,nhs_trust,Leeds,constitutional_partner,2022-07-01,\n"
    + "Leeds Mind,,vcse,Leeds,partner,2022-07-01,\n"
    + "St Gemma's Hospice,,hospice,,associate,,\n"
    + "Carers Leeds & Wakefield CIC,,vcse,,,01/04/2023,\n"
    + "Healthwatch Leeds,,healthwatch,Leeds,partner,,2025-03-31\n"
).encode()


@pytest.fixture
def ics():
    system = f.IntegratedCareSystemFactory(slug="west-yorkshire")
    f.PlaceFactory(ics=system, name="Leeds", slug="leeds", ods_code="15F")
    f.PlaceFactory(ics=system, name="Wakefield", slug="wakefield")
    return system


def _state():
    """Every organisation, partnership and history row, as values: what a second import must not change."""
    return (
        list(Organisation.objects.order_by("pk").values_list("pk", "name", "slug", "ods_code", "kind", "sector")),
        list(
            Partnership.objects.order_by("pk").values_list(
                "pk", "organisation", "ics", "place", "role", "start_date", "end_date", "source"
            )
        ),
        list(Organisation.history.order_by("history_id").values_list("history_id", "id", "name", "kind")),
        list(Partnership.history.order_by("history_id").values_list("history_id", "id", "start_date", "end_date")),
    )


def _import(ics, data=FILE, user=None):
    return partner_import_apply(preview=partner_import_preview(ics=ics, data=data, filename="p.csv"), user=user)


def _staff(django_user_model, ics, username="importer"):
    user = django_user_model.objects.create_user(username=username, password="a-long-test-password", is_staff=True)
    StaffRole.objects.create(user=user, ics=ics)
    return user


def _upload(data, name="partners.csv"):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


@pytest.mark.parametrize(
    "a,b",
    [
        ("Leeds Mind", "LEEDS  MIND"),
        ("St. Gemma's Hospice", "st gemmas hospice"),
        ("Carers Leeds & Wakefield CIC", "Carers Leeds and Wakefield"),
        ("Example Care Homes Ltd", "Example Care Homes Limited"),
        ("Age UK Leeds-North", "Age UK Leeds North"),
    ],
)
def test_normalised_name_ignores_case_spacing_punctuation_and_legal_form(a, b):
    assert normalised_name(a) == normalised_name(b)


def test_normalised_name_keeps_what_tells_bodies_apart():
    assert normalised_name("Leeds Mind") != normalised_name("Wakefield Mind")
    assert normalised_name("Ltd") == "ltd"  # a name that is only a suffix keeps it


@pytest.mark.django_db
def test_importing_the_same_file_twice_leaves_the_same_rows(ics):
    first = _import(ics)
    assert (first.created, first.partnerships_created) == (5, 5)
    before = _state()
    second = _import(ics)
    assert (second.created, second.updated, second.unchanged, second.partnerships_created) == (0, 0, 5, 0)
    assert _state() == before  # no new organisation, partnership or history row


@pytest.mark.django_db
def test_a_row_without_a_code_updates_the_partner_spelt_otherwise(ics):
    mind = f.OrganisationFactory(name="LEEDS MIND LTD", kind="vcse", sector="vcse", ods_code=None)
    existing = f.PartnershipFactory(organisation=mind, ics=ics, place=Place.objects.get(slug="leeds"), role="partner")
    preview = partner_import_preview(ics=ics, data=FILE)
    assert preview.rows[1].action == "update" and preview.rows[1].organisation == mind
    result = _import(ics)
    mind.refresh_from_db()
    assert mind.name == "Leeds Mind"
    assert result.updated == 1 and result.created == 4
    assert list(Partnership.objects.filter(organisation=mind)) == [existing]  # same place and role: not added


@pytest.mark.django_db
def test_only_partners_of_this_ics_and_of_the_same_kind_are_matched(ics):
    elsewhere = f.OrganisationFactory(name="Leeds Mind", kind="vcse", sector="vcse", ods_code=None)
    f.PartnershipFactory(organisation=elsewhere, ics=f.IntegratedCareSystemFactory())
    unlinked = f.OrganisationFactory(name="St Gemma's Hospice", kind="hospice", sector="vcse", ods_code=None)
    other_kind = f.OrganisationFactory(name="Healthwatch Leeds", kind="vcse", sector="vcse", ods_code=None)
    f.PartnershipFactory(organisation=other_kind, ics=ics)
    preview = partner_import_preview(ics=ics, data=FILE)
    assert [row.action for row in preview.rows] == ["create"] * 5
    assert unlinked.name == "St Gemma's Hospice"


@pytest.mark.django_db
def test_an_ended_partnership_still_makes_a_partner(ics):
    hospice = f.OrganisationFactory(name="St Gemmas Hospice", kind="hospice", sector="vcse", ods_code=None)
    f.PartnershipFactory(organisation=hospice, ics=ics, start_date="2015-01-01", end_date="2019-12-31")
    preview = partner_import_preview(ics=ics, data=FILE)
    assert preview.rows[2].organisation == hospice


@pytest.mark.django_db
def test_two_partners_with_the_same_name_are_reported_not_guessed(ics):
    for name, code in (("Leeds Mind", None), ("Leeds Mind Ltd", None)):
        org = f.OrganisationFactory(name=name, kind="vcse", sector="vcse", ods_code=code)
        f.PartnershipFactory(organisation=org, ics=ics)
    preview = partner_import_preview(ics=ics, data=FILE)
    errors = {row.number: row.reason for row in preview.errors}
    assert list(errors) == [3]
    assert errors[3].startswith("matches 2 partners of")
    assert "“Leeds Mind”" in errors[3] and "“Leeds Mind Ltd”" in errors[3]
    result = partner_import_apply(preview=preview, user=None, skip_errors=True)
    assert result.skipped == 1 and Organisation.objects.filter(name__startswith="Leeds Mind").count() == 2


@pytest.mark.django_db
def test_two_rows_naming_the_same_body_are_duplicates(ics):
    data = (HEADER + "Leeds Mind,,vcse,,,,\nLEEDS MIND LTD,,vcse,Leeds,,,\n").encode()
    preview = partner_import_preview(ics=ics, data=data)
    assert {row.number: row.reason for row in preview.errors} == {3: "duplicate of row 2"}


@pytest.mark.django_db
def test_a_matched_partner_shared_with_another_ics_is_linked_not_renamed(django_user_model, ics):
    mind = f.OrganisationFactory(name="Leeds Mind Limited", kind="vcse", sector="vcse", ods_code=None)
    f.PartnershipFactory(organisation=mind, ics=ics, role="associate")
    f.PartnershipFactory(organisation=mind, ics=f.IntegratedCareSystemFactory())
    user = _staff(django_user_model, ics)
    preview = partner_import_rights(preview=partner_import_preview(ics=ics, data=FILE), user=user)
    assert preview.rows[1].action == "link" and "is shared with another ICS" in preview.rows[1].note
    history = mind.history.count()
    result = partner_import_apply(preview=preview, user=user)
    mind.refresh_from_db()
    assert result.linked == 1 and mind.name == "Leeds Mind Limited" and mind.history.count() == history
    assert Partnership.objects.filter(organisation=mind, ics=ics, role="partner", place__slug="leeds").exists()
    before = _state()
    _import(ics, user=user)
    assert _state() == before


@pytest.mark.django_db
def test_the_admin_upload_imported_twice_leaves_the_same_rows(client, django_user_model, ics):
    client.force_login(_staff(django_user_model, ics))
    url = reverse("admin:partners_organisation_import")
    client.post(url, {"ics": ics.pk, "file": _upload(FILE), "preview": "1"})
    assert client.post(url, {"apply": "1"}).status_code == 302
    before = _state()
    assert len(before[0]) == 5
    preview = client.post(url, {"ics": ics.pk, "file": _upload(FILE), "preview": "1"})
    assert "<strong>0</strong> to create" in preview.content.decode()
    applied = client.post(url, {"apply": "1"}, follow=True)
    assert "0 created, 0 updated, 5 already up to date" in applied.content.decode()
    assert _state() == before


@pytest.mark.django_db
def test_the_preview_shows_labels_not_codes(client, django_user_model, ics):
    client.force_login(_staff(django_user_model, ics))
    response = client.post(
        reverse("admin:partners_organisation_import"), {"ics": ics.pk, "file": _upload(FILE), "preview": "1"}
    )
    rows = response.content.decode().split('id="import-rows"')[1]
    for label in (
        "NHS trust",
        "Constitutional partner",
        "Voluntary, community or social enterprise",
        "Associate partner",
        "Healthwatch",
        "Whole ICS",
        "<td>Leeds</td>",
    ):
        assert label in rows
    for code in ("nhs_trust", "constitutional_partner", "vcse", "associate"):
        assert f"<td>{code}</td>" not in rows


@pytest.mark.django_db
def test_the_template_downloads_and_previews_without_errors(client, django_user_model, ics):
    client.force_login(_staff(django_user_model, ics))
    page = client.get(reverse("admin:partners_organisation_import"))
    link = reverse("admin:partners_organisation_import_template")
    assert f'href="{link}"' in page.content.decode()
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    data = response.content
    assert data.decode() == template_csv()
    assert data.decode().splitlines()[0] == ",".join(COLUMNS)
    preview = partner_import_preview(ics=ics, data=data, filename="partner-list-template.csv")
    assert preview.errors == [] and len(preview.to_create) == len(TEMPLATE_ROWS)
    assert len({row.kind for row in preview.rows}) == len(TEMPLATE_ROWS)  # one per kind
    _import(ics, data)
    before = _state()
    _import(ics, data)
    assert _state() == before


@pytest.mark.django_db
def test_the_template_needs_the_import_right(client):
    response = client.get(reverse("admin:partners_organisation_import_template"))
    assert response.status_code == 302 and "/login/" in response.url


# A first import writes each row through full_clean() (its constraint checks are queries) and saves it with
# its history: a fixed number of queries a row, none of them a lookup. Re-importing writes nothing, so it
# costs the same for 50 rows as for 1: the matching is done in bulk. The ICS's places come with their
# memberships (one query more, since places have dated memberships: docs/adr/0007), so that no row's place
# is checked against its dates with a query of its own. Applying is a background job (docs/adr/0011), inline
# here: its record is written, marked running, given two steps and done, read back by the page and read by
# the job, which checks the file and the user's rights again (they may have changed while it was queued):
# +11 (+14 when the rows match organisations already there), whatever the rows.
FIRST_FIXED, FIRST_PER_ROW, AGAIN_FIXED = 28, 20, 31


def _rows(n):
    return (HEADER + "".join(f"Voluntary Body {i},,vcse,Leeds,partner,2022-07-01,\n" for i in range(n))).encode()


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 50])
def test_admin_apply_queries_are_bounded(client, django_user_model, django_assert_max_num_queries, ics, n):
    client.force_login(_staff(django_user_model, ics))
    url = reverse("admin:partners_organisation_import")
    client.post(url, {"ics": ics.pk, "file": _upload(_rows(n)), "preview": "1"})
    with django_assert_max_num_queries(FIRST_FIXED + FIRST_PER_ROW * n):
        assert client.post(url, {"apply": "1"}).status_code == 302
    client.post(url, {"ics": ics.pk, "file": _upload(_rows(n)), "preview": "1"})
    with django_assert_max_num_queries(AGAIN_FIXED):  # nothing to write: as many queries for 50 rows as for 1
        assert client.post(url, {"apply": "1"}).status_code == 302
    assert Organisation.objects.count() == n and Partnership.objects.count() == n
