"""/api/v1/ is a page for people in a browser and the index of lists for programs."""

import re

import pytest

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def page(client, ics_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # the example ICS
        response = client.get("/api/v1/", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_a_browser_gets_a_page_linking_the_docs_schema_and_every_list(page, anon_client):
    assert "<h1>ICS Portal API</h1>" in page and 'class="nhsuk-header"' in page
    assert 'href="/api/v1/docs/"' in page and 'href="/api/v1/schema/"' in page
    for url in anon_client.get("/api/v1/").json().values():
        assert f'href="{url}"' in page


def test_each_example_query_answers(page, anon_client):
    examples = re.findall(r"curl -s '(http://testserver[^']+)'", page)
    assert len(examples) >= 3
    assert any("as_at=" in url for url in examples) and any("format=csv" in url for url in examples)
    for url in examples:
        assert anon_client.get(url.replace("&amp;", "&")).status_code == 200, url


def test_a_program_still_gets_the_json_index(anon_client, ics_a):
    for accept in ("*/*", "application/json"):
        response = anon_client.get("/api/v1/", HTTP_ACCEPT=accept)
        assert response["Content-Type"] == "application/json"
        assert response.json()["icss"] == "http://testserver/api/v1/icss/"


def test_the_headers_api_link_goes_there(client, ics_a):
    assert 'href="/api/v1/">API</a>' in client.get("/").content.decode()
