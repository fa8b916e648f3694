"""Acting where one looks, in headless Chromium against the local stack and the demo organisation:
the lurah prints the counter's QR poster, a finding's owner works the finding, the inspectorate
moves an investigation along from its card, BKPSDM starts a scoring run and watches it. Each
action goes through the API, and what the API refuses is shown in the page's language, next to
the field it is about. These tests change the demo's data, so they run after test_dashboard.py.
"""

from __future__ import annotations

import io
import re

import requests
from playwright.sync_api import Page, expect

from .conftest import PHONE_LARGE, assert_accessible, month_name
from .test_dashboard import UNIT, choose_period, sign_in


def decode(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_the_lurah_prints_the_counters_qr_poster_from_the_unit_view(open_page, demo, stack):
    account = demo.one("kepala_unit", unit=UNIT)
    page = open_page()
    sign_in(page, account)
    choose_period(page, demo.period)
    expect(page.locator("#unit-title")).to_have_text(f"Kelurahan Belawan Bahari: {month_name(demo.period)}")
    posters = page.locator("#unit-posters")
    expect(posters.get_by_role("link")).to_have_text(["Poster QR (PDF)", "Poster QR kiosk (PDF)", "Poster QR (SVG, dapat diedit)"])
    pdf_link = posters.get_by_role("link", name="Poster QR (PDF)").get_attribute("href")
    assert pdf_link == f"/api/public/units/{UNIT}/poster.pdf"
    assert posters.get_by_role("link", name="Poster QR kiosk (PDF)").get_attribute("href") == f"/api/public/units/{UNIT}/poster.pdf?kiosk=1"

    pdf = requests.get(stack.api + pdf_link, timeout=30)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    survey = f"{stack.api}/survei/{UNIT}"  # the stack's PANTAU_BASE_URL is its own address
    assert "Kelurahan Belawan Bahari" in text and survey.split("://", 1)[1] in text and "Survei ini anonim" in text

    # The SVG as the browser draws it: a phone's camera reads the survey's address from the picture.
    svg = open_page({"width": 794, "height": 1123})
    svg.goto(posters.get_by_role("link", name="Poster QR (SVG, dapat diedit)").get_attribute("href"))
    assert decode(svg.screenshot()) == [survey]
    svg.goto(f"/api/public/units/{UNIT}/poster.svg?kiosk=1")
    assert decode(svg.screenshot()) == [survey + "?kiosk=1"]
    # And it leads there: the form of this office, in kiosk mode.
    svg.goto(survey + "?kiosk=1")
    expect(svg.get_by_role("heading", level=1)).to_have_text("Kelurahan Belawan Bahari")


def test_a_finding_owner_starts_it_then_marks_it_done_with_a_note(open_page, demo):
    account = demo.one("kepala_unit", unit=UNIT)
    api = demo.api(account)
    mine = [f for f in api.get("/api/findings", params={"limit": 500}).json()["findings"] if f["status"] == "open" and f["unit_id"] == UNIT]
    assert mine, "the demo's scoring leaves the lurah open findings"
    finding = mine[0]

    page = open_page(PHONE_LARGE)
    sign_in(page, account)
    choose_period(page, demo.period)
    item = page.locator(f"#unit-my-findings [data-finding='{finding['id']}']")
    expect(item).to_contain_text(finding["title"])
    item.get_by_text("Tangani temuan ini").click()
    form = item.locator("form")
    assert_accessible(page, "a finding's form", f"#unit-my-findings [data-finding='{finding['id']}']")

    form.get_by_label("Catatan").fill("Jadwal pelatihan manajemen waktu diajukan ke BKPSDM.")
    form.get_by_role("button", name="Mulai tangani").click()
    expect(page.locator("#status")).to_have_text(f"Temuan “{finding['title']}” disimpan: Sedang ditangani.")
    stored = next(f for f in api.get("/api/findings", params={"limit": 500}).json()["findings"] if f["id"] == finding["id"])
    assert stored["status"] == "in_progress" and stored["history"][-1]["note"] == "Jadwal pelatihan manajemen waktu diajukan ke BKPSDM."

    # Done without a note: the API refuses, the page says so in Indonesian, under the field, and focuses it.
    item = page.locator(f"#unit-my-findings [data-finding='{finding['id']}']")
    expect(item).to_contain_text("Sedang ditangani")
    item.get_by_text("Tangani temuan ini").click()
    form = item.locator("form")
    expect(form.get_by_role("button", name="Mulai tangani")).to_have_count(0)  # already in progress
    form.get_by_role("button", name="Tandai selesai").click()
    expect(form.get_by_role("alert")).to_contain_text("Tuliskan catatan penyelesaian.")
    note = form.get_by_label("Catatan")
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(note).to_be_focused()
    expect(form.locator(".err")).to_have_text(["wajib diisi untuk menyelesaikan temuan"])
    assert_accessible(page, "a finding's form with the API's error")

    # The same refusal in English when the page speaks English.
    page.get_by_label("Bahasa").select_option("en")
    item = page.locator(f"#unit-my-findings [data-finding='{finding['id']}']")
    item.get_by_text("Work on this finding").click()
    item.locator("form").get_by_role("button", name="Mark as done").click()
    expect(item.locator("form").get_by_role("alert")).to_contain_text("Write a resolution note.")
    expect(item.locator("form .err")).to_have_text(["required to resolve the finding"])
    page.get_by_label("Language").select_option("id")

    item = page.locator(f"#unit-my-findings [data-finding='{finding['id']}']")
    item.get_by_text("Tangani temuan ini").click()
    item.locator("form").get_by_label("Catatan").fill("Dua staf mengikuti pelatihan manajemen waktu; antrean SKTM selesai dalam 2 hari.")
    item.locator("form").get_by_role("button", name="Tandai selesai").click()
    expect(page.locator("#status")).to_have_text(f"Temuan “{finding['title']}” disimpan: Selesai.")
    expect(page.locator(f"#unit-my-findings [data-finding='{finding['id']}']")).to_have_count(0)  # resolved: off the list
    stored = next(f for f in api.get("/api/findings", params={"limit": 500}).json()["findings"] if f["id"] == finding["id"])
    assert stored["status"] == "resolved" and stored["resolution_note"].startswith("Dua staf")


RED = (0xB0, 0x00, 0x20)  # the "Terbuka" (open) bars


def red_bars(page: Page) -> dict:
    """Where the chart drew the open investigations' colour: the longest horizontal run, the
    thickest bar, and how many separate bars a vertical line through the bars crosses."""
    return page.evaluate(
        """([r, g, b]) => {
          const canvas = document.querySelector("canvas[data-chart='inv-units']");
          const { width, height } = canvas;
          const px = canvas.getContext('2d').getImageData(0, 0, width, height).data;
          const red = (x, y) => { const i = (y * width + x) * 4; return px[i] === r && px[i + 1] === g && px[i + 2] === b; };
          let longest = 0, column = -1;
          for (let y = 0; y < height; y++) {
            let run = 0;
            for (let x = 0; x < width; x++) { run = red(x, y) ? run + 1 : 0; if (run > longest) { longest = run; column = x - Math.floor(run / 2); } }
          }
          let bars = 0, thickest = 0, thick = 0;
          for (let y = 0; y < height; y++) {
            if (red(column, y)) { thick += 1; if (thick === 1) bars += 1; thickest = Math.max(thickest, thick); } else thick = 0;
          }
          return { longest, thickest, bars, width, height: canvas.getBoundingClientRect().height };
        }""",
        list(RED),
    )


def test_the_status_chart_stays_readable_with_one_unit_and_with_fifty(open_page, demo, uow, unique):
    from common.domain.complaints import Investigation, InvestigationStatus

    account = demo.one("inspektorat")
    data = demo.api(account).get("/api/dashboard/investigations").json()
    page = open_page()
    sign_in(page, account)
    expect(page.locator("canvas[data-chart='inv-units']")).to_be_visible()
    page.wait_for_timeout(600)  # the bars' animation
    assert [u["open"] for u in data["by_unit"]] == [1], data["by_unit"]  # the demo: one office, one open investigation
    few = red_bars(page)
    assert few["longest"] > few["width"] * 0.5 and few["thickest"] >= 18, few  # one real bar across the chart, not a sliver
    assert few["height"] < 200, few

    # Fifty offices with an open investigation each: fifty labelled rows, each as thick as before.
    template = Investigation.model_validate(next(i for i in data["investigations"]))
    made = [template.model_copy(update={"id": f"uji-{unique}-{n:02d}", "unit_id": f"kel-uji-{unique}-{n:02d}", "status": InvestigationStatus.OPEN, "history": []})
            for n in range(50)]
    try:
        for investigation in made:
            uow.investigations.put(investigation)
        page.get_by_role("button", name="Muat ulang").click()
        expect(page.locator("#inv-units-table tbody tr")).to_have_count(len(data["by_unit"]) + 50)
        page.wait_for_timeout(600)
        many = red_bars(page)
        assert many["bars"] >= 50 and many["thickest"] >= 18, many
        assert many["height"] >= 50 * 28, many
        assert_accessible(page, "the inspectorate's view with fifty offices", "#panel-investigations figure")
    finally:
        for investigation in made:
            uow.client.collection("investigations").document(investigation.id).delete()


def test_the_inspectorate_moves_an_investigation_from_its_card(open_page, demo):
    account = demo.one("inspektorat")
    api = demo.api(account)
    item = next(i for i in api.get("/api/dashboard/investigations").json()["investigations"] if i["unit_id"] == UNIT and i["status"] == "open")

    page = open_page()
    sign_in(page, account)
    card = page.locator(f"#inv-{item['id']}")
    form = card.locator("form")
    expect(form.get_by_label("Status")).to_have_value("open")
    assert_accessible(page, "an investigation's card with its form", f"#inv-{item['id']}")

    # Closing without findings: refused by the API, said under "Temuan pemeriksaan".
    form.get_by_label("Status").select_option("closed")
    form.get_by_role("button", name="Simpan").click()
    expect(form.get_by_role("alert")).to_contain_text("Tuliskan temuan sebelum menutup investigasi.")
    findings = form.get_by_label("Temuan pemeriksaan")
    expect(findings).to_have_attribute("aria-invalid", "true")
    expect(findings).to_be_focused()
    assert api.get(f"/api/investigations/{item['id']}").json()["status"] == "open"  # nothing written

    form.get_by_label("Status").select_option("in_progress")
    form.get_by_label("Catatan langkah ini").fill("Diverifikasi dan diteruskan ke Lurah Belawan Bahari.")
    form.get_by_role("button", name="Simpan").click()
    expect(page.locator("#status")).to_have_text(f"Pemeriksaan {item['id']} disimpan: Dalam proses.")
    card = page.locator(f"#inv-{item['id']}")
    expect(card.locator("h3 .badge").first).to_have_text("Dalam proses")
    expect(card.locator(".history")).to_contain_text("Diverifikasi dan diteruskan ke Lurah Belawan Bahari.")
    expect(card.locator("form").get_by_label("Status").locator("option")).to_have_count(2)  # in progress (keep) or closed
    assert row_cells(page, item["id"])[2] == "Dalam proses"

    card.locator("form").get_by_label("Status").select_option("closed")
    card.locator("form").get_by_label("Temuan pemeriksaan").fill("Antrean SKTM lambat karena satu petugas; ditambah satu petugas loket.")
    card.locator("form").get_by_role("button", name="Simpan").click()
    expect(page.locator("#status")).to_have_text(f"Pemeriksaan {item['id']} disimpan: Ditutup.")
    card = page.locator(f"#inv-{item['id']}")
    expect(card.locator("form")).to_have_count(0)  # closed: nothing more to do
    expect(card.locator(".history")).to_contain_text("Antrean SKTM lambat karena satu petugas")
    stored = api.get(f"/api/investigations/{item['id']}").json()
    assert stored["status"] == "closed" and [h["status"] for h in stored["history"]][-2:] == ["in_progress", "closed"]


def row_cells(page: Page, investigation_id: str) -> list[str]:
    return [c.strip() for c in page.locator(f"#inv-table tr[data-id='{investigation_id}'] td, #inv-table tr[data-id='{investigation_id}'] th").all_text_contents()]


def test_bkpsdm_starts_a_scoring_run_and_watches_its_progress(open_page, demo):
    account = demo.one("admin")
    api = demo.api(account)
    before = [r["id"] for r in api.get("/api/admin/scoring-runs", params={"period": demo.period}).json()["runs"]]

    page = open_page()
    sign_in(page, account)
    page.get_by_role("tab", name="Penilaian").click()
    choose_period(page, demo.period)
    expect(page.locator("#runs-title")).to_contain_text(month_name(demo.period))
    assert_accessible(page, "the runs view with its start button", "#panel-runs")
    page.get_by_role("button", name=f"Mulai penilaian {month_name(demo.period)}").click()
    progress = page.locator("#run-start progress")
    expect(progress).to_be_visible()
    expect(page.locator("#run-start [role=status]")).to_contain_text(re.compile(r"\d+ dari \d+ unit selesai, \d+ gagal"))
    expect(page.locator("#status")).to_have_text(re.compile(r"^Penilaian \S+ berakhir: Selesai\.$"), timeout=180_000)
    runs = api.get("/api/admin/scoring-runs", params={"period": demo.period}).json()["runs"]
    new = [r for r in runs if r["id"] not in before]
    assert len(new) == 1 and new[0]["status"] == "completed" and new[0]["requested_by"] == account["nip"]
    expect(page.locator(f"#run-{new[0]['id']}")).to_contain_text("Selesai")
    assert page.locator("#runs-list [data-run]").evaluate_all("els => els.map(e => e.dataset.run)")[0] == new[0]["id"]
