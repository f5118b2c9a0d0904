"""Uploaded documents: stored under names nobody can guess, served only by the portal's view, and only once public.

The storage (MEDIA_ROOT, or whatever production uses) is served by no URL pattern and not by WhiteNoise;
/documents/<id>/<its own name> streams a file to the public once the document is public (the pages'
rule, Document.objects.public()), and to staff who may edit its ICS before that, to preview it.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.http import http_date

from governance.models import Document, HistoricalDocument, download_name
from staff.models import StaffRole
from tests import factories as f

pytestmark = pytest.mark.django_db

RANDOM_NAME = re.compile(r"documents/[0-9a-f]{32}")
PDF = b"%PDF-1.4\n% sample papers\n"


def upload(name="Board papers (March).pdf", content=PDF, **attached):
    attached.setdefault("meeting", f.MeetingFactory(minutes_published_at=timezone.now()))
    attached.setdefault("published_at", timezone.now())
    return Document.objects.create(
        title="Papers", kind=Document.Kind.PAPERS, file=SimpleUploadedFile(name, content), **attached
    )


def staff_client(ics, username="clerk"):
    """A signed-in editor of `ics`."""
    user = get_user_model().objects.create_user(username=username, password="a-long-test-password", is_staff=True)
    StaffRole.objects.create(user=user, ics=ics, role=StaffRole.Role.EDITOR)
    browser = Client()
    browser.force_login(user)
    return browser


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- stored under a name nobody can guess ---------------------------------------------------------


def test_an_upload_is_stored_under_a_random_name_and_keeps_its_own_for_the_download():
    first, second = upload(), upload()
    for document in (first, second):
        assert RANDOM_NAME.fullmatch(document.file.name), document.file.name
        assert document.file_name == "Board papers (March).pdf"
        assert default_storage.open(document.file.name).read() == PDF
    assert first.file.name != second.file.name
    assert first.file.url == first.get_absolute_url() == f"/documents/{first.pk}/Board%20papers%20(March).pdf"


def test_replacing_the_file_takes_the_new_name_and_a_new_random_one():
    document = upload()
    stored = document.file.name
    document.file = SimpleUploadedFile("Revised.pdf", b"%PDF-1.4 revised")
    document.save()
    assert (document.file_name, RANDOM_NAME.fullmatch(document.file.name) is not None) == ("Revised.pdf", True)
    assert document.file.name != stored


@pytest.mark.parametrize(
    "given,kept",
    [
        ("papers.pdf", "papers.pdf"),
        ("C:\\Users\\clerk\\Board papers.pdf", "Board papers.pdf"),
        ("../../etc/passwd", "passwd"),
        ("bad\r\nname\x00.pdf", "bad name .pdf"),
        (".hidden", "hidden"),
        ("...", "document"),
        ("", "document"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_the_name_kept_is_safe_for_a_path_and_a_header(given, kept):
    assert download_name(given) == kept


# --- served by the portal's view, once public -----------------------------------------------------


def test_a_published_paper_is_streamed_with_its_type_name_and_safe_headers(client):
    document = upload()
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200 and response.streaming
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Board papers (March).pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Last-Modified"] == http_date(document.public_modified_at.timestamp())
    assert response["Cache-Control"] == "no-cache"
    head = client.head(document.get_absolute_url())
    assert head.status_code == 200 and head["Content-Type"] == "application/pdf"


def test_if_modified_since_answers_304(client):
    document = upload()
    response = client.get(document.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=http_date(timezone.now().timestamp()))
    assert response.status_code == 304
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "name,content_type",
    [
        ("agenda.html", "text/html"),
        ("diagram.svg", "image/svg+xml"),
        ("budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("no-extension", "application/octet-stream"),
    ],
)
def test_anything_a_browser_could_run_is_a_sandboxed_download(client, name, content_type):
    document = upload(name=name, content=b"<script>alert(document.cookie)</script>")
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Content-Security-Policy"].endswith("; sandbox")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_name_outside_ascii_is_given_as_rfc_5987():
    document = upload(name="Pâpers – March.pdf")
    response = Client().get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == "inline; filename*=utf-8''P%C3%A2pers%20%E2%80%93%20March.pdf"


def test_another_name_in_the_link_redirects_to_the_file_as_it_is_now(client):
    document = upload()
    response = client.get(f"/documents/{document.pk}/old-name.pdf")
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()


def not_public_documents():
    """Published documents the public may not have, each beside what would make it public."""
    draft_mou = f.MoUFactory(published_at=None)
    unpublished_minutes = f.MeetingFactory(minutes_published_at=None)
    return {
        "a draft": upload(published_at=None),
        "on a draft MoU": upload(meeting=None, mou=draft_mou),
        "on a board and a draft MoU": upload(meeting=None, board=f.BoardFactory(ics=draft_mou.ics), mou=draft_mou),
        "minutes before the meeting's": Document.objects.create(
            title="Minutes",
            kind=Document.Kind.MINUTES,
            file=SimpleUploadedFile("minutes.pdf", PDF),
            meeting=unpublished_minutes,
            published_at=timezone.now(),
        ),
    }


def test_what_the_public_may_not_see_answers_404_and_is_listed_nowhere(client):
    documents = not_public_documents()
    for why, document in documents.items():
        assert client.get(document.get_absolute_url()).status_code == 404, why
        assert client.head(document.get_absolute_url()).status_code == 404, why
        for parent in (document.board, document.meeting):
            if parent is not None:
                assert document.get_absolute_url() not in client.get(parent.get_absolute_url()).text, why
    assert client.get("/documents/999999/papers.pdf").status_code == 404


def test_staff_who_may_edit_its_ics_preview_a_draft_uncached_and_no_one_else(client):
    document = upload(published_at=None)
    ics = document.meeting.board.ics
    url = document.get_absolute_url()
    preview = staff_client(ics).get(url)
    assert preview.status_code == 200 and body(preview) == PDF
    assert preview["Cache-Control"] == "private, no-store"
    assert preview["X-Robots-Tag"] == "noindex"
    assert preview["Last-Modified"] == http_date(document.modified_at.timestamp())
    assert staff_client(f.IntegratedCareSystemFactory(), username="elsewhere").get(url).status_code == 404
    assert client.get(url).status_code == 404


def test_the_admin_links_a_file_to_the_portals_view(client):
    document = upload(published_at=None)
    browser = staff_client(document.meeting.board.ics)
    page = browser.get(f"/admin/governance/document/{document.pk}/change/").text
    assert f'href="{document.get_absolute_url()}"' in page
    assert f"/{settings.MEDIA_URL}{document.file.name}" not in page


# --- pages link to the view; nothing serves the storage ------------------------------------------


def test_pages_link_to_the_view_and_links_stay_links(client):
    document = upload()
    link = Document.objects.create(
        title="Elsewhere",
        kind=Document.Kind.OTHER,
        url="https://example.org/papers.pdf",
        meeting=document.meeting,
        published_at=timezone.now(),
    )
    page = client.get(document.meeting.get_absolute_url()).text
    assert f'href="{document.get_absolute_url()}"' in page
    assert f'href="{link.url}"' in page
    assert document.file.name not in page and "/media/" not in page


def test_no_url_pattern_and_not_whitenoise_serves_the_stored_files(client, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    stored = default_storage.save("documents/0123456789abcdef0123456789abcdef", ContentFile(PDF))
    assert (Path(settings.MEDIA_ROOT) / stored).exists()
    for path in (f"/{settings.MEDIA_URL}{stored}", f"/{stored}", f"/static/../{settings.MEDIA_URL}{stored}"):
        assert client.get(path).status_code == 404, path

    def prefixes(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from prefixes(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    media = settings.MEDIA_URL.strip("/")
    assert not [p for p in prefixes(get_resolver().url_patterns) if p.lstrip("^").startswith(media)]
    # WhiteNoise serves STATIC_ROOT (and the finders' STATICFILES_DIRS under DEBUG): neither holds the media.
    media_root = Path(settings.MEDIA_ROOT).resolve()
    for static in [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]:
        assert not media_root.is_relative_to(static.resolve())
    assert getattr(settings, "WHITENOISE_ROOT", None) is None
    assert not Path(importlib.import_module("ics_portal.settings").MEDIA_ROOT).is_relative_to(settings.STATIC_ROOT)


# --- files uploaded before: moved to random names ---------------------------------------------------


def test_the_migration_moves_existing_uploads_to_random_names(django_capture_on_commit_callbacks):
    move = importlib.import_module("governance.migrations.0008_document_file_random_name").move_to_random_names
    old = default_storage.save("documents/2024/Board papers.pdf", ContentFile(PDF))
    document = upload()
    Document.objects.filter(pk=document.pk).update(file=old, file_name="", modified_at=timezone.now())
    HistoricalDocument.objects.filter(id=document.pk).update(file=old)
    missing = upload()
    Document.objects.filter(pk=missing.pk).update(file="documents/2023/gone.pdf", file_name="")
    before = Document.objects.get(pk=document.pk).modified_at

    with django_capture_on_commit_callbacks(execute=True):
        move(apps, None)

    document.refresh_from_db()
    assert RANDOM_NAME.fullmatch(document.file.name)
    assert document.file_name == "Board papers.pdf" and document.modified_at == before
    assert default_storage.open(document.file.name).read() == PDF
    assert not default_storage.exists(old)
    assert set(HistoricalDocument.objects.filter(id=document.pk).values_list("file", flat=True)) == {document.file.name}
    missing.refresh_from_db()
    assert (missing.file.name, missing.file_name) == ("documents/2023/gone.pdf", "gone.pdf")


def test_the_admin_names_the_current_file_by_its_own_name_not_the_one_it_is_stored_under():
    document = upload("Board papers (March).pdf")
    clerk = staff_client(document.owning_ics())

    page = clerk.get(f"/admin/governance/document/{document.pk}/change/").content.decode()

    assert "Board papers (March).pdf" in page
    assert document.file.name not in page
