"""The partner directory on a phone: results on the first screen, filters after them, rows stacked, not squashed."""

import pytest
from selenium.webdriver.common.by import By

from .test_pages import axe_violations, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = (390, 844)


def top(element):
    return element.rect["y"]


def test_the_directory_on_a_phone_shows_results_first_in_stacked_rows(browser, live_server, portal, screenshot):
    browser.set_window_size(*PHONE)
    try:
        open_page(browser, live_server, "/partners/?ics=west-yorkshire")
        screenshot(browser, "mobile-partner-directory")

        first_row = browser.find_element(By.CSS_SELECTOR, "main table tbody tr")
        organisation, kind, partner_of = first_row.find_elements(By.TAG_NAME, "td")
        assert top(organisation) < PHONE[1]  # the first result is on the first screen
        assert top(organisation) < top(kind) < top(partner_of)  # stacked, each under the one before
        assert "Kind" in kind.text  # each carries its column's heading
        assert top(partner_of) < top(browser.find_element(By.ID, "filters"))
        assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
        assert not axe_violations(browser)
    finally:
        browser.set_window_size(1280, 1000)
