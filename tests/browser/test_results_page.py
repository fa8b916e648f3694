"""The public results page (web/hasil.html): responses go in through the real
POST /api/surveys, and the page must show the n, NRR and IKM we compute here
from what we sent (exact fractions, rounded once, half up)."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from playwright.sync_api import Page, expect

from common.domain.survey import UNSUR, UNSUR_CODES
from tools.client import Api

from .conftest import assert_accessible

# Five people for each service: the fewest a figure is shown for (PANTAU_SURVEY_MIN_RESPONDENTS).
RESPONSES = [
    ("sk-domisili", {"U1": 4, "U2": 3, "U3": 2, "U4": 4, "U5": 3, "U6": 3, "U7": 4, "U8": 3, "U9": 3}),
    ("sk-domisili", {"U1": 3, "U2": 3, "U3": 1, "U4": 4, "U5": 3, "U6": 4, "U7": 4, "U8": 2, "U9": 3}),
    ("sk-domisili", {"U1": 4, "U2": 4, "U3": 3, "U4": 4, "U5": 3, "U6": 3, "U7": 3, "U8": 3, "U9": 3}),
    ("sk-domisili", {"U1": 3, "U2": 4, "U3": 2, "U4": 4, "U5": 4, "U6": 3, "U7": 4, "U8": 3, "U9": 4}),
    ("sk-domisili", {"U1": 4, "U2": 3, "U3": 2, "U4": 3, "U5": 3, "U6": 4, "U7": 3, "U8": 3, "U9": 3}),
    ("sk-usaha", {"U1": 4, "U2": 4, "U3": 2, "U4": 4, "U5": 4, "U6": 3, "U7": 3, "U8": 3, "U9": 4}),
    ("sk-usaha", {"U1": 3, "U2": 3, "U3": 3, "U4": 4, "U5": 3, "U6": 3, "U7": 4, "U8": 3, "U9": 3}),
    ("sk-usaha", {"U1": 4, "U2": 3, "U3": 2, "U4": 4, "U5": 4, "U6": 4, "U7": 4, "U8": 4, "U9": 3}),
    ("sk-usaha", {"U1": 3, "U2": 4, "U3": 3, "U4": 4, "U5": 3, "U6": 3, "U7": 3, "U8": 3, "U9": 4}),
    ("sk-usaha", {"U1": 4, "U2": 3, "U3": 2, "U4": 4, "U5": 3, "U6": 4, "U7": 3, "U8": 2, "U9": 3}),
]
MUTU = [(Decimal("88.31"), "A (Sangat Baik)"), (Decimal("76.61"), "B (Baik)"), (Decimal("65.00"), "C (Kurang Baik)"), (Decimal("0"), "D (Tidak Baik)")]


def half_up(value: Fraction, places: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def shown(value: Decimal) -> str:
    """How the page writes a number: Indonesian decimal comma."""
    return str(value).replace(".", ",")


def expected(answers: list[dict[str, int]]) -> tuple[dict[str, Fraction], Decimal, str]:
    n = len(answers)
    nrr = {code: Fraction(sum(a[code] for a in answers), n) for code in UNSUR_CODES}
    ikm = half_up(sum(nrr.values(), Fraction(0)) / 9 * 25, 2)
    mutu = next(label for floor, label in MUTU if ikm >= floor)
    return nrr, ikm, mutu


def month_name(day: date) -> str:
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]
    return f"{months[day.month - 1]} {day.year}"


def post_responses(stack, unit_id: str, unique: str, responses=RESPONSES) -> list[str]:
    api = Api(stack.api)
    receipts = []
    for service, answers in responses:
        reply = api.post("/api/surveys", json={
            "unit_id": unit_id, "service_id": service, "service_date": stack.clock().today().isoformat(),
            "answers": answers, "source": "web",
        })
        assert reply.status_code == 201, reply.text
        receipts.append(reply.json()["receipt"])
    return receipts


def test_results_show_the_ikm_nrr_and_the_sample_warning(page: Page, stack, survey_unit, unique, screenshots, clock):
    # Three people so far: no figure yet, and the page says why. (The results are cached for five
    # minutes, as a phone would keep them: this page's cache is off to see the next five at once.)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    post_responses(stack, survey_unit.id, unique, RESPONSES[:3])
    page.goto(f"/hasil/{survey_unit.id}")
    expect(page.locator("#sample-warning")).to_contain_text("baru 3 responden")
    expect(page.locator("#sample-warning")).to_contain_text("mulai 5 responden")
    expect(page.locator("#ikm")).to_have_text("–")
    assert_accessible(page, "the results page below five respondents")

    post_responses(stack, survey_unit.id, unique, RESPONSES[3:])
    nrr, ikm, mutu = expected([a for _, a in RESPONSES])
    weakest = min(nrr, key=nrr.get)
    assert list(nrr.values()).count(nrr[weakest]) == 1, "the data set has one weakest unsur"

    page.goto(f"/hasil/{survey_unit.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(survey_unit.name)
    this_month = clock.today()
    expect(page.get_by_label("Periode", exact=True)).to_have_value(this_month.strftime("%Y-%m"))
    expect(page.get_by_role("heading", name=f"Hasil periode {month_name(this_month)}")).to_be_visible()
    expect(page.locator("#n")).to_have_text("10 orang")
    expect(page.locator("#ikm")).to_have_text(shown(ikm))
    expect(page.locator("#mutu")).to_have_text(mutu)

    table = page.get_by_role("table", name=re.compile("NRR"))
    for u in UNSUR:
        row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=u.name))
        expect(row.get_by_role("cell").first).to_have_text(u.code)
        expect(row.get_by_role("cell").nth(1)).to_have_text(shown(half_up(nrr[u.code], 3)))
        if u.code == weakest:
            expect(row.get_by_role("rowheader")).to_contain_text("Terendah")
        else:
            expect(row.get_by_role("rowheader")).not_to_contain_text("Terendah")
    weakest_name = next(u.name for u in UNSUR if u.code == weakest)
    expect(page.get_by_text(f"Unsur dengan nilai terendah: {weakest_name} ({weakest}).")).to_be_visible()

    # Below the Krejcie-Morgan sample: 500 served a year is 42 a month (pro rata), whose sample is
    # 38; said plainly, with n and the requirement.
    warning = page.locator("#sample-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("di bawah sampel minimum")
    expect(warning).to_contain_text("10 orang")
    expect(warning).to_contain_text("38 responden untuk populasi 42 orang")

    services = page.get_by_role("table", name="IKM per jenis layanan")
    for service_id, name in survey_unit.services.items():
        answers = [a for s, a in RESPONSES if s == service_id]
        _, service_ikm, service_mutu = expected(answers)
        row = services.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))
        cells = row.get_by_role("cell")
        expect(cells.nth(0)).to_have_text(str(len(answers)))
        expect(cells.nth(1)).to_have_text(shown(service_ikm))
        expect(cells.nth(2)).to_contain_text(service_mutu)
    page.screenshot(path=screenshots / "hasil.png", full_page=True)
    assert_accessible(page, "the results page")

    # The year holds the same ten responses; last month holds none.
    page.get_by_label("Periode", exact=True).select_option(str(this_month.year))
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_role("heading", name=f"Hasil periode Tahun {this_month.year}")).to_be_visible()
    expect(page.locator("#n")).to_have_text("10 orang")
    expect(page.locator("#ikm")).to_have_text(shown(ikm))

    last_month = date(this_month.year - (this_month.month == 1), (this_month.month - 2) % 12 + 1, 1)
    page.get_by_label("Periode", exact=True).select_option(last_month.strftime("%Y-%m"))
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_role("heading", name=f"Hasil periode {month_name(last_month)}")).to_be_visible()
    expect(page.locator("#n")).to_have_text("0 orang")
    expect(page.locator("#ikm")).to_have_text("–")
    expect(page.locator("#sample-warning")).to_contain_text("Belum ada responden")
    expect(table.get_by_role("cell", name="–")).to_have_count(9)


def test_results_of_an_unknown_unit(page: Page):
    page.goto("/hasil/kel-tidak-ada")
    expect(page.get_by_role("alert")).to_contain_text("tidak kami temukan")
