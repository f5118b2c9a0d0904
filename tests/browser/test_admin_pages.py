"""The admin's pages in a real browser, at the width of the commonest office laptop screen."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from .test_pages import open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = (1366, 768)


@pytest.fixture
def signed_in(browser, live_server):
    """The browser signed in to the admin as a superuser (through the session cookie)."""
    user = get_user_model().objects.create_superuser(username="clerk", password="a-long-test-password")
    client = Client()
    client.force_login(user)
    browser.get(live_server.url + "/robots.txt")  # a cookie is set for the site the browser is on
    browser.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    )
    size = browser.get_window_size()
    browser.set_window_size(*LAPTOP)
    try:
        yield browser
    finally:
        browser.delete_all_cookies()
        browser.set_window_size(size["width"], size["height"])


def test_the_organisation_form_fits_a_laptop_screen(signed_in, live_server, portal, screenshot):
    organisation = portal["organisation"]
    open_page(signed_in, live_server, f"/admin/partners/organisation/{organisation.pk}/change/")
    assert organisation.name in signed_in.title
    screenshot(signed_in, "admin-organisation-1366")
    assert signed_in.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
