"""Uploads are checked: only the types a board publishes, by name and by first bytes, and at most 20 MB.

The admin's form and full_clean() give the same message on the file field. Uploads go through Django's
storage API: the local disk by default, a private S3-compatible bucket when configured.
"""

import io
import zipfile

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.test import RequestFactory
from django.utils import timezone

from governance.models import Document
from ics_portal.core.uploads import size_text
from ics_portal.settings import storage_config
from tests import factories as f

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PDF = b"%PDF-1.7\n% board papers\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
TYPES_MESSAGE = "A paper must be a PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text, PNG or JPEG file"


def zipped(mimetype=None) -> bytes:
    """A small zip file, as office documents are (OpenDocument ones start with their mimetype)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<document/>")
    return buffer.getvalue()


GOOD = [
    ("Board papers.pdf", PDF),
    ("Report.docx", zipped()),
    ("Finance.xlsx", zipped()),
    ("Slides.pptx", zipped()),
    ("Minutes.odt", zipped("application/vnd.oasis.opendocument.text")),
    ("Budget.ods", zipped("application/vnd.oasis.opendocument.spreadsheet")),
    ("Talk.odp", zipped("application/vnd.oasis.opendocument.presentation")),
    ("Attendance.csv", "name,role\nAnne Brontë,Chair\n".encode()),
    ("Notes.txt", b"Quorate: yes\n"),
    ("Map.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ("Photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
    ("Photo.JPEG", b"\xff\xd8\xff\xdb\x00\x43"),
]

BAD = [
    (SimpleUploadedFile("setup.exe", EXE), f"{TYPES_MESSAGE}; this one is a .exe."),
    (SimpleUploadedFile("papers", PDF), f"{TYPES_MESSAGE}; this one's name has no extension, such as .pdf."),
    (SimpleUploadedFile("papers.pdf", EXE), "This file's contents are not a PDF, though its name ends in .pdf."),
    (
        SimpleUploadedFile("attendance.csv", b"name,role\nAnne,\x00Chair\n"),
        "This file's contents are not CSV text (UTF-8, with no NUL characters), though its name ends in .csv.",
    ),
    (
        SimpleUploadedFile("notes.txt", "Café".encode("latin-1")),
        "This file's contents are not plain text (UTF-8, with no NUL characters), though its name ends in .txt.",
    ),
    (
        SimpleUploadedFile("report.docx", PDF),
        "This file's contents are not a Word document, though its name ends in .docx.",
    ),
    (
        SimpleUploadedFile("map.png", b"GIF89a"),
        "This file's contents are not a PNG image, though its name ends in .png.",
    ),
    # 20 MB and 1 byte, or 31.2 MB, without allocating it: only the size is read before refusing.
    (
        UploadedFile(io.BytesIO(PDF), name="papers.pdf", size=20 * MB + 1),
        "This file is 20.1 MB; a paper can be at most 20 MB.",
    ),
    (
        UploadedFile(io.BytesIO(PDF), name="papers.pdf", size=int(31.2 * MB)),
        "This file is 31.2 MB; a paper can be at most 20 MB.",
    ),
]


def new_document(upload):
    # On a board: factory meetings' dates follow a sequence other tests' fixed dates rely on.
    return Document(title="Papers", kind=Document.Kind.PAPERS, board=f.BoardFactory(), file=upload)


def admin_form_errors(upload):
    """The file field's errors in the admin's add form for a document."""
    user = get_user_model().objects.create_superuser(username="clerk", password="a-long-test-password")
    request = RequestFactory().post("/admin/governance/document/add/")
    request.user = user
    model_admin = admin.site._registry[Document]
    form_class = model_admin.get_form(request, obj=None, change=False)
    form = form_class(
        data={"title": "Papers", "kind": Document.Kind.PAPERS, "board": f.BoardFactory().pk},
        files={"file": upload},
    )
    form.is_valid()
    return form.errors.get("file", [])


@pytest.mark.parametrize("upload,message", BAD, ids=[message for _, message in BAD])
def test_full_clean_refuses_a_bad_file_saying_why(upload, message):
    with pytest.raises(ValidationError) as refused:
        new_document(upload).full_clean()
    assert refused.value.message_dict["file"] == [message]


@pytest.mark.parametrize("upload,message", BAD, ids=[message for _, message in BAD])
def test_the_admin_form_refuses_a_bad_file_saying_why(upload, message):
    assert admin_form_errors(upload) == [message]


@pytest.mark.parametrize("name,content", GOOD, ids=[name for name, _ in GOOD])
def test_each_paper_type_is_accepted_and_stored_whole(name, content):
    document = new_document(SimpleUploadedFile(name, content))
    document.full_clean()
    document.save()
    assert document.file_name == name
    with document.file.open("rb") as stored:
        assert stored.read() == content  # the check read the upload, and left it at its start for the save


@pytest.mark.parametrize("name,content", GOOD[:3], ids=[name for name, _ in GOOD[:3]])
def test_the_admin_form_accepts_a_paper(name, content):
    assert admin_form_errors(SimpleUploadedFile(name, content)) == []


def test_the_limit_is_a_setting(settings):
    assert settings.DOCUMENT_MAX_BYTES == 20 * MB
    settings.DOCUMENT_MAX_BYTES = 1024
    just_over = SimpleUploadedFile("papers.pdf", PDF.ljust(1025, b" "))
    with pytest.raises(ValidationError) as refused:
        new_document(just_over).full_clean()
    assert refused.value.message_dict["file"] == ["This file is 1.1 KB; a paper can be at most 1 KB."]
    assert admin_form_errors(SimpleUploadedFile("papers.pdf", PDF.ljust(1025, b" "))) == [
        "This file is 1.1 KB; a paper can be at most 1 KB."
    ]
    new_document(SimpleUploadedFile("papers.pdf", PDF.ljust(1024, b" "))).full_clean()


@pytest.mark.parametrize(
    "size,round_up,text",
    [
        (20 * MB, False, "20 MB"),
        (20 * MB + 1, True, "20.1 MB"),
        (int(31.2 * MB), True, "31.2 MB"),
        (1536, True, "1.5 KB"),
        (900, True, "900 bytes"),
    ],
)
def test_sizes_read_plainly(size, round_up, text):
    assert size_text(size, round_up=round_up) == text


def test_a_stored_file_is_not_checked_again_when_its_record_is_edited():
    document = new_document(SimpleUploadedFile("papers.pdf", PDF))
    document.save()
    document = Document.objects.get(pk=document.pk)  # stored under a random name, with no extension
    document.title = "Papers (revised title)"
    document.published_at = timezone.now()
    document.full_clean()


# --- storage: Django's storage API; local disk by default, a private bucket when configured ----------


STORAGE_VARIABLES = (
    "DJANGO_STORAGE_BACKEND",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_LOCATION",
)


@pytest.fixture
def environment(monkeypatch):
    for name in STORAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_storage_is_the_local_disk_by_default(environment):
    assert storage_config() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    environment.setenv("DJANGO_STORAGE_BACKEND", "filesystem")
    assert storage_config() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


@pytest.mark.parametrize("chosen", [{"DJANGO_STORAGE_BACKEND": "s3"}, {}])
def test_storage_is_a_private_s3_bucket_when_configured(environment, chosen):
    environment.setenv("AWS_STORAGE_BUCKET_NAME", "ics-portal-papers")
    environment.setenv("AWS_S3_ENDPOINT_URL", "https://objects.example.org")
    for name, value in chosen.items():
        environment.setenv(name, value)
    config = storage_config()
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert options["bucket_name"] == "ics-portal-papers"
    assert options["endpoint_url"] == "https://objects.example.org"
    # Private: no public ACL, signed URLs only, never a public domain, and no upload replaces another.
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["custom_domain"] is None
    assert options["file_overwrite"] is False


def test_s3_without_a_bucket_is_a_configuration_error(environment):
    from django.core.exceptions import ImproperlyConfigured

    environment.setenv("DJANGO_STORAGE_BACKEND", "s3")
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        storage_config()
    environment.setenv("DJANGO_STORAGE_BACKEND", "nfs")
    with pytest.raises(ImproperlyConfigured, match="filesystem or s3"):
        storage_config()
