"""A newcomer's path through the portal, and axe-core over one page of every kind."""

import json

import pytest
from django.urls import reverse
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from .conftest import AXE_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def open_page(browser, live_server, path):
    browser.get(live_server.url + path)
    assert "Server Error" not in browser.title
    return browser


def click_link_to(browser, path):
    """Click the first link on the page whose href is `path` (optionally with a query string)."""
    links = [
        a
        for a in browser.find_elements(By.CSS_SELECTOR, "main a[href]")
        if a.get_attribute("href").split("//", 1)[1].split("/", 1)[1].split("?")[0] == path.lstrip("/")
    ]
    assert links, f"no link to {path} on {browser.current_url}"
    links[0].click()
    wait_for(browser, lambda d: d.current_url.split("?")[0].endswith(path))


def wait_for(browser, condition, timeout=10):
    """Wait for the next page (a click or submit returns before the browser navigates).

    While the old page unloads, Chromium may answer a question about one of its elements with an inspector
    error ("Node with given id does not belong to the document") instead of "stale": ask again."""
    navigating = WebDriverWait(browser, timeout, ignored_exceptions=(WebDriverException,))
    navigating.until(condition)
    navigating.until(lambda d: d.execute_script("return document.readyState") == "complete")


def submit(browser, element, expected_url_part):
    if element.tag_name == "button":
        element.click()
    else:
        element.submit()
    wait_for(browser, expected_conditions.url_contains(expected_url_part))


def heading(browser):
    return browser.find_element(By.TAG_NAME, "h1").text


def test_newcomer_path_from_home_to_a_meeting(browser, live_server, portal, screenshot):
    open_page(browser, live_server, "/")
    assert "Integrated care systems" in heading(browser)
    screenshot(browser, "01-home")

    click_link_to(browser, portal["ics"].get_absolute_url())
    assert "West Yorkshire" in heading(browser)
    screenshot(browser, "02-ics")

    click_link_to(browser, portal["place"].get_absolute_url())
    assert "Leeds" in heading(browser)
    screenshot(browser, "03-place")

    click_link_to(browser, portal["organisation"].get_absolute_url())
    assert heading(browser) == "Leeds Teaching Hospitals NHS Trust"
    screenshot(browser, "04-organisation")

    click_link_to(browser, portal["board"].get_absolute_url())
    assert heading(browser) == "Leeds Committee of the West Yorkshire ICB"
    screenshot(browser, "05-board")

    click_link_to(browser, portal["meeting"].get_absolute_url())
    body = browser.find_element(By.TAG_NAME, "main").text
    assert "Leeds winter plan" in body
    assert "Approved the winter plan." in body
    screenshot(browser, "06-meeting")


def test_newcomer_filters_the_partner_directory(browser, live_server, portal, screenshot):
    open_page(browser, live_server, "/partners/")
    Select(browser.find_element(By.NAME, "ics")).select_by_visible_text("West Yorkshire")
    Select(browser.find_element(By.NAME, "kind")).select_by_visible_text("Local authority")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"), "kind=local_authority")
    rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    assert [row.find_element(By.TAG_NAME, "a").text for row in rows] == ["Leeds City Council"]
    screenshot(browser, "07-partner-directory")

    click_link_to(browser, "/organisations/leeds-city-council/")
    assert heading(browser) == "Leeds City Council"


def test_newcomer_searches_by_ods_code_and_by_word(browser, live_server, portal, screenshot):
    open_page(browser, live_server, "/")
    box = browser.find_element(By.ID, "search-field")
    box.send_keys("RR8")
    submit(browser, box, "/search/?q=RR8")
    click_link_to(browser, portal["organisation"].get_absolute_url())
    assert heading(browser) == "Leeds Teaching Hospitals NHS Trust"

    open_page(browser, live_server, "/search/?q=leeds+committees")
    results = browser.find_element(By.ID, "search-summary").text
    assert "result" in results and "No results" not in results
    screenshot(browser, "08-search")
    click_link_to(browser, portal["board"].get_absolute_url())


def axe_violations(browser):
    browser.execute_script(AXE_JS.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
          .then(r => done({violations: r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}))}))
          .catch(e => done({error: String(e)}));
        """,
        AXE_TAGS,
    )
    assert "error" not in result, result
    return result["violations"]


def page_of_every_kind(portal):
    return {
        "home": "/",
        "ics": portal["ics"].get_absolute_url(),
        "ics-as-at-2021": portal["ics"].get_absolute_url() + "?as_at=2021-04-01",
        "ics-bad-date": portal["ics"].get_absolute_url() + "?as_at=2021-02-30",
        "place": portal["place"].get_absolute_url(),
        "partner-directory": "/partners/?ics=west-yorkshire",
        "organisation": portal["organisation"].get_absolute_url(),
        "board": portal["board"].get_absolute_url(),
        "board-decisions": reverse("governance:board_decisions", kwargs={"slug": portal["board"].slug}),
        "ics-decisions": reverse("governance:ics_decisions", kwargs={"slug": portal["ics"].slug}) + "?q=plan",
        "ics-meetings": reverse("governance:ics_meetings", kwargs={"slug": portal["ics"].slug}),
        "meeting": portal["meeting"].get_absolute_url(),
        "mou": portal["mou"].get_absolute_url(),
        "person": portal["person"].get_absolute_url(),
        "api": "/api/v1/",
        "search": "/search/?q=leeds",
        "search-no-results": "/search/?q=zzzzz",
        "not-found": "/no-such-page/",
    }


def test_axe_harness_reports_a_real_violation(browser, live_server, portal):
    """Guards against a vacuous pass: an image with no alt text must be reported."""
    open_page(browser, live_server, "/")
    browser.execute_script(
        "const img = document.createElement('img'); img.src = '/favicon.svg';"
        " document.querySelector('main').append(img);"
    )
    assert "image-alt" in [v["id"] for v in axe_violations(browser)]


def test_server_error_page_looks_like_the_site_and_passes_axe(browser, live_server, settings, screenshot):
    settings.ROOT_URLCONF = "tests.browser.failing_urls"
    browser.get(live_server.url + "/deliberate-failure/")
    assert heading(browser) == "Sorry, there is a problem with the service"
    assert (
        browser.execute_script("return getComputedStyle(document.querySelector('.nhsuk-header')).backgroundColor")
        == "rgb(0, 94, 184)"
    ), "the NHS.UK stylesheet did not load on the 500 page"
    screenshot(browser, "axe-server-error")
    assert not axe_violations(browser)


def test_axe_finds_no_wcag_22_aa_violations_on_any_kind_of_page(browser, live_server, portal, screenshot):
    failures = {}
    for name, path in page_of_every_kind(portal).items():
        open_page(browser, live_server, path)
        violations = axe_violations(browser)
        screenshot(browser, f"axe-{name}")
        if violations:
            failures[f"{name} {path}"] = violations
    assert not failures, "axe-core found WCAG violations:\n" + json.dumps(failures, indent=2)


def test_pages_work_on_a_phone_sized_screen(browser, live_server, portal, screenshot):
    browser.set_window_size(390, 844)
    try:
        phone_pages = {name: portal[name].get_absolute_url() for name in ("ics", "board")}
        phone_pages["ics-decisions"] = reverse("governance:ics_decisions", kwargs={"slug": portal["ics"].slug})
        for name, path in phone_pages.items():
            open_page(browser, live_server, path)
            scroll_width = browser.execute_script("return document.documentElement.scrollWidth")
            screenshot(browser, f"mobile-{name}")
            assert scroll_width <= 390, f"{name} page scrolls sideways on a phone ({scroll_width}px)"
            assert not axe_violations(browser)
    finally:
        browser.set_window_size(1280, 1000)
