"""Importing a partner list: good files, bad rows, and files refused as a whole."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from partners.importers import MAX_BYTES, PartnerFileError, partner_import_apply, partner_import_preview
from partners.models import Organisation, Partnership
from staff.models import StaffRole
from tests import factories as f

HEADER = "name,ods_code,kind,place,role,start_date,end_date\n"


@pytest.fixture
def ics():
    system = f.IntegratedCareSystemFactory(slug="west-yorkshire")
    f.PlaceFactory(ics=system, name="Leeds", slug="leeds", ods_code="15F")
    f.PlaceFactory(ics=system, name="Wakefield", slug="wakefield")
    return system


def csv_bytes(*rows, header=HEADER, bom=False):
    text = header + "".join(row + "\n" for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


GOOD = csv_bytes(
    "Leeds Teaching Hospitals NHS Trust,RR8,nhs_trust,Leeds,constitutional_partner,2022-07-01,",
    "Leeds City Council,235,local_authority,15F,Constitutional partner,01/07/2022,",
    "Wakefield Hospice,,hospice,wakefield,,,",
)


@pytest.mark.django_db
@pytest.mark.parametrize("bom", [False, True], ids=["utf8", "utf8-bom"])
def test_good_file_previews_then_applies(ics, bom):
    existing = f.OrganisationFactory(ods_code="RR8", name="Old name")
    data = GOOD.replace(b"name,", b"\xef\xbb\xbfname,", 1) if bom else GOOD

    preview = partner_import_preview(ics=ics, data=data, filename="partners.csv")
    assert [r.action for r in preview.rows] == ["update", "create", "create"]
    assert Organisation.objects.count() == 1  # the preview wrote nothing

    result = partner_import_apply(preview=preview, user=None)
    assert (result.created, result.updated, result.skipped, result.partnerships_created) == (2, 1, 0, 3)
    existing.refresh_from_db()
    assert existing.name == "Leeds Teaching Hospitals NHS Trust"
    assert Organisation.objects.filter(ods_code="RR8").count() == 1
    council = Organisation.objects.get(ods_code="235")
    assert council.sector == "local_government"
    partnership = Partnership.objects.get(organisation=council)
    assert (partnership.ics, partnership.place.slug, partnership.role) == (ics, "leeds", "constitutional_partner")
    assert str(partnership.start_date) == "2022-07-01"
    assert Partnership.objects.get(organisation__name="Wakefield Hospice").role == "partner"


@pytest.mark.django_db
def test_importing_twice_updates_rather_than_duplicates(ics):
    partner_import_apply(preview=partner_import_preview(ics=ics, data=GOOD), user=None)
    second = partner_import_preview(ics=ics, data=GOOD)
    assert [r.action for r in second.rows] == ["update", "update", "create"]  # no ODS code: matched by nothing
    partner_import_apply(preview=second, user=None)
    assert Organisation.objects.filter(ods_code__in=["RR8", "235"]).count() == 2
    assert Partnership.objects.filter(organisation__ods_code="RR8").count() == 1


BAD = csv_bytes(
    "Good Trust,RX1,nhs_trust,Leeds,,,",
    "Bad Code Trust,ZZZZ,nhs_trust,,,,",
    "Nowhere Trust,RX2,nhs_trust,Atlantis,,,",
    "Good Trust again,RX1,nhs_trust,,,,",
    "Backwards Trust,RX3,nhs_trust,,,2023-01-01,2022-01-01",
    "Kindless,,spaceship,,,,",
)


@pytest.mark.django_db
def test_bad_rows_are_reported_with_row_numbers_and_reasons(ics):
    preview = partner_import_preview(ics=ics, data=BAD)
    errors = {row.number: row.reason for row in preview.errors}
    assert len(preview.to_create) == 1
    assert sorted(errors) == [3, 4, 5, 6, 7]
    assert "ODS code “ZZZZ” is not valid for kind NHS trust" in errors[3]
    assert "place “Atlantis” is not a place of" in errors[4]
    assert "duplicate of row 2" in errors[5]
    assert "end_date is before start_date" in errors[6]
    assert "kind “spaceship” is not one of" in errors[7]


@pytest.mark.django_db
def test_error_rows_write_nothing_unless_skipped(ics):
    preview = partner_import_preview(ics=ics, data=BAD)
    with pytest.raises(ValidationError, match="5 row\\(s\\) have errors, so nothing was imported"):
        partner_import_apply(preview=preview, user=None)
    assert Organisation.objects.count() == 0 and Partnership.objects.count() == 0

    result = partner_import_apply(preview=preview, user=None, skip_errors=True)
    assert (result.created, result.skipped) == (1, 5)
    assert list(Organisation.objects.values_list("ods_code", flat=True)) == ["RX1"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,filename,message",
    [
        ("Café Trust,RX1,nhs_trust,,,,\n".encode("latin-1"), "p.csv", "not UTF-8"),
        (b"", "p.csv", "The file is empty"),
        (b"\n\n", "p.csv", "The file is empty"),
        (HEADER.encode(), "p.csv", "header but no rows"),
        (b"x" * (MAX_BYTES + 1), "p.csv", "the limit is 2 MB"),
        (b"PK\x03\x04rest-of-a-zip", "p.csv", "not a CSV file"),
        (GOOD, "partners.xlsx", "is not a CSV file"),
        (csv_bytes("A,RX1,nhs_trust", header="name,ods_code,kind,colour\n"), "p.csv", "Unknown column(s): colour"),
        (csv_bytes("A", header="name\n"), "p.csv", "Missing required column(s): kind"),
    ],
    ids=["latin-1", "empty", "blank-lines", "header-only", "huge", "zip", "xlsx-name", "unknown-column", "no-kind"],
)
def test_unreadable_files_get_one_clear_message(ics, data, filename, message):
    if message == "not UTF-8":
        data = HEADER.encode() + data
    with pytest.raises(PartnerFileError, match=message.replace("(", "\\(").replace(")", "\\)")):
        partner_import_preview(ics=ics, data=data, filename=filename)
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_command_dry_run_writes_nothing(ics, tmp_path):
    path = tmp_path / "partners.csv"
    path.write_bytes(GOOD)
    out = io.StringIO()
    call_command("import_partners", str(path), "--ics", "west-yorkshire", "--dry-run", stdout=out)
    assert "3 to create, 0 to update, 0 in error" in out.getvalue()
    assert Organisation.objects.count() == 0
    call_command("import_partners", str(path), "--ics", "west-yorkshire", stdout=out)
    assert Organisation.objects.count() == 3


@pytest.mark.django_db
def test_command_refuses_error_rows_unless_skipped(ics, tmp_path):
    path = tmp_path / "partners.csv"
    path.write_bytes(BAD)
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_partners", str(path), "--ics", "west-yorkshire", stdout=out)
    assert "row 4: place “Atlantis”" in out.getvalue()
    assert Organisation.objects.count() == 0
    call_command("import_partners", str(path), "--ics", "west-yorkshire", "--skip-errors", stdout=out)
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_command_refuses_a_bad_file_and_unknown_ics(ics, tmp_path):
    path = tmp_path / "partners.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty"):
        call_command("import_partners", str(path), "--ics", "west-yorkshire")
    with pytest.raises(CommandError, match="No ICS with slug"):
        call_command("import_partners", str(path), "--ics", "atlantis")


def _staff(django_user_model, ics, username="importer"):
    user = django_user_model.objects.create_user(username=username, password="a-long-test-password", is_staff=True)
    StaffRole.objects.create(user=user, ics=ics)
    return user


@pytest.mark.django_db
def test_admin_import_previews_then_applies(client, django_user_model, ics):
    client.force_login(_staff(django_user_model, ics))
    url = reverse("admin:partners_organisation_import")
    upload = io.BytesIO(BAD)
    upload.name = "partners.csv"
    preview = client.post(url, {"ics": ics.pk, "file": upload, "preview": "1"})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "<strong>1</strong> to create" in body and "<strong>5</strong> in error" in body
    assert "place “Atlantis” is not a place of" in body
    assert Organisation.objects.count() == 0

    refused = client.post(url, {"apply": "1"})
    assert "nothing was imported" in refused.content.decode()
    assert Organisation.objects.count() == 0

    applied = client.post(url, {"apply": "1", "skip_errors": "1"})
    assert applied.status_code == 302
    assert Organisation.objects.count() == 1
    assert Organisation.objects.get().history.first().history_user.username == "importer"


@pytest.mark.django_db
def test_admin_import_refuses_a_file_with_one_message(client, django_user_model, ics):
    client.force_login(_staff(django_user_model, ics))
    upload = io.BytesIO("name,kind\nCafé,vcse\n".encode("latin-1"))
    upload.name = "partners.csv"
    response = client.post(reverse("admin:partners_organisation_import"), {"ics": ics.pk, "file": upload})
    assert "The file is not UTF-8 text" in response.content.decode()


@pytest.mark.django_db
def test_admin_import_only_into_own_ics(client, django_user_model, ics):
    other = f.IntegratedCareSystemFactory()
    client.force_login(_staff(django_user_model, other))
    upload = io.BytesIO(GOOD)
    upload.name = "partners.csv"
    response = client.post(reverse("admin:partners_organisation_import"), {"ics": ics.pk, "file": upload})
    assert "ics" in response.context["form"].errors
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_cannot_reach_the_import(client):
    response = client.get(reverse("admin:partners_organisation_import"))
    assert response.status_code == 302 and "/login/" in response.url


@pytest.mark.django_db
def test_applying_needs_a_role_in_the_ics(django_user_model, ics):
    """partner_import_apply() checks rights itself, not only the admin page that calls it."""
    outsider = _staff(django_user_model, f.IntegratedCareSystemFactory(), username="outsider")
    preview = partner_import_preview(ics=ics, data=GOOD)
    with pytest.raises(PermissionDenied):
        partner_import_apply(preview=preview, user=outsider)
    assert Organisation.objects.count() == 0
    result = partner_import_apply(preview=preview, user=_staff(django_user_model, ics))
    assert result.created == 3
    assert Organisation.objects.get(ods_code="RR8").history.first().history_user.username == "importer"
