"""Writing through the API: who may, the models' rules as 400s, and no lost updates (If-Match)."""

import datetime

import pytest
from django.utils import timezone

from governance.models import BoardMembership
from tests import factories as f
from tests.api.conftest import client_for

BY_SLUG = {"icss", "places", "organisations", "boards", "people", "mous"}


def detail_url(name, obj):
    return f"/api/v1/{name}/{obj.slug if name in BY_SLUG else obj.pk}/"


# name: (payload to create in ICS A, record of ICS A to change and delete, a change)
RESOURCES = {
    "icss": (
        lambda ics: {"slug": "new-system", "name": "New ICS", "short_name": "New", "region": "Y63"},
        lambda ics: ics,
        {"population": 2_600_000},
    ),
    "places": (
        # A place is shared (docs/adr/0007): created linked to no ICS; its memberships are recorded nationally.
        lambda ics: {"name": "Leeds", "slug": "leeds", "ods_code": "15F"},
        lambda ics: f.PlaceFactory(ics=ics),
        {"place_lead": "Jo Bloggs"},
    ),
    "organisations": (
        lambda ics: {"name": "New Trust", "slug": "new-trust", "kind": "nhs_trust", "sector": "nhs", "ods_code": "RAE"},
        lambda ics: f.PartnershipFactory(ics=ics).organisation,
        {"website": "https://example.org/"},
    ),
    "partnerships": (
        lambda ics: {"organisation": f.OrganisationFactory().slug, "ics": ics.slug, "role": "partner"},
        lambda ics: f.PartnershipFactory(ics=ics),
        {"source": "Constitution, 2023"},
    ),
    "boards": (
        lambda ics: {"ics": ics.slug, "name": "Quality Committee", "slug": "quality", "kind": "committee"},
        lambda ics: f.BoardFactory(ics=ics),
        {"meets_in_public": False},
    ),
    "board-memberships": (
        lambda ics: {"board": f.BoardFactory(ics=ics).slug, "person": f.PersonFactory().slug, "role": "member"},
        lambda ics: f.BoardMembershipFactory(board=f.BoardFactory(ics=ics)),
        {"is_voting": False},
    ),
    "people": (
        lambda ics: {"name": "Pat Example", "slug": "pat-example", "title": "Chair"},
        lambda ics: f.BoardMembershipFactory(board=f.BoardFactory(ics=ics)).person,
        {"title": "Chief Executive"},
    ),
    "meetings": (
        lambda ics: {"board": f.BoardFactory(ics=ics).slug, "slug": "2025-01-09", "starts_at": "2025-01-09T10:00:00Z"},
        lambda ics: f.MeetingFactory(board=f.BoardFactory(ics=ics)),
        {"location": "Town Hall"},
    ),
    "mous": (
        lambda ics: {"ics": ics.slug, "title": "Partnership MoU", "slug": "partnership-mou"},
        lambda ics: f.MoUFactory(ics=ics),
        {"summary": "Mutual accountability."},
    ),
    "agenda-items": (
        lambda ics: {"meeting": f.MeetingFactory(board=f.BoardFactory(ics=ics)).pk, "number": "1", "title": "Welcome"},
        lambda ics: f.AgendaItemFactory(meeting=f.MeetingFactory(board=f.BoardFactory(ics=ics))),
        {"minutes": "The minutes of the last meeting were agreed."},
    ),
    "mou-signatories": (
        lambda ics: {"mou": f.MoUFactory(ics=ics).slug, "organisation": f.OrganisationFactory().slug},
        lambda ics: f.MoUSignatoryFactory(mou=f.MoUFactory(ics=ics)),
        {"signed_by": "Chief Executive"},
    ),
    "programmes": (
        lambda ics: {"ics": ics.slug, "name": "Cancer", "slug": "cancer"},
        lambda ics: f.ProgrammeFactory(ics=ics),
        {"description": "Earlier diagnosis."},
    ),
}

ALLOWED = {"create": 201, "update": 200, "delete": 204}


def expected_status(actor, name, operation):
    if actor == "anonymous":
        return 401
    if actor == "superuser":
        return ALLOWED[operation]
    if actor == "staff_a":
        if name == "icss" and operation in ("create", "delete"):
            return 403  # Only superusers add or remove a whole ICS.
        return ALLOWED[operation]
    # staff_b: nothing of ICS A; shared records (organisations, people, places) not yet linked to any ICS may be
    # created.
    if operation == "create" and name in ("organisations", "people", "places"):
        return 201
    return 403


@pytest.fixture
def actors(staff_a, staff_b, superuser):
    return {"anonymous": None, "staff_a": staff_a, "staff_b": staff_b, "superuser": superuser}


@pytest.mark.parametrize("operation", ["create", "update", "delete"])
@pytest.mark.parametrize("name", list(RESOURCES))
@pytest.mark.parametrize("actor", ["anonymous", "staff_a", "staff_b", "superuser"])
def test_permission_matrix(actor, name, operation, actors, ics_a):
    client = client_for(actors[actor])
    payload, target, change = RESOURCES[name]
    if operation == "create":
        response = client.post(f"/api/v1/{name}/", payload(ics_a), format="json")
    elif operation == "update":
        response = client.patch(detail_url(name, target(ics_a)), change, format="json")
    else:
        response = client.delete(detail_url(name, target(ics_a)))
    assert response.status_code == expected_status(actor, name, operation), response.content
    if response.status_code >= 400:
        assert response.json()["detail"]
    if operation == "update" and response.status_code == 200:
        key, value = next(iter(change.items()))
        assert response.json()[key] == value


def test_session_authentication_works_too(staff_a, ics_a, client):
    client.force_login(staff_a)
    response = client.patch(
        f"/api/v1/icss/{ics_a.slug}/", {"population": 5}, content_type="application/json", HTTP_X_CSRFTOKEN="x"
    )
    assert response.status_code == 200  # The test client does not enforce CSRF; DRF's SessionAuthentication does.


def test_session_writes_need_the_csrf_token(staff_a, ics_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_a)
    response = client.patch(f"/api/v1/icss/{ics_a.slug}/", {"population": 5}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_staff_cannot_move_a_record_into_another_ics(staff_a, ics_a, ics_b):
    board = f.BoardFactory(ics=ics_a)
    response = client_for(staff_a).patch(f"/api/v1/boards/{board.slug}/", {"ics": ics_b.slug}, format="json")
    assert response.status_code == 403


# --- the models' rules, as 400 naming the field -------------------------------------------


def test_bad_ods_code_is_400_naming_the_field(superuser):
    body = {"name": "Bad", "slug": "bad", "kind": "nhs_trust", "sector": "nhs", "ods_code": "12345X"}
    response = client_for(superuser).post("/api/v1/organisations/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ods_code"]
    assert "ods_code" in response.json()["detail"]


def test_ods_codes_are_normalised_and_unique(superuser):
    client = client_for(superuser)
    body = {"name": "Trust", "slug": "trust", "kind": "nhs_trust", "sector": "nhs", "ods_code": "rae"}
    assert client.post("/api/v1/organisations/", body, format="json").json()["ods_code"] == "RAE"
    again = client.post("/api/v1/organisations/", {**body, "slug": "trust-2", "ods_code": "RAE"}, format="json")
    assert again.status_code == 400 and "ods_code" in again.json()["errors"]


def test_end_before_start_is_400_naming_end_date(staff_a, ics_a):
    partnership = f.PartnershipFactory(ics=ics_a)
    response = client_for(staff_a).patch(
        f"/api/v1/partnerships/{partnership.pk}/", {"end_date": "2000-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["end_date"]


def test_a_second_chair_is_400_naming_the_role(staff_a, ics_a):
    board = f.BoardFactory(ics=ics_a)
    f.BoardMembershipFactory(board=board, role=BoardMembership.Role.CHAIR, start_date=datetime.date(2022, 7, 1))
    body = {"board": board.slug, "person": f.PersonFactory().slug, "role": "chair", "start_date": "2023-01-01"}
    response = client_for(staff_a).post("/api/v1/board-memberships/", body, format="json")
    assert response.status_code == 400
    assert "role" in response.json()["errors"]
    body["start_date"], body["end_date"] = "2020-01-01", "2022-06-30"  # Before the current chair: fine.
    assert client_for(staff_a).post("/api/v1/board-memberships/", body, format="json").status_code == 201


def test_place_of_another_ics_is_400(staff_a, ics_a, ics_b):
    body = {"organisation": f.OrganisationFactory().slug, "ics": ics_a.slug, "place": f.PlaceFactory(ics=ics_b).slug}
    response = client_for(staff_a).post("/api/v1/partnerships/", body, format="json")
    assert response.status_code == 400 and "place" in response.json()["errors"]


def test_unknown_related_slug_is_400(staff_a):
    response = client_for(staff_a).post("/api/v1/boards/", {"ics": "nowhere", "name": "X", "slug": "x"}, format="json")
    assert response.status_code == 400 and {"ics", "kind"} <= set(response.json()["errors"])


def test_deleting_a_record_others_refer_to_is_409(superuser, ics_a):
    signatory = f.MoUSignatoryFactory(mou=f.MoUFactory(ics=ics_a))
    response = client_for(superuser).delete(f"/api/v1/organisations/{signatory.organisation.slug}/")
    assert response.status_code == 409 and response.json()["code"] == "protected"


# --- publishing ------------------------------------------------------------------------------


def test_only_publishers_publish(editor_a, staff_a, ics_a):
    mou = f.MoUFactory(ics=ics_a, published_at=None)
    now = timezone.now().isoformat()
    assert (
        client_for(editor_a).patch(f"/api/v1/mous/{mou.slug}/", {"summary": "Edited"}, format="json").status_code == 200
    )
    assert (
        client_for(editor_a).patch(f"/api/v1/mous/{mou.slug}/", {"published_at": now}, format="json").status_code == 403
    )
    assert (
        client_for(staff_a).patch(f"/api/v1/mous/{mou.slug}/", {"published_at": now}, format="json").status_code == 200
    )
    meeting = f.MeetingFactory(board=f.BoardFactory(ics=ics_a))
    body = {"minutes_published_at": now}
    assert client_for(editor_a).patch(f"/api/v1/meetings/{meeting.pk}/", body, format="json").status_code == 403
    assert client_for(staff_a).patch(f"/api/v1/meetings/{meeting.pk}/", body, format="json").status_code == 200


# --- no lost updates --------------------------------------------------------------------------


def test_if_match_refuses_a_stale_update_with_412(staff_a, ics_a):
    client = client_for(staff_a)
    meeting = f.MeetingFactory(board=f.BoardFactory(ics=ics_a))
    url = f"/api/v1/meetings/{meeting.pk}/"
    etag = client.get(url)["ETag"]
    first = client.patch(url, {"location": "Town Hall"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] != etag
    assert first["ETag"] == client.get(url)["ETag"]  # The answer's ETag is the one a GET gives.
    stale = client.patch(url, {"location": "Civic Centre"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert client.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    meeting.refresh_from_db()
    assert meeting.location == "Town Hall"
    assert client.delete(url, HTTP_IF_MATCH=first["ETag"]).status_code == 204


def test_if_match_accepts_the_csv_etag_and_star(staff_a, ics_a):
    client = client_for(staff_a)
    url = f"/api/v1/icss/{ics_a.slug}/"
    csv_etag = client.get(url + "?format=csv")["ETag"]
    assert csv_etag.endswith('-csv"')
    assert client.patch(url, {"population": 1}, format="json", HTTP_IF_MATCH=csv_etag).status_code == 200
    assert client.patch(url, {"population": 2}, format="json", HTTP_IF_MATCH="*").status_code == 200


def test_an_agenda_change_changes_the_meetings_etag(ics_a, anon_client):
    meeting = f.MeetingFactory(board=f.BoardFactory(ics=ics_a))
    item = f.AgendaItemFactory(meeting=meeting)
    url = f"/api/v1/meetings/{meeting.pk}/"
    before = anon_client.get(url)["ETag"]
    item.title = "Renamed"
    item.save()
    assert anon_client.get(url, HTTP_IF_NONE_MATCH=before).status_code == 200


def test_an_mou_is_signed_only_once_it_has_a_signatory(staff_a, ics_a):
    client = client_for(staff_a)
    mou = f.MoUFactory(ics=ics_a, status="agreed")
    url = f"/api/v1/mous/{mou.slug}/"
    refused = client.patch(url, {"status": "signed"}, format="json")
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["status"]
    body = {"ics": ics_a.slug, "title": "Signed at birth", "slug": "signed-at-birth", "status": "in_force"}
    assert client.post("/api/v1/mous/", body, format="json").status_code == 400
    f.MoUSignatoryFactory(mou=mou)
    signed = client.patch(url, {"status": "signed", "summary": "Signed by all"}, format="json")
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert signed.json()["summary"] == "Signed by all"


def test_only_superusers_change_an_icss_identity(staff_a, superuser, ics_a):
    url = f"/api/v1/icss/{ics_a.slug}/"
    refused = client_for(staff_a).patch(url, {"slug": "renamed", "population": 3}, format="json")
    assert refused.status_code == 403 and "slug" in refused.json()["detail"]
    same = client_for(staff_a).patch(url, {"slug": ics_a.slug, "population": 3}, format="json")
    assert same.status_code == 200
    renamed = client_for(superuser).patch(url, {"slug": "renamed"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["url"].endswith("/api/v1/icss/renamed/")
