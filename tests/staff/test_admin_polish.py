"""The admin as a clerk meets it every day: its name, its labels, its forms' order, slugs, roles and pickers."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from staff.admin_mixins import NAME_FIELDS, StaffAdmin
from staff.models import StaffRole
from tests import factories as f

from .helpers import admin_form_data

# Labels Django makes from code names: "Ics", "Icss", "Mou", "Url", and plurals such as "MoU signatorys".
BAD_LABEL = re.compile(r"\b(Icss?|ics|icss|Mou|mou|Url)\b|[^aeiou\W]ys\b")
STAFF_ADMINS = sorted(
    (
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, StaffAdmin)
    ),
    key=lambda pair: pair[0]._meta.label,
)


def _slug_source(model):
    """The field a model's slug is made from: an ICS's short name, else the record's name or title."""
    names = {field.name for field in model._meta.fields}
    if "slug" in names:
        return next((name for name in ("short_name", *NAME_FIELDS) if name in names), None)
    return None


# Every admin whose record has a slug and a name to make it from (a meeting's slug is its date, typed).
WITH_SLUG = [(model, model_admin) for model, model_admin in STAFF_ADMINS if _slug_source(model)]


def _ids(pairs):
    return [model._meta.label for model, _ in pairs]


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser_request(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    return request


# --- 1. branding ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_is_called_ics_portal_staff(client, superuser):
    sign_in = client.get(reverse("admin:login")).content.decode()
    client.force_login(superuser)
    index = client.get(reverse("admin:index")).content.decode()
    for page in (sign_in, index):
        assert "ICS Portal staff" in page
        assert "Django administration" not in page and "Django site admin" not in page
    assert re.search(r"<h1[^>]*>ICS Portal staff</h1>", index)
    assert "Site administration" not in index


# --- 2. labels -----------------------------------------------------------------------------------


def _labels(model_admin, request):
    """Every label the admin shows for a model: its names, its form's fields, its inlines and their fields."""
    model = model_admin.model
    yield f"{model._meta.label} name", str(model._meta.verbose_name)
    yield f"{model._meta.label} plural", str(model._meta.verbose_name_plural)
    form = model_admin.get_form(request, None)()
    for name in form.fields:
        if not form[name].is_hidden:
            yield f"{model._meta.label}.{name}", str(form[name].label)
    for inline in model_admin.get_inline_instances(request, None):
        yield f"{model._meta.label} inline", str(inline.verbose_name_plural)
        row = inline.get_formset(request, None)().empty_form
        for name in row.fields:
            if not row[name].is_hidden:
                yield f"{model._meta.label} inline {inline.model._meta.label}.{name}", str(row[name].label)


@pytest.mark.django_db
def test_no_label_in_the_admin_is_made_up_from_a_code_name(superuser_request):
    bad = [
        f"{where}: {label!r}"
        for model_admin in admin.site._registry.values()
        for where, label in _labels(model_admin, superuser_request)
        if BAD_LABEL.search(label)
    ]
    assert bad == []


@pytest.mark.parametrize("label", ["Ics", "Icss", "Mou", "Url", "MoU signatorys", "Ics stages"])
def test_the_label_check_refuses_the_labels_django_makes_up(label):
    assert BAD_LABEL.search(label)


@pytest.mark.parametrize("label", ["ICS", "ICSs", "MoU", "URL", "MoU signatories", "Notice period (clear days)"])
def test_the_label_check_accepts_proper_labels(label):
    assert not BAD_LABEL.search(label)


@pytest.mark.django_db
def test_the_admin_index_names_models_properly(client, superuser):
    client.force_login(superuser)
    index = client.get(reverse("admin:index")).content.decode()
    for label in ("MoU signatories", "ICS stages", "Declarations of interest"):
        assert f">{label}</a>" in index


# --- 3. name first, provenance last -----------------------------------------------------------------


def _editable_order(response):
    form = response.context["adminform"].form
    fields = flatten_fieldsets(response.context["adminform"].fieldsets)
    return [name for name in fields if name in form.fields and not form[name].is_hidden], fields


@pytest.mark.django_db
@pytest.mark.parametrize("model,model_admin", STAFF_ADMINS, ids=_ids(STAFF_ADMINS))
def test_a_form_opens_with_the_records_name_and_closes_with_its_provenance(client, superuser, model, model_admin):
    client.force_login(superuser)
    editable, shown = _editable_order(client.get(_admin_url(model, "add")))
    name = next((field for field in NAME_FIELDS if field in editable), None)
    if name:
        assert shown[0] == name
    assert editable[-1] == "provenance"
    sources = [field for field in editable if field in ("source", "source_url", "source_date")]
    assert editable[-1 - len(sources) : -1] == sources


@pytest.mark.django_db
def test_read_only_fields_keep_their_place(client, editor_a, ics_a):
    # An editor sees an ICS's identity read-only: the name still opens the page, provenance still closes it.
    client.force_login(editor_a)
    _, shown = _editable_order(client.get(_admin_url(type(ics_a), "change", ics_a.pk)))
    assert shown[0] == "name"
    assert shown.index("short_name") < shown.index("population") < shown.index("provenance")
    assert shown[-3:] == ["provenance", "created_at", "modified_at"]


# --- 4. slugs filled from names ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model,model_admin", WITH_SLUG, ids=_ids(WITH_SLUG))
def test_a_slug_is_filled_in_from_the_name(client, superuser, model, model_admin):
    client.force_login(superuser)
    page = client.get(_admin_url(model, "add")).content.decode()
    source = _slug_source(model)
    assert re.search(
        rf"&quot;id&quot;: &quot;#id_slug&quot;.*?&quot;dependency_ids&quot;: \[&quot;#id_{source}&quot;\]", page
    )


@pytest.mark.django_db
def test_a_read_only_slug_is_not_filled_in(client, editor_a, ics_a):
    client.force_login(editor_a)
    for url in (
        _admin_url(type(ics_a), "change", ics_a.pk),
        _admin_url(type(ics_a), "simple_history", ics_a.pk, ics_a.history.latest().history_id),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "#id_slug" not in response.content.decode()


# --- 5. a role makes its user staff ---------------------------------------------------------------------


@pytest.mark.django_db
def test_granting_a_role_makes_the_user_staff(client, superuser, ics_a):
    clerk = get_user_model().objects.create_user(username="clerk", password="a-long-test-password")
    client.force_login(superuser)
    page = client.get(_admin_url(StaffRole, "add")).content.decode()
    assert "Granting a role makes the user staff" in page
    response = client.post(
        _admin_url(StaffRole, "add"), {"user": clerk.pk, "ics": ics_a.pk, "role": StaffRole.Role.EDITOR}
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.is_staff and clerk.staff_roles.get().ics == ics_a


@pytest.mark.django_db
def test_a_role_granted_on_the_users_page_makes_them_staff(client, superuser, ics_a):
    clerk = get_user_model().objects.create_user(username="clerk", password="a-long-test-password")
    client.force_login(superuser)
    url = _admin_url(get_user_model(), "change", clerk.pk)
    data = admin_form_data(client.get(url))
    data.update({"staff_roles-TOTAL_FORMS": "1", "staff_roles-0-ics": ics_a.pk, "staff_roles-0-role": "publisher"})
    response = client.post(url, data)
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.is_staff and clerk.staff_roles.get().role == StaffRole.Role.PUBLISHER


@pytest.mark.django_db
def test_withdrawing_the_last_role_leaves_staff_status_alone(client, superuser, editor_a):
    client.force_login(superuser)
    role = editor_a.staff_roles.get()
    response = client.post(_admin_url(StaffRole, "delete", role.pk), {"post": "yes"})
    assert response.status_code == 302
    editor_a.refresh_from_db()
    assert editor_a.is_staff and not editor_a.staff_roles.exists()


# --- 6. no pickers that do nothing ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_users_page_offers_no_groups_or_permissions(client, superuser, editor_a):
    client.force_login(superuser)
    page = client.get(_admin_url(get_user_model(), "change", editor_a.pk)).content.decode()
    assert 'name="groups"' not in page and 'name="user_permissions"' not in page
    assert 'name="staff_roles-0-role"' in page
    with pytest.raises(NoReverseMatch):
        reverse("admin:auth_group_changelist")


@pytest.mark.django_db
def test_the_user_list_still_filters(client, superuser, editor_a):
    client.force_login(superuser)
    response = client.get(_admin_url(get_user_model(), "changelist"), {"staff_roles__role": "editor"})
    assert response.status_code == 200 and "editor_a" in response.content.decode()


# --- 8. staff preview drafts on the public pages -----------------------------------------------------------

DRAFT_BANNER = "Draft — not public"


@pytest.fixture
def draft_meeting(ics_a):
    meeting = f.MeetingFactory(board=f.BoardFactory(ics=ics_a), agenda_published_at=None, minutes_published_at=None)
    f.AgendaItemFactory(meeting=meeting, title="Winter plan", minutes="Discussed at length.", resolutions="Approved.")
    return meeting


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "editor_b"])
def test_a_draft_mou_stays_hidden_from_the_public_and_other_icss_staff(client, actors, ics_a, who):
    mou = f.MoUFactory(ics=ics_a, published_at=None)
    if actors[who]:
        client.force_login(actors[who])
    assert client.get(mou.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_its_ics_staff_preview_a_draft_mou_under_a_banner_kept_by_no_cache(client, editor_a, ics_a):
    mou = f.MoUFactory(ics=ics_a, published_at=None, title="Data sharing memorandum")
    client.force_login(editor_a)
    response = client.get(mou.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200 and "Data sharing memorandum" in page
    assert DRAFT_BANNER in page and "This MoU is a draft" in page and "nhsuk-warning-callout" in page
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_a_published_mou_shows_no_banner(client, editor_a, ics_a):
    mou = f.MoUFactory(ics=ics_a)
    client.force_login(editor_a)
    response = client.get(mou.get_absolute_url())
    assert response.status_code == 200 and DRAFT_BANNER not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "editor_b"])
def test_a_meetings_draft_agenda_and_minutes_stay_hidden(client, actors, draft_meeting, who):
    if actors[who]:
        client.force_login(actors[who])
    response = client.get(draft_meeting.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Winter plan" not in page and "Discussed at length." not in page and "Approved." not in page
    assert DRAFT_BANNER not in page
    # Only the public's copy may be kept by a browser or CDN; every signed-in page is private (ADR 10).
    assert ("no-store" in response.get("Cache-Control", "")) == (who != "anonymous")


@pytest.mark.django_db
def test_its_ics_staff_preview_a_meetings_draft_agenda_and_minutes(client, editor_a, draft_meeting):
    client.force_login(editor_a)
    response = client.get(draft_meeting.get_absolute_url())
    page = response.content.decode()
    assert "Winter plan" in page and "Discussed at length." in page and "Approved." in page
    assert DRAFT_BANNER in page and "The agenda and minutes of this meeting are not published yet." in page
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_the_banner_names_only_what_is_not_public(client, editor_a, draft_meeting):
    draft_meeting.agenda_published_at = draft_meeting.created_at
    draft_meeting.save()
    client.force_login(editor_a)
    page = client.get(draft_meeting.get_absolute_url()).content.decode()
    assert "The minutes of this meeting are not published yet." in page


@pytest.mark.django_db
def test_view_on_site_opens_a_draft_for_its_staff(client, editor_a, ics_a):
    mou = f.MoUFactory(ics=ics_a, published_at=None)
    client.force_login(editor_a)
    change = client.get(_admin_url(type(mou), "change", mou.pk)).content.decode()
    view_on_site = re.search(r'href="([^"]+)" class="viewsitelink"', change).group(1)
    response = client.get(view_on_site, follow=True)
    assert response.redirect_chain[-1][0].endswith(mou.get_absolute_url())
    assert response.status_code == 200 and DRAFT_BANNER in response.content.decode()
