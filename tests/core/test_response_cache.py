"""The data version and the shared response cache: every write shows on the very next anonymous request.

The write-path tests commit for real (transactional_db), as production requests do: the data version
moves once per transaction, and the cache is read by requests that see only what was committed.
The cache is the Redis bin/with_redis gives (REDIS_URL), as in production.
"""

import io

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from ics_portal.core import data_version, response_cache
from places.models import IntegratedCareSystem
from tests import factories as f
from tests.api.conftest import client_for, make_user
from tests.staff.helpers import admin_form_data

OLD_NAME = "NHS Old Name Integrated Care Board"
NEW_NAME = "NHS New Name Integrated Care Board"


@pytest.fixture(autouse=True)
def _response_cache(settings):
    settings.RESPONSE_CACHE_ENABLED = True
    response_cache._outage.reset()
    yield
    response_cache._outage.reset()


def page_url(ics):
    return f"/ics/{ics.slug}/"


def api_url(ics):
    return f"/api/v1/icss/{ics.slug}/"


def warm(client, *urls):
    """Request each twice: the second answer comes from the cache."""
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Response-Cache"] == "hit", url


# --- the data version ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_public_table_and_no_other_has_the_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
            [data_version.TRIGGER_NAME],
        )
        triggered = {row[0] for row in cursor.fetchall()}

    assert triggered == set(data_version.public_tables(connection))
    assert {
        "places_integratedcaresystem",
        "partners_organisation",
        "governance_board",
        "places_mapoutline",
    } <= triggered
    assert not any("historical" in table or table.startswith(("staff_", "auth_")) for table in triggered)


@pytest.mark.django_db(transaction=True)
def test_a_write_moves_the_version_once_per_transaction_and_a_rollback_takes_it_back():
    from django.db import transaction

    f.IntegratedCareSystemFactory()
    before = data_version.current()
    with transaction.atomic():
        ics = f.IntegratedCareSystemFactory()
        IntegratedCareSystem.objects.filter(pk=ics.pk).update(name=NEW_NAME)
    after = data_version.current()
    assert after[0] == before[0] + 1 and after[1] > before[1]

    with pytest.raises(RuntimeError), transaction.atomic():
        IntegratedCareSystem.objects.update(name=OLD_NAME)
        raise RuntimeError
    assert data_version.current() == after


# --- the cache and HTTP validators -----------------------------------------------------------------


@pytest.mark.django_db
def test_an_anonymous_page_is_served_from_the_cache_with_one_query(client, django_assert_num_queries):
    ics = f.IntegratedCareSystemFactory(name=OLD_NAME)
    first = client.get(page_url(ics))
    with django_assert_num_queries(1):  # the data version
        second = client.get(page_url(ics))

    assert (first["X-Response-Cache"], second["X-Response-Cache"]) == ("miss", "hit")
    assert second.content == first.content and OLD_NAME in second.content.decode()
    assert second["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert {"Cookie", "Authorization"} <= {value.strip() for value in second["Vary"].split(",")}
    assert second["ETag"] == first["ETag"] and second["Last-Modified"] == first["Last-Modified"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert not second.cookies


@pytest.mark.django_db
def test_browsers_accept_headers_share_a_page(client):
    ics = f.IntegratedCareSystemFactory()
    client.get(page_url(ics), HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")

    assert client.get(page_url(ics), HTTP_ACCEPT="text/html,*/*")["X-Response-Cache"] == "hit"


@pytest.mark.django_db
def test_validators_answer_304(client):
    ics = f.IntegratedCareSystemFactory()
    page = client.get(page_url(ics))

    assert client.get(page_url(ics), HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304
    assert client.get(page_url(ics), HTTP_IF_MODIFIED_SINCE=page["Last-Modified"]).status_code == 304
    assert client.get(page_url(ics), HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    head = client.head(page_url(ics), HTTP_IF_NONE_MATCH=page["ETag"])
    assert head.status_code == 304 and head.content == b""


@pytest.mark.django_db
def test_the_api_keeps_its_own_etag_and_formats_are_kept_apart(client):
    ics = f.IntegratedCareSystemFactory(name=OLD_NAME)
    as_json = client.get(api_url(ics))
    as_csv = client.get(api_url(ics), HTTP_ACCEPT="text/csv")
    cached_json = client.get(api_url(ics))

    assert cached_json["X-Response-Cache"] == "hit" and cached_json["ETag"] == as_json["ETag"]
    assert as_csv["ETag"] == as_json["ETag"].rstrip('"') + '-csv"'
    assert client.get(api_url(ics), HTTP_ACCEPT="text/csv").content == as_csv.content
    assert client.get(api_url(ics), HTTP_IF_NONE_MATCH=as_json["ETag"]).status_code == 304


def partner_csv_url(ics):
    return f"{reverse('partners:directory_csv')}?ics={ics.slug}"


@pytest.mark.django_db(transaction=True)
def test_a_streamed_csv_that_proves_small_is_kept_and_a_write_shows_in_it(client):
    partnership = f.PartnershipFactory(organisation__name="Old Road Surgery")
    url = partner_csv_url(partnership.ics)
    first = client.get(url)
    second = client.get(url)

    assert (first["X-Response-Cache"], second["X-Response-Cache"]) == ("miss", "hit")
    assert second.content == first.content and "Old Road Surgery" in second.content.decode()
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert second["Content-Type"] == "text/csv; charset=utf-8"
    assert client.get(url, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304
    partnership.organisation.name = "New Road Surgery"
    partnership.organisation.save()
    assert "New Road Surgery" in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_streamed_csv_bigger_than_the_limit_streams_whole_and_is_not_kept(client, settings):
    ics = f.IntegratedCareSystemFactory()
    names = [f"Practice number {n:03}" for n in range(40)]
    for name in names:
        f.PartnershipFactory(ics=ics, organisation__name=name)
    settings.RESPONSE_CACHE_MAX_BYTES = 500

    response = client.get(partner_csv_url(ics))
    text = b"".join(response.streaming_content).decode()
    assert response.streaming and "X-Response-Cache" not in response
    assert all(name in text for name in names) and len(text.splitlines()) == len(names) + 1
    assert client.get(partner_csv_url(ics)).get("X-Response-Cache") is None


@pytest.mark.django_db
def test_signed_in_users_never_get_a_cached_answer(client):
    ics = f.IntegratedCareSystemFactory(name=OLD_NAME)
    warm(client, page_url(ics))
    client.force_login(make_user("editor", ics=ics))

    response = client.get(page_url(ics))
    assert "X-Response-Cache" not in response
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    token_answer = client_for(make_user("token-user", ics=ics)).get(api_url(ics))
    assert "X-Response-Cache" not in token_answer and "public" not in token_answer.get("Cache-Control", "")


@pytest.mark.django_db
def test_answers_that_set_a_cookie_or_fail_are_not_stored(client):
    assert client.get("/admin/login/").get("X-Response-Cache") is None  # a form that posts: a CSRF cookie
    client.get("/ics/no-such-system/")
    assert client.get("/ics/no-such-system/").get("X-Response-Cache") is None


# --- every write path: the very next anonymous request shows the change ----------------------------


def rename_by_orm(ics):
    ics.name = NEW_NAME
    ics.save()


def rename_by_update(ics):
    IntegratedCareSystem.objects.filter(pk=ics.pk).update(name=NEW_NAME)


def rename_by_raw_sql(ics):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE places_integratedcaresystem SET name = %s WHERE id = %s", [NEW_NAME, ics.pk])


def rename_by_api(ics):
    superuser = make_user("root", is_superuser=True)
    response = client_for(superuser).patch(api_url(ics), {"name": NEW_NAME}, format="json")
    assert response.status_code == 200, response.content


def rename_by_admin(ics):
    admin = Client()
    admin.force_login(make_user("admin", is_superuser=True))
    url = reverse("admin:places_integratedcaresystem_change", args=[ics.pk])
    data = admin_form_data(admin.get(url))
    data["name"] = NEW_NAME
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def rename_by_history_revert(ics):
    rename_by_orm(ics)
    earliest = ics.history.earliest()
    earliest.instance.save()  # what the admin's "revert to this version" does
    rename_by_orm(ics)


WRITE_PATHS = [
    rename_by_orm,
    rename_by_update,
    rename_by_raw_sql,
    rename_by_api,
    rename_by_admin,
    rename_by_history_revert,
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", WRITE_PATHS, ids=lambda write: write.__name__)
def test_each_write_path_shows_on_the_very_next_request(client, write):
    ics = f.IntegratedCareSystemFactory(name=OLD_NAME)
    warm(client, page_url(ics), api_url(ics), "/api/v1/icss/")

    write(ics)

    for url in (page_url(ics), api_url(ics), "/api/v1/icss/"):
        text = client.get(url).content.decode()
        assert NEW_NAME in text and OLD_NAME not in text, url


@pytest.mark.django_db(transaction=True)
def test_rows_copied_in_and_bulk_created_show_on_the_very_next_request(client):
    f.PersonFactory(name="Present Person")
    warm(client, "/api/v1/people/")

    with connection.cursor() as cursor:
        rows = io.StringIO(
            "Copied Person\tcopied-person\tChief Executive\t2026-01-01 00:00+00\t2026-01-01 00:00+00\tsample\t\n"
        )
        cursor.cursor.copy_expert(
            "COPY governance_person (name, slug, title, created_at, modified_at, provenance, source) FROM STDIN", rows
        )
    assert "Copied Person" in client.get("/api/v1/people/").content.decode()

    f.PersonFactory._meta.model.objects.bulk_create([f.PersonFactory.build(name="Bulk Person")])
    assert "Bulk Person" in client.get("/api/v1/people/").content.decode()

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE governance_person CASCADE")
    text = client.get("/api/v1/people/").content.decode()
    assert "Copied Person" not in text and "Bulk Person" not in text


@pytest.mark.django_db
def test_a_draft_edit_never_reaches_the_public(client):
    item = f.AgendaItemFactory(meeting__minutes_published_at=None, minutes="First draft.")
    warm(client, "/api/v1/meetings/")
    item.minutes = "A draft nobody may see."
    item.save()

    text = client.get("/api/v1/meetings/").content.decode()
    assert item.meeting.slug in text
    assert "First draft." not in text and "A draft nobody may see." not in text
