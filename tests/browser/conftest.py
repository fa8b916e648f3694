"""Browser fixtures: Debian's chromium driven by Playwright, against the real local stack.

The pages under web/ are served by the stack's gateway with the same rewrites as
Firebase Hosting (/survei/** -> survei.html), and talk to the real API functions
on the emulators. Playwright never downloads a browser here: it drives the
system's chromium, and a missing chromium is a failure with a clear message,
not a skip.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".local" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# A cheap Android phone's screen.
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "chromium is not installed, and the browser tests drive the system's chromium "
            "(Playwright must not download one): apt-get install chromium",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, stack):
    """A fresh phone-sized page (own storage) on the stack's hosting URL.

    Each page gets its own User-Agent: the API limits responses per sender
    (a salted hash of address and User-Agent), and every test here comes from
    127.0.0.1, so without it the tests would share one phone's allowance.
    JavaScript errors on the page fail the test.
    """
    context = browser.new_context(
        base_url=stack.api,
        viewport=PHONE,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        user_agent=f"Mozilla/5.0 (Linux; Android 10; uji-{uuid.uuid4().hex[:8]}) Chrome/120 Mobile",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@dataclass
class SurveyUnit:
    id: str
    name: str
    services: dict[str, str]  # id -> name
    population: int


@pytest.fixture
def survey_unit(uow, unique) -> SurveyUnit:
    """A fresh unit with two services, so no test sees another's responses."""
    from common.domain.organisation import ServiceType, Unit
    from common.services import administration

    services = {"sk-domisili": "Surat Keterangan Domisili", "sk-usaha": "Surat Keterangan Usaha"}
    unit = SurveyUnit(id=f"kel-uji-{unique}", name=f"Kelurahan Uji {unique}", services=services, population=500)
    administration.load_units(
        uow,
        [
            Unit(
                id=unit.id,
                name=unit.name,
                services=[ServiceType(id=k, name=v, standard_days=1) for k, v in services.items()],
                population_served=unit.population,
            )
        ],
    )
    return unit


def stored_surveys(uow, unit_id: str) -> list[dict]:
    """Every response stored for a unit, read straight from Firestore."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = uow.client.collection("surveys").where(filter=FieldFilter("unit_id", "==", unit_id))
    return [{"receipt": doc.id, **doc.to_dict()} for doc in query.stream()]
