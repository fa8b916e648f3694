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
    from playwright.sync_api import expect

    # A page's first load on a busy 2-core machine (a cold function, Chart.js) can take longer than
    # Playwright's 5 s default; waiting longer changes no assertion, only how long it may take.
    expect.set_options(timeout=15_000)
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


def _refused(message, errors: list[str]) -> None:
    """What the Content-Security-Policy blocks, Chromium reports on the console: every page of
    every browser test must work under the policy the stack serves (firebase.json's headers)."""
    if message.type == "error" and "Content Security Policy" in message.text:
        errors.append(f"CSP: {message.text}")


def _on_the_stacks_clock(context, stack) -> None:
    """The page's clock reads the stack's (PANTAU_NOW moves both): the pages work out "today" themselves."""
    if stack.clock_offset_seconds:
        context.clock.install(time=stack.clock().now())


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
    _on_the_stacks_clock(context, stack)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: _refused(message, errors))
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


# -- the dashboard and the SKM report: the seeded demo organisation ---------------------------

LAPTOP = {"width": 1280, "height": 800}
PHONE_LARGE = {"width": 390, "height": 844}


@dataclass
class Demo:
    """The demo organisation of Medan Belawan, seeded into the test stack and scored for last month."""

    stack: object
    period: str  # the month the scoring run scored: tools.demo_data.scoring_period, as the demo does
    accounts: list[dict]

    def one(self, role: str, **where) -> dict:
        return next(a for a in self.accounts if a["role"] == role and all(a.get(k) == v for k, v in where.items()))

    def team_of(self, nip: str) -> list[dict]:
        return [a for a in self.accounts if a["supervisor_nip"] == nip]

    def api(self, account: dict, language: str | None = None):
        from tools.client import Api, sign_in

        return Api(self.stack.api, sign_in(self.stack.auth, account["email"], account["password"]), language)


@pytest.fixture(scope="session")
def demo(stack, uow, clock) -> Demo:
    """Seeds the demo data set (tools/seed.py) once, then scores the demo's month as the monthly job
    would, so there are results, curve checks, findings and the Belawan Bahari investigation."""
    import json
    import time

    from common.services.scoring import run_progress, start_run
    from tools.demo_data import scoring_period
    from tools.seed import seed

    state = Path(stack.state_dir)
    seed(stack, state)
    accounts = json.loads((state / "demo-accounts.json").read_text())
    period = scoring_period(clock.now())
    run = start_run(uow, period, "uji-dasbor", clock.now())
    deadline = time.monotonic() + 180
    while run.status == "running":
        if time.monotonic() > deadline:
            pytest.fail(f"the scoring run of {period} did not finish: {run}", pytrace=False)
        time.sleep(0.5)
        run = run_progress(uow, run.id)
    assert run.status == "completed", run
    return Demo(stack=stack, period=period, accounts=accounts)


@pytest.fixture
def open_page(browser, stack):
    """Opens pages of a given size (laptop by default), each in its own context, and fails the
    test on a JavaScript error in any of them."""
    contexts = []
    errors: list[str] = []

    def open_(viewport: dict | None = None):
        context = browser.new_context(
            base_url=stack.api,
            viewport=viewport or LAPTOP,
            locale="id-ID",
            timezone_id="Asia/Jakarta",
            accept_downloads=True,
            user_agent=f"Mozilla/5.0 (X11; Linux x86_64; uji-{uuid.uuid4().hex[:8]}) Chrome/120",
        )
        contexts.append(context)
        _on_the_stacks_clock(context, stack)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: _refused(message, errors))
        return page

    try:
        yield open_
    finally:
        for context in contexts:
            context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


# How the dashboard and the report write numbers (web/src/format.js), computed here on our own:
# half up on the decimal the API wrote, Indonesian decimal comma, an en dash for a missing value.
DASH = "\u2013"
MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]


def _fixed(value, places: int) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    if value is None:
        return DASH
    text = str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    whole, _, fraction = text.partition(".")
    whole = f"{int(whole):,}".replace(",", ".") if whole not in ("-0",) else whole
    return f"{whole},{fraction}" if fraction else whole


def ikm_text(value) -> str:
    return _fixed(value, 2)


def nrr_text(value) -> str:
    return _fixed(value, 3)


def percent_text(ratio) -> str:
    """A 0..1 ratio as the pages write it: 0.0606 -> 6,1%."""
    from decimal import Decimal

    if ratio is None:
        return DASH
    return _fixed(float(Decimal(repr(ratio)) * 100), 1) + "%"


def count_text(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def month_name(period: str) -> str:
    year, month = period.split("-")
    return f"{MONTHS_ID[int(month) - 1]} {year}"


# -- accessibility: axe-core (pinned in package.json) run inside the page -----------------------

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def accessibility_problems(page, include: str | None = None) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (or inside one
    element), each with up to five of the elements it found. The script is evaluated through
    the DevTools protocol, so the page's Content-Security-Policy stays as served."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): npm ci installs it (package.json pins it)", pytrace=False)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text() + "\n;0")
    found = page.evaluate(
        """async ([include, tags]) => {
          const result = await axe.run(include ? { include: [include] } : document,
                                       { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
          return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) =>
            `${v.impact} ${v.id}: ${v.help} -> ` + v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' (' + n.failureSummary.replace(/\\s+/g, ' ') + ')').join('; '));
        }""",
        [include, AXE_TAGS],
    )
    return found


def assert_accessible(page, where: str, include: str | None = None) -> None:
    problems = accessibility_problems(page, include)
    assert not problems, f"axe-core, {where}:\n  " + "\n  ".join(problems)
