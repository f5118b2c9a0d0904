"""A record's History as a clerk reads it: labels, display values and names (never "None"), any two
versions compared, and no link a user may not open."""

import datetime
import re

import pytest
from django.urls import reverse

from governance.models import BoardMembership
from tests import factories as f


def _membership_with_three_versions(editor, ics):
    """A seat made a member's, then a chair's, then ended with no organisation: three versions."""
    organisation = f.OrganisationFactory(name="Northshire NHS Foundation Trust")
    board = f.BoardFactory(ics=ics, name="Integrated Care Board")
    membership = f.BoardMembershipFactory(
        board=board, person=f.PersonFactory(name="Dana Example"), organisation=organisation
    )
    membership._history_user = editor
    membership.role = BoardMembership.Role.CHAIR
    membership.save()
    membership.organisation = None
    membership.end_date = datetime.date(2025, 3, 31)
    membership.save()
    return membership


def _history_url(record):
    return reverse("admin:governance_boardmembership_history", args=[record.pk])


def _versions(record):
    return list(record.history.order_by("history_date", "history_id"))


@pytest.mark.django_db
def test_the_history_list_says_what_changed_in_words(client, editor_a, ics_a):
    membership = _membership_with_three_versions(editor_a, ics_a)
    client.force_login(editor_a)

    page = client.get(_history_url(membership)).content.decode()

    assert "<strong>Role:</strong> Member &rarr; Chair" in page  # the label and the choices' display values
    assert "<strong>Organisation:</strong> Northshire NHS Foundation Trust &rarr; (empty)" in page  # by name
    assert "<strong>End date:</strong> (empty) &rarr;" in page
    assert "organisation_id" not in page
    assert "Modified at" not in page  # stamped on every save, not a change anyone made
    assert not re.search(r"\bNone\b", page)


@pytest.mark.django_db
def test_a_version_shows_its_values_by_label_and_name(client, editor_a, ics_a):
    membership = _membership_with_three_versions(editor_a, ics_a)
    first = _versions(membership)[0]
    client.force_login(editor_a)

    response = client.get(
        reverse("admin:governance_boardmembership_simple_history", args=[membership.pk, first.history_id])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<option value="member" selected>Member</option>' in page
    assert "Northshire NHS Foundation Trust" in page
    assert "Dana Example" in page
    assert not re.search(r"\bNone\b", page)


@pytest.mark.django_db
def test_any_two_versions_are_compared_field_by_field(client, editor_a, ics_a):
    membership = _membership_with_three_versions(editor_a, ics_a)
    first, _, last = _versions(membership)
    client.force_login(editor_a)

    response = client.get(_history_url(membership), {"compare_from": first.history_id, "compare_to": last.history_id})

    comparison = response.context["comparison"]["changes"]
    assert [(change.field, change.old, change.new) for change in comparison] == [
        ("End date", "(empty)", "31 Mar 2025"),
        ("Organisation", "Northshire NHS Foundation Trust", "(empty)"),
        ("Role", "Member", "Chair"),
    ]
    page = response.content.decode()
    assert '<th scope="row">Role</th>' in page
    assert re.search(rf'name="compare_from" value="{first.history_id}"[^>]*checked', page)  # the choice, kept


@pytest.mark.django_db
def test_the_history_list_preselects_the_last_change_for_comparison(client, editor_a, ics_a):
    membership = _membership_with_three_versions(editor_a, ics_a)
    _, middle, last = _versions(membership)
    client.force_login(editor_a)

    page = client.get(_history_url(membership)).content.decode()

    assert re.search(rf'name="compare_from" value="{middle.history_id}"[^>]*checked', page)
    assert re.search(rf'name="compare_to" value="{last.history_id}"[^>]*checked', page)
    assert "Compare the chosen versions" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "choice,message",
    [
        ({"compare_from": "x", "compare_to": "1"}, "Choose one version in each column to compare them."),
        ({"compare_from": "²", "compare_to": "1"}, "Choose one version in each column to compare them."),
        ({"compare_to": "1"}, "Choose one version in each column to compare them."),
        ("same", "Choose two different versions to compare."),
        ("another record's", "One of the chosen versions is not in this record's history."),
        (
            {"compare_from": "1", "compare_to": "99999999999999999999"},
            "One of the chosen versions is not in this record's history.",
        ),
    ],
)
def test_a_comparison_of_versions_that_cannot_be_compared_says_why(client, editor_a, ics_a, choice, message):
    membership = _membership_with_three_versions(editor_a, ics_a)
    first = _versions(membership)[0]
    other = f.BoardMembershipFactory(board=membership.board).history.get()
    if choice == "same":
        choice = {"compare_from": first.history_id, "compare_to": first.history_id}
    elif choice == "another record's":
        choice = {"compare_from": first.history_id, "compare_to": other.history_id}
    client.force_login(editor_a)

    response = client.get(_history_url(membership), choice)

    assert response.status_code == 200
    assert response.context["comparison_error"] == message
    assert "comparison" not in response.context


@pytest.mark.django_db
def test_who_may_not_see_the_record_gets_no_comparison(client, editor_a, editor_b, ics_a):
    membership = _membership_with_three_versions(editor_a, ics_a)
    first, _, last = _versions(membership)
    client.force_login(editor_b)

    response = client.get(_history_url(membership), {"compare_from": first.history_id, "compare_to": last.history_id})

    assert response.status_code == 403
    assert "Northshire" not in response.content.decode()


@pytest.mark.django_db
def test_changed_by_links_to_the_user_only_for_those_who_may_open_it(client, editor_a, superuser, ics_a):
    membership = _membership_with_three_versions(editor_a, ics_a)
    user_page = reverse("admin:auth_user_change", args=[editor_a.pk])

    client.force_login(editor_a)
    page = client.get(_history_url(membership)).content.decode()
    assert user_page not in page
    assert "editor_a" in page

    client.force_login(superuser)
    assert f'<a href="{user_page}">editor_a</a>' in client.get(_history_url(membership)).content.decode()


def _links(response):
    return {href for href in re.findall(r'href="([^"#]+)"', response.content.decode()) if href.startswith("/admin/")}


@pytest.mark.django_db
def test_no_link_on_the_history_pages_leads_an_editor_to_a_refusal(client, editor_a, ics_a):
    membership = _membership_with_three_versions(editor_a, ics_a)
    first, _, last = _versions(membership)
    client.force_login(editor_a)
    pages = [
        client.get(_history_url(membership), {"compare_from": first.history_id, "compare_to": last.history_id}),
        client.get(reverse("admin:governance_boardmembership_simple_history", args=[membership.pk, first.history_id])),
    ]

    links = set().union(*map(_links, pages))

    assert reverse("admin:governance_boardmembership_change", args=[membership.pk]) in links
    for link in sorted(links - {reverse("admin:logout")}):
        assert client.get(link).status_code in (200, 302), link


@pytest.mark.django_db
@pytest.mark.parametrize("saves", [1, 10])
def test_the_history_list_runs_the_same_queries_for_few_versions_or_many(
    client, editor_a, ics_a, saves, django_assert_max_num_queries
):
    membership = _membership_with_three_versions(editor_a, ics_a)
    for day in range(1, saves + 1):
        membership.organisation = f.OrganisationFactory()
        membership.end_date = datetime.date(2025, 4, day)
        membership.save()
    client.force_login(editor_a)

    with django_assert_max_num_queries(12):
        page = client.get(_history_url(membership)).content.decode()

    assert page.count("<strong>Organisation:</strong>") == saves + 1
