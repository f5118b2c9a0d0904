import pytest
from django.template import loader
from django.test import RequestFactory
from django.views.defaults import server_error


@pytest.mark.django_db
def test_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "<title>Page not found – ICS Portal</title>" in body
    assert 'class="nhsuk-header' in body
    assert 'action="/search/"' in body


@pytest.mark.django_db
def test_unknown_board_gets_the_friendly_404(client):
    response = client.get("/boards/no-such-board/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_500_page_renders_without_database_or_request(django_assert_num_queries):
    # No django_db mark: any query would fail the test.
    html = loader.get_template("500.html").render()
    assert "Sorry, there is a problem with the service" in html
    assert 'href="/static/nhsuk/nhsuk-frontend.min.css"' in html


def test_server_error_view_uses_the_500_page():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
