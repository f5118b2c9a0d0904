"""The directory on a phone: results come first (in source order, so in focus and reading order too), the filters
after them with a link down to them, and its table stacks with each cell labelled."""

import re

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_results_come_before_the_filters_with_a_link_down_to_them(client):
    ics = f.IntegratedCareSystemFactory()
    f.PartnershipFactory(ics=ics, organisation=f.OrganisationFactory(name="Leeds Teaching Hospitals"))

    html = client.get("/partners/", {"ics": ics.slug}).content.decode()

    link, results, table, filters = (
        html.index('href="#filters"'),
        html.index('id="results-heading"'),
        html.index("Leeds Teaching Hospitals"),
        html.index('id="filters"'),
    )
    assert results < link < table < filters
    assert ">Change the filters</a>" in html


def test_the_filters_in_use_are_named_above_the_results(client):
    ics = f.IntegratedCareSystemFactory(short_name="West Yorkshire")
    f.PartnershipFactory(ics=ics, organisation=f.OrganisationFactory(kind="nhs_trust"))

    html = client.get("/partners/", {"ics": ics.slug, "kind": "nhs_trust", "sector": "nonsense"}).content.decode()

    named = html[html.index("Filtered by") :].split("</p>")[0]
    assert html.index('id="results-heading"') < html.index("Filtered by") < html.index('id="filters"')
    assert "Filtered by ICS: <strong>West Yorkshire</strong>; Kind: <strong>NHS trust</strong>." in named
    assert "Sector" not in named  # a value the form refused is in the error summary, not named as in use


def test_a_bad_filter_is_summarised_above_the_results(client):
    html = client.get("/partners/", {"kind": "spaceship"}).content.decode()

    summary = html.index("A filter could not be used")
    assert summary < html.index('id="results-heading"')
    assert 'href="#id_kind"' in html[summary:]


def test_each_cell_carries_its_column_heading_for_a_phone(client):
    f.PartnershipFactory(organisation=f.OrganisationFactory(name="Leeds Teaching Hospitals"))

    html = client.get("/partners/").content.decode()

    assert 'class="nhsuk-table nhsuk-table--responsive" role="table"' in html
    for heading in ("Organisation", "Kind", "Partner of"):
        assert f'<span class="nhsuk-table__heading" aria-hidden="true">{heading} </span>' in html


def test_the_filters_chosen_stay_selected(client):
    ics = f.IntegratedCareSystemFactory(short_name="West Yorkshire")
    f.PartnershipFactory(ics=ics, organisation=f.OrganisationFactory(kind="nhs_trust"))

    html = client.get("/partners/", {"ics": ics.slug, "kind": "nhs_trust"}).content.decode()

    assert re.findall(r'<option value="([^"]*)" selected>', html) == [ics.slug, "nhs_trust"]
