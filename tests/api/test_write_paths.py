"""API writes: each answer's status and body, and the queries each runs (pinned, tests/query_pins.py).

These commit for real (transactional_db), as production requests do, so the API's
own transactions are counted as they run in production.
"""

import datetime

import pytest
from django.utils import timezone

from governance.models import BoardMembership, MoU
from tests import factories as f
from tests.api.conftest import client_for, make_user
from tests.api.test_writes import RESOURCES, detail_url
from tests.query_pins import pinned

# Measured on the code before the writes went through the services.
COUNTS = {
    # An ICS is read with its stages, successions both ways and clusters (a query each, 3 more than before
    # ICSs had lives) each time it is serialized: the If-Match check, the locked read, the read back (+9);
    # and its dates are checked against their constraint (+3) and against its successions and clusters (+2).
    "api update icss": 23 + 9 + 3 + 2,
    # A place is shared (docs/adr/0007): created linked to no ICS (no ICS to look up: -1), read back with its
    # memberships; each time it is read (the If-Match check, the locked read, the read back) its memberships
    # and the ICSs they link it to (for the staff rules) are read; deleting it deletes its memberships (and
    # their history) and its links to successions.
    "api create places": 12,
    "api update places": 20 + 4,
    "api delete places": 13 + 10,
    # An organisation's names over time: read once for each time it is serialized (create reads it back;
    # update checks If-Match, then reads it back; delete checks If-Match), and deleted with it (a SELECT,
    # as their history must see each row go).
    "api create organisations": 14 + 1,
    "api update organisations": 27 + 2,
    "api delete organisations": 24 + 2,
    "api create partnerships": 12,
    "api update partnerships": 17,
    "api delete partnerships": 10,
    "api create boards": 13,
    "api update boards": 20,
    "api delete boards": 14,
    "api create board-memberships": 13,
    "api update board-memberships": 21,
    "api delete board-memberships": 10,
    "api create people": 9,
    "api update people": 15,
    # + their leadership posts, deleted with them (governance.LeadershipPost)
    "api delete people": 17 + 1,
    "api create meetings": 12,
    "api update meetings": 17,
    "api delete meetings": 15,
    "api create mous": 13,
    "api update mous": 20,
    "api delete mous": 15,
    "api create agenda-items": 12,
    "api update agenda-items": 14,
    "api delete agenda-items": 10,
    "api create mou-signatories": 13,
    "api update mou-signatories": 15,
    "api delete mou-signatories": 10,
    "api create programmes": 12,
    "api update programmes": 17,
    "api delete programmes": 10,
    "api mou signed without signatory": 24,
    "api create mou in force": 16,
    "api mou signed": 31,
    "api mou same status": 20,
    "api editor publishes mou": 18,
    "api publisher publishes mou": 24,
    "api editor publishes minutes": 12,
    "api publisher publishes minutes": 18,
    "api editor creates published mou": 8,
    "api publisher creates published mou": 14,
    "api editor edits a published mou": 21,
    "api publish while moving to an edited ICS": 19,
    "api delete last signatory": 9,
    "api delete a signatory": 11,
    "api move last signatory": 20,
    "api second chair": 8,
    "api earlier chair": 13,
    "api chair moved into the current chair's term": 15,
    # + the ICS's successions both ways and clusters, read each time it is serialized (see "api update icss")
    "api staff renames an ics": 22 + 9 + 2,  # and its dates held to its successions and clusters
    "api superuser renames an ics": 27 + 9 + 3 + 2,
}

# A meeting is read with its attendance and the papers the notice rule counts: 2 queries more each time it is
# read (to lock it and check If-Match: twice; to answer with it: once more).
for _name, _reads in (
    ("api create meetings", 1),
    ("api update meetings", 3),
    ("api delete meetings", 3),
    ("api editor publishes minutes", 2),
    ("api publisher publishes minutes", 3),
):
    COUNTS[_name] += 2 * _reads
# The meeting cycle's check constraints (a board's quorum and notice period; a meeting's minutes not approved
# at itself): full_clean() asks the database once for each, in a savepoint on an update (+3), plainly on a create.
for _name, _cost in (
    ("api create boards", 1),
    ("api update boards", 3),
    ("api create meetings", 1),
    ("api update meetings", 3),
    ("api editor publishes minutes", 3),
    ("api publisher publishes minutes", 3),
):
    COUNTS[_name] += _cost
# A delete collects what cascades with the record: a seat's attendance, an item's papers, a meeting's both.
COUNTS["api delete board-memberships"] += 1
COUNTS["api delete people"] += 1
COUNTS["api delete agenda-items"] += 1
COUNTS["api delete meetings"] += 2
# An organisation is read with its successions both ways (its predecessors and successors): 2 queries more each
# time it is read (create: once; update and delete: three times), and a delete collects those successions and
# the ODS proposals about it (+3).
COUNTS["api create organisations"] += 2
COUNTS["api update organisations"] += 2 * 3
COUNTS["api delete organisations"] += 2 * 3 + 3

SIGNATORY_MESSAGE = "An MoU that is signed or in force needs at least one signatory: add one, or choose another status."


@pytest.fixture
def _db(transactional_db):
    """Override the package's `db` autouse fixture: these tests need real commits."""


@pytest.mark.parametrize("operation", ["create", "update", "delete"])
@pytest.mark.parametrize("name", list(RESOURCES))
def test_each_resource(staff_a, ics_a, name, operation):
    client = client_for(staff_a)
    payload, target, change = RESOURCES[name]
    if name == "icss" and operation != "update":
        pytest.skip("only superusers add or remove an ICS")
    if operation == "create":
        body = payload(ics_a)
        with pinned(COUNTS, f"api {operation} {name}"):
            response = client.post(f"/api/v1/{name}/", body, format="json")
        assert response.status_code == 201, response.content
    elif operation == "update":
        url = detail_url(name, target(ics_a))
        with pinned(COUNTS, f"api {operation} {name}"):
            response = client.patch(url, change, format="json")
        assert response.status_code == 200, response.content
    else:
        url = detail_url(name, target(ics_a))
        with pinned(COUNTS, f"api {operation} {name}"):
            response = client.delete(url)
        assert response.status_code == 204, response.content


def test_mou_status(staff_a, ics_a):
    client = client_for(staff_a)
    mou = f.MoUFactory(ics=ics_a, status="agreed")
    url = f"/api/v1/mous/{mou.slug}/"
    with pinned(COUNTS, "api mou signed without signatory"):
        refused = client.patch(url, {"status": "signed"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": f"Invalid input: status: {SIGNATORY_MESSAGE}",
        "code": "invalid",
        "errors": {"status": [SIGNATORY_MESSAGE]},
    }
    body = {"ics": ics_a.slug, "title": "Signed at birth", "slug": "signed-at-birth", "status": "in_force"}
    with pinned(COUNTS, "api create mou in force"):
        created = client.post("/api/v1/mous/", body, format="json")
    assert created.status_code == 400
    assert created.json()["errors"] == {"status": [SIGNATORY_MESSAGE]}
    assert not MoU.objects.filter(slug="signed-at-birth").exists()
    f.MoUSignatoryFactory(mou=mou)
    with pinned(COUNTS, "api mou signed"):
        signed = client.patch(url, {"status": "signed", "summary": "Signed by all"}, format="json")
    assert signed.status_code == 200
    assert (signed.json()["status"], signed.json()["summary"]) == ("signed", "Signed by all")
    assert MoU.objects.get(pk=mou.pk).history.first().history_user == staff_a
    with pinned(COUNTS, "api mou same status"):
        same = client.patch(url, {"status": "signed", "summary": "Again"}, format="json")
    assert same.status_code == 200


def test_publishing(editor_a, staff_a, ics_a):
    mou = f.MoUFactory(ics=ics_a, published_at=None)
    meeting = f.MeetingFactory(board=f.BoardFactory(ics=ics_a))
    now = timezone.now().isoformat()
    forbidden = {"detail": "Only a publisher of this ICS may publish or unpublish it.", "code": "permission_denied"}
    with pinned(COUNTS, "api editor publishes mou"):
        refused = client_for(editor_a).patch(f"/api/v1/mous/{mou.slug}/", {"published_at": now}, format="json")
    assert (refused.status_code, refused.json()) == (403, forbidden)
    with pinned(COUNTS, "api publisher publishes mou"):
        published = client_for(staff_a).patch(f"/api/v1/mous/{mou.slug}/", {"published_at": now}, format="json")
    assert published.status_code == 200
    with pinned(COUNTS, "api editor publishes minutes"):
        refused = client_for(editor_a).patch(
            f"/api/v1/meetings/{meeting.pk}/", {"minutes_published_at": now}, format="json"
        )
    assert (refused.status_code, refused.json()) == (403, forbidden)
    with pinned(COUNTS, "api publisher publishes minutes"):
        published = client_for(staff_a).patch(
            f"/api/v1/meetings/{meeting.pk}/", {"minutes_published_at": now}, format="json"
        )
    assert published.status_code == 200
    body = {"ics": ics_a.slug, "title": "Published at birth", "slug": "published-at-birth", "published_at": now}
    with pinned(COUNTS, "api editor creates published mou"):
        refused = client_for(editor_a).post("/api/v1/mous/", body, format="json")
    assert (refused.status_code, refused.json()) == (403, forbidden)
    with pinned(COUNTS, "api publisher creates published mou"):
        created = client_for(staff_a).post("/api/v1/mous/", body, format="json")
    assert created.status_code == 201
    with pinned(COUNTS, "api editor edits a published mou"):
        edited = client_for(editor_a).patch(
            # A field the public does not read: a published MoU's summary is a publisher's to change.
            f"/api/v1/mous/{mou.slug}/",
            {"review_date": "2027-01-31", "published_at": now},
            format="json",
        )
    assert edited.status_code == 200  # the stamp sent is the one saved: not a change, so not publishing


def test_publisher_of_one_ics_editor_of_another(ics_a, ics_b):
    from staff.models import StaffRole

    user = make_user("pub_a_ed_b", ics_a, role=StaffRole.Role.PUBLISHER)
    StaffRole.objects.create(user=user, ics=ics_b, role=StaffRole.Role.EDITOR)
    mou = f.MoUFactory(ics=ics_a, published_at=None)
    with pinned(COUNTS, "api publish while moving to an edited ICS"):
        refused = client_for(user).patch(
            f"/api/v1/mous/{mou.slug}/", {"ics": ics_b.slug, "published_at": timezone.now().isoformat()}, format="json"
        )
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only a publisher of this ICS may publish or unpublish it."


def test_signatories(staff_a, ics_a):
    client = client_for(staff_a)
    mou = f.MoUFactory(ics=ics_a, status=MoU.Status.AGREED)
    signatory = f.MoUSignatoryFactory(mou=mou)
    MoU.objects.filter(pk=mou.pk).update(status="signed")
    with pinned(COUNTS, "api delete last signatory"):
        refused = client.delete(f"/api/v1/mou-signatories/{signatory.pk}/")
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": f"{SIGNATORY_MESSAGE} Change the MoU's status first.",
        "code": "mou_needs_signatory",
    }
    second = f.MoUSignatoryFactory(mou=mou)
    with pinned(COUNTS, "api delete a signatory"):
        assert client.delete(f"/api/v1/mou-signatories/{signatory.pk}/").status_code == 204
    with pinned(COUNTS, "api move last signatory"):
        moved = client.patch(
            f"/api/v1/mou-signatories/{second.pk}/", {"mou": f.MoUFactory(ics=ics_a).slug}, format="json"
        )
    assert moved.status_code == 409
    assert moved.json() == {
        "detail": f"{SIGNATORY_MESSAGE} Nothing was saved.",  # the rule the database applied at commit
        "code": "conflict",
    }
    assert mou.signatories.count() == 1


def test_chairs(staff_a, ics_a):
    client = client_for(staff_a)
    board = f.BoardFactory(ics=ics_a)
    f.BoardMembershipFactory(board=board, role=BoardMembership.Role.CHAIR, start_date=datetime.date(2022, 7, 1))
    body = {"board": board.slug, "person": f.PersonFactory().slug, "role": "chair", "start_date": "2023-01-01"}
    with pinned(COUNTS, "api second chair"):
        refused = client.post("/api/v1/board-memberships/", body, format="json")
    message = "This board already has a chair for part of that period."
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": f"Invalid input: role: {message}",
        "code": "invalid",
        "errors": {"role": [message]},
    }
    body["start_date"], body["end_date"] = "2020-01-01", "2022-06-30"
    with pinned(COUNTS, "api earlier chair"):
        created = client.post("/api/v1/board-memberships/", body, format="json")
    assert created.status_code == 201
    membership = BoardMembership.objects.get(pk=created.json()["id"])
    with pinned(COUNTS, "api chair moved into the current chair's term"):
        moved = client.patch(f"/api/v1/board-memberships/{membership.pk}/", {"end_date": "2023-06-30"}, format="json")
    assert moved.status_code == 400
    assert moved.json()["errors"] == {"role": [message]}


def test_identity_of_an_ics(staff_a, superuser, ics_a):
    url = f"/api/v1/icss/{ics_a.slug}/"
    with pinned(COUNTS, "api staff renames an ics"):
        refused = client_for(staff_a).patch(url, {"slug": "renamed", "name": "Renamed", "population": 3}, format="json")
    assert (refused.status_code, refused.json()) == (
        403,
        {"detail": "Only superusers change these fields: name, slug.", "code": "permission_denied"},
    )
    with pinned(COUNTS, "api superuser renames an ics"):
        renamed = client_for(superuser).patch(url, {"slug": "renamed"}, format="json")
    assert renamed.status_code == 200
