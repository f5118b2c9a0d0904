"""Headless Chromium for the browser tests, and one of every kind of record to look at.

Locally the tests skip, saying why, when Chromium, chromedriver or axe-core
(`npm ci`) is missing. In CI (CI=true) a missing tool fails the run instead, so the
accessibility check cannot silently stop running.
"""

import datetime
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

CHROMIUM = Path(os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1000",
)


def missing_tools() -> list[str]:
    missing = [
        f"{path} (Debian package {pkg})"
        for path, pkg in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver"))
        if not path.exists()
    ]
    if not AXE_JS.exists():
        missing.append(f"{AXE_JS} (run `npm ci`)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -r requirements-dev.txt)")
    return missing


def require_tools():
    """Skip locally, but fail in CI, when a tool the browser tests need is missing."""
    missing = missing_tools()
    if not missing:
        return
    reason = "browser tests need " + ", ".join(missing)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    require_tools()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="ics-portal-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def screenshot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(driver, name: str) -> Path:
        """Save the whole page, not just the first screenful."""
        path = SCREENSHOTS / f"{name}.png"
        height = driver.execute_script("return document.documentElement.scrollHeight")
        width = driver.get_window_size()["width"]
        driver.set_window_size(width, min(max(height + 140, 800), 6000))
        driver.save_screenshot(str(path))
        driver.set_window_size(width, 1000)
        return path

    return save


@pytest.fixture
def portal(transactional_db):
    """One of everything along a newcomer's path, the way the public record has it."""
    from governance.models import Board, BoardMembership, Meeting, MoU
    from partners.models import Organisation, Partnership
    from places.models import IcsStage
    from tests import factories as f

    today = timezone.localdate()
    ics = f.IntegratedCareSystemFactory(
        short_name="West Yorkshire",
        name="West Yorkshire Health and Care Partnership",
        slug="west-yorkshire",
        icb_ods_code="QWO",
        population=2_400_000,
        annual_budget=5_000_000_000,
        website="https://www.wypartnership.co.uk/",
    )
    f.IcsStageFactory(
        ics=ics, stage=IcsStage.Stage.STP, start_date=datetime.date(2016, 3, 1), end_date=datetime.date(2018, 5, 23)
    )
    f.IcsStageFactory(
        ics=ics,
        stage=IcsStage.Stage.SHADOW_ICS,
        start_date=datetime.date(2018, 5, 24),
        end_date=datetime.date(2022, 6, 30),
    )
    f.IcsStageFactory(ics=ics, stage=IcsStage.Stage.STATUTORY_ICS, start_date=datetime.date(2022, 7, 1))
    leeds = f.PlaceFactory(ics=ics, name="Leeds", slug="leeds", ods_code="15F", population=800_000, districts="Leeds")
    f.PlaceFactory(ics=ics, name="Wakefield", slug="wakefield", ods_code="03R")
    icb = f.OrganisationFactory(
        name="NHS West Yorkshire Integrated Care Board",
        slug="nhs-west-yorkshire-icb",
        kind=Organisation.Kind.ICB,
        ods_code="QWO",
    )
    trust = f.OrganisationFactory(
        name="Leeds Teaching Hospitals NHS Trust",
        slug="leeds-teaching-hospitals",
        ods_code="RR8",
        website="https://www.leedsth.nhs.uk/",
    )
    council = f.OrganisationFactory(
        name="Leeds City Council",
        slug="leeds-city-council",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        sector=Organisation.Sector.LOCAL_GOVERNMENT,
        ods_code="238",
    )
    f.PartnershipFactory(organisation=icb, ics=ics, role=Partnership.Role.ICB)
    f.PartnershipFactory(organisation=trust, ics=ics, place=leeds)
    f.PartnershipFactory(organisation=council, ics=ics, place=leeds)
    f.ProgrammeFactory(ics=ics, name="Cancer", slug="cancer", lead_organisation=trust)
    icb_board = f.BoardFactory(
        ics=ics,
        name="West Yorkshire ICB Board",
        slug="west-yorkshire-icb-board",
        kind=Board.Kind.ICB_BOARD,
        is_statutory=True,
        start_date=datetime.date(2022, 7, 1),
    )
    board = f.BoardFactory(
        ics=ics,
        place=leeds,
        name="Leeds Committee of the West Yorkshire ICB",
        slug="leeds-committee",
        kind=Board.Kind.COMMITTEE,
        reports_to=icb_board,
        start_date=datetime.date(2022, 7, 1),
        terms_of_reference="Makes decisions for Leeds on behalf of the ICB board.",
    )
    chair = f.PersonFactory(name="Rebecca Charlwood", slug="rebecca-charlwood", title="Chair")
    member = f.PersonFactory(name="Julian Hartley", slug="julian-hartley", title="Chief Executive", provenance="sample")
    f.BoardMembershipFactory(board=board, person=chair, organisation=icb, role=BoardMembership.Role.CHAIR)
    f.BoardMembershipFactory(board=board, person=member, organisation=trust, provenance="sample")
    f.BoardMembershipFactory(
        board=board,
        person=member,
        organisation=trust,
        start_date=datetime.date(2019, 4, 1),
        end_date=datetime.date(2022, 6, 30),
        provenance="sample",
    )
    f.DeclarationOfInterestFactory(person=member, interest="Trustee of Leeds Hospitals Charity", organisation=trust)
    held = f.MeetingFactory(
        board=board,
        slug="2024-03-14",
        starts_at=timezone.make_aware(datetime.datetime(2024, 3, 14, 14, 0)),
        location="Civic Hall, Leeds",
        minutes_published_at=timezone.now(),
    )
    f.AgendaItemFactory(
        meeting=held, number="1", position=1, title="Welcome and apologies", minutes="The chair welcomed members."
    )
    f.AgendaItemFactory(
        meeting=held,
        number="2",
        position=2,
        title="Leeds winter plan",
        summary="Plans for winter pressures.",
        minutes="The committee discussed the plan.",
        resolutions="Approved the winter plan.",
    )
    f.DocumentFactory(meeting=held, title="Papers pack, 14 March 2024")
    f.MeetingFactory(
        board=board,
        slug=f"{today + datetime.timedelta(days=30):%Y-%m-%d}",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        status=Meeting.Status.SCHEDULED,
    )
    mou = f.MoUFactory(
        ics=ics,
        title="West Yorkshire partnership memorandum of understanding",
        slug="wy-mou",
        status=MoU.Status.AGREED,
        summary="How partners hold each other to account.",
    )
    f.DocumentFactory(meeting=None, mou=mou, kind="mou_text", title="MoU text")
    f.MoUFactory(ics=ics, title="Draft data sharing memorandum", slug="draft-mou", published_at=None)
    return {
        "ics": ics,
        "place": leeds,
        "organisation": trust,
        "board": board,
        "meeting": held,
        "mou": mou,
        "person": member,
    }
