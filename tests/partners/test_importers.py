"""Importing a partner list: good files, bad rows, and files refused as a whole."""

import datetime
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
    assert [r.action for r in second.rows] == ["update", "update", "update"]  # the hospice by kind and name
    result = partner_import_apply(preview=second, user=None)
    assert (result.created, result.updated, result.unchanged, result.partnerships_created) == (0, 0, 3, 0)
    assert Organisation.objects.count() == 3 and Partnership.objects.count() == 3


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


# --- what the preview must catch, so that applying never fails on it ------------------------------------


def _errors_by_row(ics, data):
    preview = partner_import_preview(ics=ics, data=data, filename="partners.csv")
    return preview, {row.number: row.reason for row in preview.errors}


@pytest.mark.django_db
def test_an_over_long_name_is_an_error_of_its_row_and_applying_skips_it(ics):
    data = csv_bytes("Good Trust,RX1,nhs_trust,,,,", f"{'N' * 400},RX2,nhs_trust,,,,", f"Long Code,{'R' * 9},other,,,,")
    preview, errors = _errors_by_row(ics, data)
    assert errors == {
        3: "name is 400 characters long; it holds at most 200",
        4: "ods_code is 9 characters long; it holds at most 8",
    }
    with pytest.raises(ValidationError, match="2 row\\(s\\) have errors"):
        partner_import_apply(preview=preview, user=None)
    result = partner_import_apply(preview=preview, user=None, skip_errors=True)
    assert (result.created, result.skipped) == (1, 2)


@pytest.mark.django_db
def test_every_columns_limit_comes_from_the_model(ics):
    from partners.importers import COLUMNS, MAX_LENGTHS

    assert set(MAX_LENGTHS) == set(COLUMNS)
    assert MAX_LENGTHS["name"] == Organisation._meta.get_field("name").max_length == 200
    assert MAX_LENGTHS["ods_code"] == 8
    # A choice may be spelt by its label, so its limit is its longest spelling.
    assert MAX_LENGTHS["kind"] == len("Voluntary, community or social enterprise")
    row = 'Trust,,"Voluntary, community or social enterprise",,Associate partner,,'
    preview, errors = _errors_by_row(ics, csv_bytes(row))
    assert errors == {} and preview.rows[0].kind == "vcse"


@pytest.mark.django_db
def test_extra_cells_are_an_error_of_their_row_but_empty_padding_is_not(ics):
    data = csv_bytes(
        "Good Trust,RX1,nhs_trust,,,,,,",  # padded with empty cells, as spreadsheets do
        "Extra Trust,RX2,nhs_trust,,,,,surplus,",
        "Leeds, City Council,235,local_authority,,,2022-07-01,2023-03-31",  # an unquoted comma shifts every cell
        '"Leeds, City Council",236,local_authority,,,2022-07-01,2023-03-31',
    )
    _, errors = _errors_by_row(ics, data)
    extra = (
        "has 1 cell(s) beyond the 7 column(s) the header names, which would be lost "
        "(a comma inside a value needs the value in double quotes)"
    )
    assert errors == {3: extra, 4: "ods_code is 12 characters long; it holds at most 8; " + extra}


@pytest.mark.django_db
@pytest.mark.parametrize("bom", [b"\xff\xfe", b""], ids=["with-bom", "without-bom"])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_named_for_what_it_is(ics, encoding, bom):
    data = GOOD.decode().encode(encoding)
    if bom:
        data = (b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff") + data
    with pytest.raises(PartnerFileError) as refused:
        partner_import_preview(ics=ics, data=data, filename="partners.csv")
    assert str(refused.value) == "This file is UTF-16; save it as UTF-8 (CSV UTF-8 in Excel) and try again."


@pytest.mark.django_db
def test_a_utf32_file_and_an_old_excel_file_are_named_too(ics):
    with pytest.raises(PartnerFileError, match="This file is UTF-32"):
        partner_import_preview(ics=ics, data=GOOD.decode().encode("utf-32"))
    with pytest.raises(PartnerFileError, match="not a CSV file but a spreadsheet"):
        partner_import_preview(ics=ics, data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["name", "ods_code", "kind", "place"])
def test_a_nul_character_after_the_first_4_kb_is_an_error_of_its_row(ics, column):
    """It used to pass the preview (which looked at the first 4 KB only) and fail on apply with a 500."""
    filler = [f"Filler Trust {n},,nhs_trust,,,," for n in range(200)]
    cells = {"name": "Nul Trust", "ods_code": "RX9", "kind": "nhs_trust", "place": "Leeds"}
    cells[column] = cells[column][:2] + "\x00" + cells[column][2:]
    bad = ",".join([cells["name"], cells["ods_code"], cells["kind"], cells["place"], "", "", ""])
    data = csv_bytes(*filler, bad)
    assert data.index(b"\x00") > 4096
    preview, errors = _errors_by_row(ics, data)
    assert errors == {
        202: f"holds a NUL character (a zero byte) in {column}, which cannot be stored; remove it",
    }
    assert preview.errors[0].name == ""  # nothing of the row is quoted back
    result = partner_import_apply(preview=preview, user=None, skip_errors=True)
    assert (result.created, result.skipped) == (200, 1)
    assert not Organisation.objects.filter(name__startswith="Nu").exists()


@pytest.mark.django_db
def test_a_nul_character_in_the_header_refuses_the_file(ics):
    with pytest.raises(PartnerFileError, match="Row 1, the header, holds a NUL character"):
        partner_import_preview(ics=ics, data=b"na\x00me,kind\nA,vcse\n")
    with pytest.raises(PartnerFileError, match="Row 1, the header, holds a NUL character"):
        partner_import_preview(ics=ics, data=b"\x00" * 200)


@pytest.mark.django_db
def test_rows_keep_the_numbers_a_spreadsheet_shows_across_blank_rows(ics):
    data = csv_bytes("Good Trust,RX1,nhs_trust,,,,", "", ",,,,,,", "Kindless,,spaceship,,,,")
    _, errors = _errors_by_row(ics, data)
    assert list(errors) == [5]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start,message",
    [
        (
            "0144-03-07",
            "start_date 0144-03-07 is outside the dates the portal records, "
            "5 July 1948 (the NHS's first day) to 31 December 2099",
        ),
        ("04/07/1948", "start_date 1948-07-04 is outside the dates the portal records"),
        ("01/01/2100", "start_date 2100-01-01 is outside the dates the portal records"),
    ],
)
def test_a_date_the_portal_does_not_record_is_an_error_of_its_row(ics, start, message):
    _, errors = _errors_by_row(ics, csv_bytes(f"Old Trust,RX1,nhs_trust,,,{start},"))
    assert errors[2].startswith(message)
    _, errors = _errors_by_row(ics, csv_bytes("Old Trust,RX1,nhs_trust,,,05/07/1948,2099-12-31"))
    assert errors == {}


@pytest.mark.django_db
def test_long_values_are_quoted_back_cut_short(ics):
    _, errors = _errors_by_row(ics, csv_bytes(f"Trust,,{'k' * 15},,,{'d' * 10},"))
    assert errors[2].startswith(f"kind “{'k' * 15}” is not one of")
    assert "start_date “dddddddddd” is not a date" in errors[2]


@pytest.mark.django_db
def test_the_command_reports_row_numbers_for_nul_long_and_extra_cells(ics, tmp_path):
    path = tmp_path / "partners.csv"
    path.write_bytes(
        csv_bytes("Good Trust,RX1,nhs_trust,,,,", f"{'N' * 201},,vcse,,,,", "A\x00,,vcse,,,,", "B,,vcse,,,,,x")
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="3 row\\(s\\) have errors"):
        call_command("import_partners", str(path), "--ics", "west-yorkshire", stdout=out)
    report = out.getvalue()
    assert "row 3: name is 201 characters long; it holds at most 200" in report
    assert "row 4: holds a NUL character (a zero byte) in name" in report
    assert "row 5: has 1 cell(s) beyond the 7 column(s)" in report
    assert "\x00" not in report
    call_command("import_partners", str(path), "--ics", "west-yorkshire", "--skip-errors", stdout=out)
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Good Trust"]


@pytest.mark.django_db
def test_admin_preview_shows_the_rows_apply_would_fail_on_and_apply_skips_them(client, django_user_model, ics):
    client.force_login(_staff(django_user_model, ics))
    url = reverse("admin:partners_organisation_import")
    filler = [f"Filler Trust {n},,nhs_trust,,,," for n in range(200)]
    upload = io.BytesIO(csv_bytes(*filler, "Nul\x00 Trust,,nhs_trust,,,,", f"{'N' * 400},,vcse,,,,"))
    upload.name = "partners.csv"
    preview = client.post(url, {"ics": ics.pk, "file": upload, "preview": "1"})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "<strong>2</strong> in error" in body
    assert "holds a NUL character (a zero byte) in name" in body
    assert "name is 400 characters long; it holds at most 200" in body
    assert "\x00" not in body
    applied = client.post(url, {"apply": "1", "skip_errors": "1"})
    assert applied.status_code == 302
    assert Organisation.objects.count() == 200


@pytest.mark.django_db
def test_a_place_is_checked_against_the_rows_dates(ics):
    """A place that left the ICS (docs/adr/0007): a row for it after it left is a preview error, not one at apply."""
    moved = f.PlaceFactory(ics=None, name="Bassetlaw", slug="bassetlaw")
    f.PlaceMembershipFactory(place=moved, ics=ics, end_date=datetime.date(2022, 6, 30))
    preview = partner_import_preview(
        ics=ics,
        data=csv_bytes(
            "Bassetlaw Hospice,,hospice,Bassetlaw,,2018-04-01,2022-06-30",
            "Bassetlaw Trust,RX9,nhs_trust,Bassetlaw,,2022-07-01,",
        ),
    )
    assert [row.name for row in preview.to_create] == ["Bassetlaw Hospice"]
    (error,) = preview.errors
    assert (error.number, error.reason) == (3, f"place “Bassetlaw” was not a place of {ics} on the row's dates")
    partner_import_apply(preview=preview, user=None, skip_errors=True)
    assert Partnership.objects.get(organisation__name="Bassetlaw Hospice").place == moved
