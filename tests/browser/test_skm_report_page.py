"""The printable SKM publication report (web/laporan-skm.html, /laporan-skm/{unit_id}): public,
laid out as offices publish it, with the figures of GET /api/public/units/{id}/skm."""

from __future__ import annotations

import io
import re

import requests
from playwright.sync_api import Page, expect

from .conftest import DASH, LAPTOP, PHONE_LARGE, assert_accessible, count_text, ikm_text, month_name, nrr_text, percent_text

UNIT = "kel-belawan-bahari"
MUTU = {"A": "Sangat Baik", "B": "Baik", "C": "Kurang Baik", "D": "Tidak Baik"}


def skm(stack, unit: str, period: str) -> dict:
    response = requests.get(f"{stack.api}/api/public/units/{unit}/skm", params={"period": period}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def cells(page: Page, row) -> list[str]:
    return [t.strip() for t in row.locator("th, td").all_text_contents()]


def test_the_report_shows_the_published_figures_and_prints_on_a4(open_page, demo, stack, screenshots):
    data = skm(stack, UNIT, demo.period)
    result = data["result"]
    assert result["n"] > 0 and result["sample"]["required"], "the demo office has responses and a population"

    page = open_page()
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")  # no print dialog headless
    page.goto(f"/laporan-skm/{UNIT}?period={demo.period}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kelurahan Belawan Bahari")
    expect(page.get_by_role("heading", name="LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT (SKM)")).to_be_visible()
    expect(page.get_by_label("Periode", exact=True)).to_have_value(demo.period)
    expect(page.locator("#report-period")).to_have_text(month_name(demo.period))
    expect(page.locator("#ikm")).to_have_text(ikm_text(result["ikm"]))
    expect(page.locator("#mutu")).to_have_text(f"{result['mutu']} ({result['mutu_label']})")
    expect(page.locator("#n")).to_have_text(f"{count_text(result['n'])} orang")
    expect(page.locator("#ikm-total")).to_have_text(ikm_text(result["ikm"]))
    assert_accessible(page, "the SKM report")

    # The sample: said plainly when it is not reached, absent when it is.
    warning = page.locator("#sample-warning")
    if result["sample"]["reached"]:
        expect(warning).to_be_hidden()
    else:
        expect(warning).to_be_visible()
        expect(warning).to_contain_text(f"di bawah sampel minimum ({count_text(result['sample']['required'])} responden")

    # NRR, NRR x 1/9, converted and mutu per unsur; the weakest marked.
    names = {u["code"]: u["name"] for u in data["unsur"]}
    expect(page.locator("#weakest")).to_contain_text(", ".join(f"{names[c]} ({c})" for c in result["weakest"]))
    for i, unsur in enumerate(data["unsur"], start=1):
        row = page.locator(f"#unsur-table tbody tr[data-code='{unsur['code']}']")
        expected_name = unsur["name"] + ("Terendah" if unsur["code"] in result["weakest"] else "")
        assert cells(page, row) == [str(i), unsur["code"], expected_name, nrr_text(unsur["nrr"]), nrr_text(unsur["weighted"]),
                                    ikm_text(unsur["converted"]), f"{unsur['mutu']} ({MUTU[unsur['mutu']]})"]

    # Respondents by profile, results per service, the follow-up plan.
    for group in ("sex", "age", "education", "occupation"):
        rows = page.locator(f"#respondents-{group} tbody tr")
        expect(rows).to_have_count(len(data["respondents"][group]))
        for row, count in zip(rows.all(), data["respondents"][group]):
            assert cells(page, row) == [count["label"], count_text(count["count"]), percent_text(count["count"] / result["n"])]
    services = page.locator("#services-table tbody tr")
    expect(services).to_have_count(len(data["services"]))
    for row, service in zip(services.all(), data["services"]):
        r = service["result"]
        assert cells(page, row) == [service["name"], count_text(r["n"]), ikm_text(r["ikm"]), f"{r['mutu']} ({r['mutu_label']})"]
    plan = page.locator("#plan-table tbody tr")
    expect(plan).to_have_count(len(data["plan"]))
    assert len(data["plan"]) == 3 and data["plan"][0]["code"] == result["weakest"][0]
    for i, (row, step) in enumerate(zip(plan.all(), data["plan"]), start=1):
        assert cells(page, row) == [str(i), f"{step['code']} {step['name']}", nrr_text(step["nrr"]), step["action"], step["responsible"], step["timeline"]]

    # The PDF beside it, and "Cetak" prints.
    href = page.get_by_role("link", name="Unduh PDF").get_attribute("href")
    assert href == f"/api/public/units/{UNIT}/skm.pdf?period={demo.period}"
    pdf = requests.get(stack.api + href, timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page.get_by_role("button", name="Cetak").click()
    assert page.evaluate("window.__printed") == 1

    page.screenshot(path=screenshots / "laporan-skm-laptop.png", full_page=True)
    page.set_viewport_size(PHONE_LARGE)
    page.wait_for_timeout(200)
    page.screenshot(path=screenshots / "laporan-skm-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_LARGE["width"]
    page.set_viewport_size(LAPTOP)

    # On paper: the report alone (no header, picker or buttons), A4, a few pages.
    page.emulate_media(media="print")
    expect(page.locator("#picker")).to_be_hidden()
    expect(page.locator("header")).to_be_hidden()
    expect(page.locator("#report")).to_be_visible()
    expect(page.locator("#ikm")).to_be_visible()
    printed = page.pdf(prefer_css_page_size=True, print_background=True)
    (screenshots / "laporan-skm-cetak.pdf").write_bytes(printed)
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(printed)).pages
    assert 1 <= len(pages) <= 4, len(pages)
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert abs(width - 595) < 3 and abs(height - 842) < 3, (width, height)  # A4 in points
    text = "\n".join(p.extract_text() for p in pages)
    assert "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT (SKM)" in text and ikm_text(result["ikm"]) in text
    assert "Cetak" not in text and "Tampilkan" not in text


def test_a_quarter_from_the_picker(open_page, demo, stack):
    year, month = demo.period.split("-")
    quarter = f"{year}-Q{(int(month) - 1) // 3 + 1}"
    data = skm(stack, UNIT, quarter)
    page = open_page(PHONE_LARGE)
    page.goto(f"/laporan-skm/{UNIT}")
    expect(page.locator("#ikm")).not_to_have_text("…")
    page.get_by_label("Periode", exact=True).select_option(quarter)
    page.get_by_role("button", name="Tampilkan").click()
    roman = ["I", "II", "III", "IV"][int(quarter[-1]) - 1]
    expect(page.locator("#report-period")).to_contain_text(f"Triwulan {roman} {year}")
    expect(page.locator("#ikm")).to_have_text(ikm_text(data["result"]["ikm"]))
    expect(page.locator("#n")).to_have_text(f"{count_text(data['result']['n'])} orang")
    expect(page).to_have_url(re.compile(f"period={quarter}$"))
    assert data["months"][0] <= demo.period <= data["months"][-1]


def test_a_unit_without_responses_says_so(open_page, demo):
    page = open_page()
    page.goto(f"/laporan-skm/bkpsdm-medan?period={demo.period}")
    expect(page.get_by_role("heading", level=1)).to_have_text("BKPSDM Kota Medan")
    expect(page.locator("#ikm")).to_have_text(DASH)
    expect(page.locator("#n")).to_have_text("0 orang")
    expect(page.locator("#sample-warning")).to_have_text("Belum ada responden pada periode ini, sehingga IKM belum dapat dihitung.")
    expect(page.locator("#unsur-table tbody td").filter(has_text=re.compile(f"^{DASH}$"))).to_have_count(9 * 4)


def test_an_unknown_unit(open_page, demo):
    page = open_page(PHONE_LARGE)
    page.goto("/laporan-skm/kel-tidak-ada")
    expect(page.get_by_role("alert")).to_contain_text("tidak kami temukan")
    expect(page.locator("#report")).to_be_hidden()
