"""A governance officer's week, entirely in the browser: a meeting set up, its agenda and papers published,
the meeting held and minuted, the minutes published; and at each step what the public then sees (issue 13)."""

import datetime
import urllib.error
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from governance.models import BoardMembership, Document, Meeting
from staff.models import StaffRole
from tests import factories as f

from .test_pages import open_page, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a clerk's long passphrase"
# The smallest valid PDF: one empty page.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

AGENDA = (  # number, title, type, presenter, confidential
    ("1", "Welcome and apologies", "", "", False),
    ("2", "Leeds winter plan", "decision", "Jo Bloggs, Director of Operations", False),
    ("3", "Estates contract award", "", "", True),
)


@pytest.fixture
def committee(transactional_db):
    """A committee with a quorum of one and five clear days' notice, two voting members, and the governance
    officer who clerks it: a publisher of its ICS."""
    board = f.BoardFactory(
        ics=f.IntegratedCareSystemFactory(short_name="West Yorkshire"),
        name="Leeds Committee",
        slug="leeds-committee",
        quorum=1,
        notice_clear_days=5,
    )
    f.BoardMembershipFactory(
        board=board, person=f.PersonFactory(name="Rebecca Charlwood"), role=BoardMembership.Role.CHAIR
    )
    f.BoardMembershipFactory(board=board, person=f.PersonFactory(name="Julian Hartley"))
    clerk = get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)
    StaffRole.objects.create(user=clerk, ics=board.ics, role=StaffRole.Role.PUBLISHER)
    return board


@pytest.fixture
def signed_out_after(browser):
    """The browser is shared by the session's tests: none of them inherits the clerk's session."""
    yield browser
    log_out(browser)


def log_in(browser, live_server):
    open_page(browser, live_server, "/admin/login/")
    browser.find_element(By.ID, "id_username").send_keys("clerk")
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]"))
    assert "/admin/login/" not in browser.current_url, "the clerk could not log in"


def log_out(browser):
    """Become an anonymous visitor: the session cookie goes."""
    browser.delete_all_cookies()


def click_and_wait(browser, element):
    element.click()
    wait_for(browser, expected_conditions.staleness_of(element))


def main_text(browser):
    return browser.find_element(By.TAG_NAME, "main").text


def summary_value(browser, key):
    """The value of a public page's summary row, e.g. "Status"."""
    return browser.find_element(By.XPATH, f"//dt[normalize-space() = '{key}']/following-sibling::dd").text


def fill(browser, field_id, value):
    field = browser.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(value)


def choose(browser, field_id, *, value=None, text=None):
    select = Select(browser.find_element(By.ID, field_id))
    if value is not None:
        select.select_by_value(value)
    else:
        select.select_by_visible_text(text)


def choose_by_autocomplete(browser, field_id, text):
    """Type into an admin autocomplete (select2) and pick the match, as a clerk does."""
    browser.find_element(By.CSS_SELECTOR, f"#{field_id} + .select2").click()
    search = WebDriverWait(browser, 10).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, ".select2-container--open input"))
    )
    search.send_keys(text)
    match = (By.XPATH, f"//li[contains(@class, 'select2-results__option') and normalize-space() = '{text}']")
    WebDriverWait(browser, 10).until(expected_conditions.element_to_be_clickable(match)).click()
    assert Select(browser.find_element(By.ID, field_id)).first_selected_option.text == text


def add_row(browser, prefix):
    """Click an inline's "Add another" link; the new row's field ids start with what is returned."""
    total = browser.find_element(By.ID, f"id_{prefix}-TOTAL_FORMS")
    n = int(total.get_attribute("value"))
    browser.find_element(By.CSS_SELECTOR, f"#{prefix}-group .add-row a").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, f"id_{prefix}-{n}-id"))
    return f"id_{prefix}-{n}-"


def row_titled(browser, prefix, title):
    """The field id prefix of the saved inline row whose title is `title`."""
    total = int(browser.find_element(By.ID, f"id_{prefix}-TOTAL_FORMS").get_attribute("value"))
    for n in range(total):
        if browser.find_element(By.ID, f"id_{prefix}-{n}-title").get_attribute("value") == title:
            return f"id_{prefix}-{n}-"
    raise AssertionError(f"no {prefix} row titled {title!r}")


def save_and_continue(browser):
    """Press the admin's "Save and continue editing": the page then says it saved, and shows no error."""
    click_and_wait(browser, browser.find_element(By.NAME, "_continue"))
    errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".errornote, .errorlist")]
    assert not errors, errors
    assert "successfully" in messages(browser)


def messages(browser):
    return " ".join(m.text for m in browser.find_elements(By.CSS_SELECTOR, ".messagelist li"))


def act_on_every_row(browser, live_server, changelist, action):
    """Select every row of an admin list and run `action` on them; the admin's message about it."""
    open_page(browser, live_server, changelist)
    browser.find_element(By.ID, "action-toggle").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value(action)
    click_and_wait(browser, browser.find_element(By.NAME, "index"))
    return messages(browser)


def fetch_anonymously(url):
    """GET `url` with no session at all: status and content type."""
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"]


def long_date(day):
    return f"{day:%A} {day.day} {day:%B %Y}"


def set_up_meeting(browser, live_server, *, slug, day, papers):
    """Monday in the admin: the meeting and its agenda, saved; then `papers` (title, agenda item, PDF) on its items,
    which exist once the meeting is saved."""
    open_page(browser, live_server, "/admin/governance/meeting/add/")
    choose_by_autocomplete(browser, "id_board", "Leeds Committee")
    fill(browser, "id_slug", slug)
    fill(browser, "id_starts_at_0", f"{day:%Y-%m-%d}")
    fill(browser, "id_starts_at_1", "14:00")
    fill(browser, "id_location", "Civic Hall, Leeds")
    for position, (number, title, kind, presenter, confidential) in enumerate(AGENDA, start=1):
        row = add_row(browser, "agenda_items")
        fill(browser, row + "number", number)
        fill(browser, row + "position", str(position))
        fill(browser, row + "title", title)
        if kind:
            choose(browser, row + "kind", value=kind)
        fill(browser, row + "presenter", presenter)
        if confidential:
            browser.find_element(By.ID, row + "is_confidential").click()
    save_and_continue(browser)
    for title, item, pdf in papers:
        row = add_row(browser, "documents")
        fill(browser, row + "title", title)
        choose(browser, row + "kind", value=Document.Kind.PAPERS)
        choose(browser, row + "agenda_item", text=item)
        browser.find_element(By.ID, row + "file").send_keys(str(pdf))
    save_and_continue(browser)


def record_the_meeting(browser, live_server, meeting):
    """After the meeting: held, who came or sent apologies (with a deputy), the minutes of its items."""
    open_page(browser, live_server, f"/admin/governance/meeting/{meeting.pk}/change/")
    choose(browser, "id_status", value=Meeting.Status.HELD)
    present, apologies = add_row(browser, "attendance"), add_row(browser, "attendance")
    choose(browser, present + "membership", text="Rebecca Charlwood (Chair, Leeds Committee)")
    choose(browser, present + "status", value="present")
    choose(browser, apologies + "membership", text="Julian Hartley (Member, Leeds Committee)")
    choose(browser, apologies + "status", value="apologies")
    fill(browser, apologies + "deputy", "Sam Deputy, Deputy Chief Executive")
    winter_plan = row_titled(browser, "agenda_items", "Leeds winter plan")
    fill(browser, winter_plan + "minutes", "The committee discussed the winter plan.")
    fill(browser, winter_plan + "resolutions", "Approved the winter plan.")
    fill(browser, row_titled(browser, "agenda_items", "Estates contract award") + "minutes", "Awarded to Firm A.")
    save_and_continue(browser)


def test_a_clerks_week_from_agenda_to_published_minutes(
    browser, live_server, committee, screenshot, signed_out_after, tmp_path
):
    today = timezone.localdate()
    meeting_day = today + datetime.timedelta(days=8)
    slug = f"{meeting_day:%Y-%m-%d}"
    winter_plan, tender = tmp_path / "winter-plan.pdf", tmp_path / "tender-evaluation.pdf"
    winter_plan.write_bytes(PDF)
    tender.write_bytes(PDF)

    # Monday: next week's meeting, its agenda and papers; they go out in time for the notice period.
    log_in(browser, live_server)
    set_up_meeting(
        browser,
        live_server,
        slug=slug,
        day=meeting_day,
        papers=(
            ("Winter plan 2026/27", "2. Leeds winter plan", winter_plan),
            ("Estates tender evaluation", "3. Estates contract award", tender),
        ),
    )
    assert "Published 1 record(s)." in act_on_every_row(
        browser, live_server, "/admin/governance/meeting/", "publish_agenda_selected"
    )
    assert "Published 2 record(s)." in act_on_every_row(
        browser, live_server, "/admin/governance/document/", "publish_selected"
    )
    meeting = Meeting.objects.get(board=committee, slug=slug)
    meeting_url = live_server.url + meeting.get_absolute_url()

    # What the public sees of it: the agenda and the paper, the confidential item by its title only.
    log_out(browser)
    browser.get(meeting_url)
    page = main_text(browser)
    assert "2. Leeds winter plan" in page
    assert "For decision. Presented by Jo Bloggs, Director of Operations" in page
    assert "3. Estates contract award" in page
    assert "Confidential (part 2): taken in private" in page
    assert "Estates tender evaluation" not in page
    due_by = meeting_day - datetime.timedelta(days=6)
    assert summary_value(browser, "Papers due") == (
        f"Papers due by {long_date(due_by)} (5 clear days' notice): published on time"
    )
    assert summary_value(browser, "Minutes") == "The meeting has not happened yet"
    paper_link = browser.find_element(By.LINK_TEXT, "Winter plan 2026/27").get_attribute("href")
    assert fetch_anonymously(paper_link) == (200, "application/pdf")
    tender_url = live_server.url + Document.objects.get(title="Estates tender evaluation").file_url()
    assert fetch_anonymously(tender_url)[0] == 404
    screenshot(browser, "clerk-week-1-public-agenda")

    # The meeting happens. Rather than wait a week, the test moves the week back in the database: the
    # meeting started yesterday, and its agenda and papers were published 9 days before now, so they still
    # came on time. (The admin rightly refuses to mark a meeting held before it starts.)
    nine_days = datetime.timedelta(days=9)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=F("starts_at") - nine_days, agenda_published_at=F("agenda_published_at") - nine_days
    )
    Document.objects.filter(meeting=meeting).update(published_at=F("published_at") - nine_days)
    held_on = meeting_day - nine_days

    log_in(browser, live_server)
    record_the_meeting(browser, live_server, meeting)
    screenshot(browser, "clerk-week-2-admin-meeting")
    # Until the minutes are published, the public sees neither them nor who came.
    with urllib.request.urlopen(meeting_url) as response:
        draft_page = response.read().decode()
    assert "The committee discussed the winter plan." not in draft_page
    assert "Sent apologies" not in draft_page

    # Then the minutes go out, and the public page has the record of the meeting.
    assert "Published 1 record(s)." in act_on_every_row(
        browser, live_server, "/admin/governance/meeting/", "publish_selected"
    )
    log_out(browser)
    browser.get(meeting_url)
    page = main_text(browser)
    assert long_date(held_on) in page
    assert summary_value(browser, "Status") == "Held"
    assert summary_value(browser, "Minutes") == f"Published {today.day} {today:%B %Y}"
    assert "The committee discussed the winter plan." in page
    assert "Approved the winter plan." in page
    assert "Awarded to Firm A." not in page  # a confidential item's minutes are never public
    assert "Quorate: 1 of 2 voting members present; the quorum is 1" in page
    assert "Present\nRebecca Charlwood" in page
    assert "Sent apologies\nJulian Hartley (deputy: Sam Deputy, Deputy Chief Executive)" in page
    assert summary_value(browser, "Papers due") == (
        f"Papers due by {long_date(held_on - datetime.timedelta(days=6))} (5 clear days' notice): published on time"
    )
    screenshot(browser, "clerk-week-3-public-minutes")
