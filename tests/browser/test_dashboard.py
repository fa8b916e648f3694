"""The staff dashboard (web/dashboard.html) in headless Chromium against the real local stack,
seeded with the demo organisation and scored for last month.

Each person signs in through the page's own form, as they would. The numbers in every chart's
data table are checked against the API's answer to the same person (a token of their own from
the Auth emulator), written the way we expect them: IKM two decimals, NRR three, capaian and
shares as percent with one decimal, Indonesian decimal comma.
"""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from .conftest import DASH, LAPTOP, PHONE_LARGE, assert_accessible, count_text, ikm_text, month_name, nrr_text, percent_text

UNIT = "kel-belawan-bahari"
STATE_LABELS = {"waiting_review": "Menunggu penilaian", "returned": "Dikembalikan", "accepted": "Diterima",
                "missing": "Tidak melapor", "not_yet": "Belum melapor"}
PREDIKAT_LABELS = {"sangat_baik": "Sangat Baik", "baik": "Baik", "butuh_perbaikan": "Butuh Perbaikan",
                   "kurang_misconduct": "Kurang/Misconduct", "sangat_kurang": "Sangat Kurang"}
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
MUTU_LABELS = {"A": "A (Sangat Baik)", "B": "B (Baik)", "C": "C (Kurang Baik)", "D": "D (Tidak Baik)"}


# -- helpers ----------------------------------------------------------------------------------

def sign_in(page: Page, account: dict) -> None:
    page.goto("/dashboard")
    page.get_by_label("Email").fill(account["email"])
    page.get_by_label("Kata sandi").fill(account["password"])
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def choose_period(page: Page, period: str, label: str = "Periode") -> None:
    page.get_by_label(label, exact=True).select_option(period)


def row_texts(page: Page, table_id: str, key: str, value: str) -> list[str]:
    """The cells (row header first) of the row whose data-<key> is value."""
    row = page.locator(f"#{table_id} tbody tr[data-{key}='{value}']")
    expect(row).to_have_count(1)
    return [t.strip() for t in row.locator("th, td").all_text_contents()]


def row_keys(page: Page, table_id: str, key: str) -> list[str]:
    return page.locator(f"#{table_id} tbody tr[data-{key}]").evaluate_all(f"rows => rows.map(r => r.dataset['{key}'])")


def open_table(page: Page, table_id: str) -> None:
    """Open the chart's "Tabel data" as a person would, and check the table is then visible."""
    figure = page.locator("figure").filter(has=page.locator(f"#{table_id}"))
    figure.get_by_text("Tabel data", exact=True).click()
    expect(page.locator(f"#{table_id}")).to_be_visible()


def charts_drawn(page: Page, *ids: str) -> None:
    for chart in ids:
        canvas = page.locator(f"canvas[data-chart='{chart}']")
        expect(canvas).to_be_visible()
        box = canvas.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, (chart, box)


def wait_for_colour(page: Page, chart: str, colour: str) -> None:
    """Wait until the chart has drawn something in this colour (a bar of that series), which
    ties the picture, not only its table, to the data."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    page.wait_for_function(
        """([chart, r, g, b]) => {
          const canvas = document.querySelector(`canvas[data-chart='${chart}']`);
          if (!canvas || !canvas.width) return false;
          const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let hits = 0;
          for (let i = 0; i < pixels.length; i += 4) if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b) hits++;
          return hits > 50;
        }""",
        arg=[chart, red, green, blue],
    )


def wait_until_still(page: Page, chart: str) -> None:
    """Wait until every chart has followed its box to the viewport's size (Chart.js resizes on the
    next frames, later on a busy machine) and this chart's pixels stop changing (its animation
    after a resize is over). Without the first, a chart not yet resized looks still too."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('canvas[data-chart]')].filter((c) => c.offsetParent !== null)
          .every((c) => c.getBoundingClientRect().width <= c.parentElement.getBoundingClientRect().width + 1)""",
        polling=100,
    )
    page.wait_for_function(
        """(chart) => {
          const canvas = document.querySelector(`canvas[data-chart='${chart}']`);
          const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let sum = canvas.width;
          for (let i = 0; i < pixels.length; i += 16) sum = (sum * 31 + pixels[i] + pixels[i + 1] * 7 + pixels[i + 2] * 13) % 1000000007;
          const still = window.__lastSum && window.__lastSum[chart] === sum;
          window.__lastSum = { ...(window.__lastSum || {}), [chart]: sum };
          return still;
        }""",
        arg=chart,
        polling=250,
    )


def screenshots_both_sizes(page: Page, screenshots, name: str, chart: str) -> None:
    """A laptop and a phone screenshot; on the phone nothing may stick out sideways and the
    chart shrinks to the screen."""
    page.set_viewport_size(LAPTOP)
    wait_until_still(page, chart)
    page.screenshot(path=screenshots / f"{name}-laptop.png", full_page=True)
    page.set_viewport_size(PHONE_LARGE)
    page.wait_for_timeout(300)
    wait_until_still(page, chart)
    page.screenshot(path=screenshots / f"{name}-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_LARGE["width"]
    box = page.locator(f"canvas[data-chart='{chart}']").bounding_box()
    assert box and box["width"] <= PHONE_LARGE["width"], box
    page.set_viewport_size(LAPTOP)


def sheet_nips(path) -> list[str]:
    from openpyxl import load_workbook

    rows = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "NIP")
    return [r[0] for r in rows[header + 1 :] if r and r[0]]


def supervisor(demo) -> dict:
    """The supervisor with the largest team in the demo data."""
    candidates = [a for a in demo.accounts if a["role"] == "atasan"]
    return max(candidates, key=lambda a: (len(demo.team_of(a["nip"])), a["nip"]))


# -- signing in -------------------------------------------------------------------------------

def test_a_wrong_password_is_refused_with_a_clear_message(open_page, demo):
    page = open_page(PHONE_LARGE)
    account = supervisor(demo)
    page.goto("/dashboard")
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    page.get_by_label("Email").fill(account["email"])
    page.get_by_label("Kata sandi").fill("bukan-kata-sandinya")
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("#signin-alert")).to_have_text("Email atau kata sandi salah. Periksa kembali, lalu coba lagi.")
    expect(page.locator("#app")).to_be_hidden()
    expect(page.get_by_label("Kata sandi")).to_be_focused()
    assert_accessible(page, "the sign-in form with its error")


def test_an_asn_without_a_dashboard_view_is_told_so_kindly(open_page, demo):
    account = next(a for a in demo.accounts if a["role"] == "asn" and not demo.team_of(a["nip"]))
    assert demo.api(account).get("/api/dashboard/me").json()["views"] == []
    page = open_page()
    sign_in(page, account)
    expect(page.locator("#nothing")).to_be_visible()
    expect(page.locator("#nothing")).to_contain_text("Belum ada yang dapat ditampilkan untuk akun Saudara")
    expect(page.get_by_role("tab")).to_have_count(0)
    expect(page.get_by_role("tabpanel")).to_have_count(0)  # every panel hidden
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    expect(page.locator("#signin-alert")).to_have_text("")


# -- the supervisor ---------------------------------------------------------------------------

def test_the_supervisor_sees_the_team_states_trends_and_recommendations(open_page, demo, screenshots, tmp_path):
    account = supervisor(demo)
    api = demo.api(account)
    me = api.get("/api/dashboard/me").json()
    assert me["views"] == ["team"]
    data = api.get("/api/dashboard/team", params={"period": demo.period}).json()

    page = open_page()
    sign_in(page, account)
    expect(page.locator("#who-name")).to_have_text(f"{account['name']} (Atasan)")
    expect(page.locator("#tabs")).to_be_hidden()  # one view: no tabs to choose from
    expect(page.locator("#panel-team")).to_be_visible()
    expect(page.locator("#tab-unit")).to_have_count(0)
    expect(page.locator("#panel-unit")).to_be_hidden()
    expect(page.locator("#panel-investigations")).to_be_hidden()
    choose_period(page, demo.period)
    expect(page.get_by_role("heading", level=2, name=f"Tim saya: {month_name(demo.period)}")).to_be_visible()
    charts_drawn(page, "team-states", "team-trend")

    # The states chart's table: one row per state, the API's count.
    open_table(page, "team-states-table")
    for state, label in STATE_LABELS.items():
        assert row_texts(page, "team-states-table", "state", state) == [label, str(data["reports"]["counts"][state])]
    assert sum(data["reports"]["counts"].values()) == len(data["reports"]["members"]) >= 2
    for state, colour in (("waiting_review", "#b35900"), ("accepted", "#1b7a3d")):
        if data["reports"]["counts"][state]:
            wait_for_colour(page, "team-states", colour)
    expect(page.locator("[data-kpi=late]")).to_have_text(str(data["late"]))

    # Each person's capaian per month, from the first month anyone reported; % with one decimal.
    trends = data["trends"]
    first = min(i for i, _ in enumerate(trends[0]["points"]) if any(m["points"][i]["capaian"] is not None for m in trends))
    assert any(p["capaian"] is not None for m in trends for p in m["points"]), "the demo team reported something"
    assert row_keys(page, "team-trend-table", "nip") == [m["nip"] for m in trends]
    for member in trends:
        expected = [member["name"]] + [percent_text(p["capaian"]) for p in member["points"][first:]]
        assert row_texts(page, "team-trend-table", "nip", member["nip"]) == expected

    # The team list and the open recommendations, with their due dates.
    assert sorted(row_keys(page, "team-members-table", "nip")) == sorted(m["nip"] for m in data["reports"]["members"])
    for member in data["reports"]["members"]:
        cells = row_texts(page, "team-members-table", "nip", member["nip"])
        assert cells[0] == member["name"] and cells[2] == STATE_LABELS[member["state"]]
    items = page.locator("#team-recommendations [data-finding]")
    assert items.evaluate_all("els => els.map(e => e.dataset.finding)") == [f["id"] for f in data["recommendations"]]
    for finding in data["recommendations"]:
        item = page.locator(f"#team-recommendations [data-finding='{finding['id']}']")
        expect(item).to_contain_text(finding["title"])
        expect(item.locator("time")).to_have_attribute("datetime", finding["due"])

    # The team's results as XLSX, fetched with the token and saved by the browser.
    results = api.get("/api/team/results", params={"period": demo.period}).json()["results"]
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh XLSX").click()
    assert download.value.suggested_filename == f"hasil-tim-{demo.period}.xlsx"
    saved = tmp_path / "tim.xlsx"
    download.value.save_as(saved)
    assert sorted(sheet_nips(saved)) == sorted(r["nip"] for r in results) and results
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh CSV").click()
    assert download.value.suggested_filename == f"hasil-tim-{demo.period}.csv"
    csv_text = download.value.path().read_text(encoding="utf-8-sig")
    assert csv_text.startswith("NIP;Nama") and all(r["nip"] in csv_text for r in results)  # as Indonesian Excel reads it
    expect(page.locator("#status")).to_have_text(f"Berkas hasil-tim-{demo.period}.csv diunduh.")

    screenshots_both_sizes(page, screenshots, "dasbor-tim", "team-trend")
    if data["recommendations"]:
        page.locator("#team-recommendations details.act summary").first.click()  # a finding's form open, too
    assert_accessible(page, "the team view")


def test_the_dashboard_speaks_english_and_asks_the_api_in_english(open_page, demo):
    account = supervisor(demo)
    page = open_page()
    sign_in(page, account)
    page.get_by_label("Bahasa").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    with page.expect_request(lambda r: "/api/dashboard/team" in r.url) as request:
        choose_period(page, demo.period, "Period")
    assert request.value.headers["accept-language"] == "en"
    year, month = demo.period.split("-")
    expect(page.get_by_role("heading", level=2, name=f"My team: {MONTHS_EN[int(month) - 1]} {year}")).to_be_visible()
    data = demo.api(account, "en").get("/api/dashboard/team", params={"period": demo.period}).json()
    member = next(m for m in data["trends"] if any(p["capaian"] is not None for p in m["points"]))
    value = next(p["capaian"] for p in reversed(member["points"]) if p["capaian"] is not None)
    cells = row_texts(page, "team-trend-table", "nip", member["nip"])
    assert percent_text(value).replace(",", ".") in cells  # a decimal point in English
    assert "Waiting for review" in row_texts(page, "team-states-table", "state", "waiting_review")
    # The choice is remembered for the next visit.
    page.reload()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_label("Language")).to_have_value("en")


def test_an_ended_session_sends_the_person_back_to_sign_in(open_page, demo, stack):
    """The account is disabled while the dashboard is open: the API refuses the token, the
    token cannot be renewed, and the page asks the person to sign in again."""
    import firebase_admin
    from firebase_admin import auth

    busy = supervisor(demo)["nip"]
    account = next(a for a in demo.accounts if a["role"] == "atasan" and a["nip"] != busy)  # not one another test signs in as
    page = open_page()
    sign_in(page, account)
    expect(page.get_by_role("heading", level=2, name=re.compile("^Tim saya: "))).to_be_visible()
    try:
        app = firebase_admin.get_app()
    except ValueError:
        app = firebase_admin.initialize_app(options={"projectId": stack.project})
    uid = auth.get_user_by_email(account["email"], app=app).uid
    auth.update_user(uid, disabled=True, app=app)
    try:
        page.get_by_role("button", name="Muat ulang").click()
        expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
        expect(page.locator("#signin-alert")).to_contain_text("Sesi Saudara telah berakhir. Silakan masuk kembali.")
        expect(page.locator("#app")).to_be_hidden()
        expect(page.get_by_role("button", name="Keluar")).to_be_hidden()
    finally:
        auth.update_user(uid, disabled=False, app=app)


# -- the unit head ----------------------------------------------------------------------------

def test_the_unit_head_sees_ikm_nrr_the_curve_and_what_is_late(open_page, demo, stack, screenshots, tmp_path):
    account = demo.one("kepala_unit", unit=UNIT)
    api = demo.api(account)
    me = api.get("/api/dashboard/me").json()
    assert me["heads"] == [UNIT] and me["views"] == ["team", "unit"]
    data = api.get(f"/api/dashboard/units/{UNIT}", params={"period": demo.period}).json()

    page = open_page()
    sign_in(page, account)
    expect(page.get_by_role("tab", name="Unit")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#unit-picker")).to_be_hidden()  # one unit: nothing to pick
    choose_period(page, demo.period)
    expect(page.locator("#unit-title")).to_have_text(f"Kelurahan Belawan Bahari: {month_name(demo.period)}")
    charts_drawn(page, "unit-ikm", "unit-nrr", "unit-curve")

    year = data["ikm_year"]
    expect(page.locator("[data-kpi=ikm]")).to_have_text(ikm_text(year["ikm"]))
    expect(page.locator("[data-kpi=mutu]")).to_have_text(MUTU_LABELS[year["mutu"]])
    expect(page.locator("[data-kpi=n]")).to_have_text(count_text(year["n"]))
    expect(page.locator("[data-kpi=on_time]")).to_have_text(percent_text(data["on_time_share"]))

    # IKM per month from the first month with responses.
    open_table(page, "unit-ikm-table")
    months = data["ikm_by_month"]
    first = next(i for i, m in enumerate(months) if m["n"] > 0)
    assert row_keys(page, "unit-ikm-table", "period") == [m["period"] for m in months[first:]]
    for month in months[first:]:
        expected = [month_name(month["period"]), count_text(month["n"]), ikm_text(month["ikm"]), MUTU_LABELS[month["mutu"]] if month["mutu"] else DASH]
        assert row_texts(page, "unit-ikm-table", "period", month["period"]) == expected

    # NRR per unsur, the weakest marked in words.
    for unsur in data["unsur"]:
        cells = row_texts(page, "unit-nrr-table", "code", unsur["code"])
        assert cells[0] == unsur["code"] and cells[2] == nrr_text(unsur["nrr"])
        assert ("Terendah" in cells[1]) == (unsur["code"] in year["weakest"]), cells
    assert year["weakest"] == ["U3"]  # the demo's slow office
    wait_for_colour(page, "unit-nrr", "#b00020")  # the weakest bar, drawn in red

    # The predikat distribution against the allowed curve, and the violation said in words.
    assert data["curve"], "last month was scored"
    for bar in data["curve"]:
        assert row_texts(page, "unit-curve-table", "predikat", bar["predikat"]) == [
            PREDIKAT_LABELS[bar["predikat"]], str(bar["count"]), percent_text(bar["share"]), percent_text(bar["min_share"]), percent_text(bar["max_share"])]
    for violation in data["curve_violations"]:
        expect(page.locator("#unit-curve-violations")).to_contain_text(violation)

    # Late and missing reports, findings and investigations with their due dates.
    assert sorted(row_keys(page, "unit-late-table", "nip")) == sorted(p["nip"] for p in data["late"])
    assert sorted(row_keys(page, "unit-missing-table", "nip")) == sorted(p["nip"] for p in data["missing"])
    assert row_keys(page, "unit-findings-table", "finding") == [f["id"] for f in data["findings"]]
    for finding in data["findings"][:5]:
        expect(page.locator(f"#unit-findings-table tr[data-finding='{finding['id']}'] time")).to_have_attribute("datetime", finding["due"])
    assert data["investigations"], "the demo opened an investigation at Belawan Bahari"
    for item in data["investigations"]:
        cells = row_texts(page, "unit-investigations-table", "id", item["id"])
        assert cells[0] == item["id"] and cells[2] == "Terbuka"
        row = page.locator(f"#unit-investigations-table tr[data-id='{item['id']}']")
        expect(row.locator("time").nth(0)).to_have_attribute("datetime", item["due"]["verify_by"])
        expect(row.locator("time").nth(2)).to_have_attribute("datetime", item["due"]["close_by"])

    # The unit's results as XLSX, through the page.
    results = api.get(f"/api/units/{UNIT}/results", params={"period": demo.period}).json()["results"]
    with page.expect_download() as download:
        page.get_by_role("button", name="Hasil penilaian unit (XLSX)").click()
    saved = tmp_path / "unit.xlsx"
    download.value.save_as(saved)
    assert sorted(sheet_nips(saved)) == sorted(r["nip"] for r in results) and results

    # The SKM report as PDF, and as the printable page showing the same IKM and mutu.
    pdf = requests.get(stack.api + page.get_by_role("link", name="Laporan SKM (PDF)").get_attribute("href"), timeout=30)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    screenshots_both_sizes(page, screenshots, "dasbor-unit", "unit-curve")
    for details in page.locator("#unit-content details").all():
        details.locator("summary").click()  # the data tables and the finding forms open
    assert_accessible(page, "the unit view")

    # The tabs work from the keyboard: arrow to "Tim saya" and its panel shows.
    page.get_by_role("tab", name="Unit").focus()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("tab", name="Tim saya")).to_be_focused()
    expect(page.get_by_role("tab", name="Tim saya")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-team")).to_be_visible()
    expect(page.locator("#panel-unit")).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#panel-unit")).to_be_visible()

    skm = requests.get(f"{stack.api}/api/public/units/{UNIT}/skm", params={"period": demo.period}, timeout=30).json()
    page.get_by_role("link", name="Laporan SKM (halaman cetak)").click()
    expect(page).to_have_url(re.compile(f"/laporan-skm/{UNIT}\\?period={demo.period}$"))
    expect(page.locator("#ikm")).to_have_text(ikm_text(skm["result"]["ikm"]))
    expect(page.locator("#mutu")).to_have_text(f"{skm['result']['mutu']} ({skm['result']['mutu_label']})")


def test_past_due_findings_and_investigations_are_flagged_in_words(open_page, demo):
    """The browser's clock a day past every due date: each finding and the investigation say
    "Lewat tenggat", not only in colour."""
    from datetime import date, datetime, timedelta, timezone

    account = demo.one("kepala_unit", unit=UNIT)
    data = demo.api(account).get(f"/api/dashboard/units/{UNIT}", params={"period": demo.period}).json()
    assert data["findings"] and data["investigations"]
    last = max([date.fromisoformat(f["due"]) for f in data["findings"]] + [date.fromisoformat(i["due"]["verify_by"]) for i in data["investigations"]])
    later = datetime.combine(last + timedelta(days=1), datetime.min.time(), timezone(timedelta(hours=7))).replace(hour=9)

    page = open_page()
    page.clock.install(time=later)
    sign_in(page, account)
    choose_period(page, demo.period)
    expect(page.locator("#unit-title")).to_have_text(f"Kelurahan Belawan Bahari: {month_name(demo.period)}")
    rows = page.locator("#unit-findings-table tbody tr")
    expect(rows).to_have_count(len(data["findings"]))
    expect(page.locator("#unit-findings-table tbody tr.is-overdue")).to_have_count(len(data["findings"]))
    expect(page.locator("#unit-findings-table tbody tr").filter(has_text="Lewat tenggat")).to_have_count(len(data["findings"]))
    kinds = {f["kind"] for f in data["findings"]}
    for kind in kinds:
        count = str(sum(f["kind"] == kind for f in data["findings"]))
        assert row_texts(page, "unit-findings-summary", "kind", kind)[-1] == count
    for item in data["investigations"]:
        row = page.locator(f"#unit-investigations-table tr[data-id='{item['id']}']")
        expect(row).to_have_class(re.compile("is-overdue"))
        expect(row.locator(".overdue")).to_have_count(1)  # the next due date only
        expect(row.locator(".overdue time")).to_have_attribute("datetime", item["due"]["verify_by"])


# -- BKPSDM -----------------------------------------------------------------------------------

def test_bkpsdm_picks_any_unit(open_page, demo):
    account = demo.one("admin")
    api = demo.api(account)
    me = api.get("/api/dashboard/me").json()
    assert me["role"] == "admin" and {"unit", "investigations"} <= set(me["views"])
    units = api.get("/api/admin/units").json()["units"]

    page = open_page()
    sign_in(page, account)
    expect(page.locator("#who-name")).to_have_text(f"{account['name']} (BKPSDM)")
    expect(page.get_by_role("tab", name="Unit")).to_have_attribute("aria-selected", "true")
    picker = page.get_by_label("Pilih unit")
    expect(picker.locator("option")).to_have_count(len(units))
    choose_period(page, demo.period)
    picker.select_option("kel-belawan-1")
    expect(page.locator("#unit-title")).to_have_text(f"Kelurahan Belawan I: {month_name(demo.period)}")
    data = api.get("/api/dashboard/units/kel-belawan-1", params={"period": demo.period}).json()
    for month in data["ikm_by_month"]:
        if month["n"]:
            assert row_texts(page, "unit-ikm-table", "period", month["period"])[1:3] == [count_text(month["n"]), ikm_text(month["ikm"])]
    for bar in data["curve"]:
        assert row_texts(page, "unit-curve-table", "predikat", bar["predikat"])[1:3] == [str(bar["count"]), percent_text(bar["share"])]
    expect(page).to_have_url(re.compile("unit=kel-belawan-1"))
    page.get_by_role("tab", name="Pemeriksaan").click()
    expect(page.locator("#inv-table")).to_be_attached()


# -- the inspectorate -------------------------------------------------------------------------

def test_the_inspectorate_sees_investigations_and_the_complaints_behind_them(open_page, demo, screenshots):
    account = demo.one("inspektorat")
    api = demo.api(account)
    data = api.get("/api/dashboard/investigations").json()
    assert any(i["unit_id"] == UNIT for i in data["investigations"])

    page = open_page()
    sign_in(page, account)
    expect(page.get_by_role("tab", name="Pemeriksaan")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("heading", level=2, name="Pemeriksaan pengaduan")).to_be_visible()
    charts_drawn(page, "inv-units")
    wait_for_colour(page, "inv-units", "#b00020")  # the open investigation's bar

    open_table(page, "inv-units-table")
    assert row_keys(page, "inv-units-table", "unit") == [u["unit_id"] for u in data["by_unit"]]
    for unit in data["by_unit"]:
        assert row_texts(page, "inv-units-table", "unit", unit["unit_id"])[1:] == [str(unit["open"]), str(unit["in_progress"]), str(unit["closed"])]
    assert row_keys(page, "inv-table", "id") == [i["id"] for i in data["investigations"]]
    for item in data["investigations"]:
        row = page.locator(f"#inv-table tr[data-id='{item['id']}']")
        assert ("is-overdue" in (row.get_attribute("class") or "")) == (item["id"] in data["overdue"])
        expect(row.locator("time").nth(0)).to_have_attribute("datetime", item["due"]["verify_by"])

    # The complaints behind the Belawan Bahari investigation, one click away.
    item = next(i for i in data["investigations"] if i["unit_id"] == UNIT)
    card = page.locator(f"#inv-{item['id']}")
    complaints = card.locator(f"#complaints-{item['id']}")
    expect(complaints).to_be_hidden()
    card.locator("summary", has_text=f"Pengaduan di balik pemeriksaan ini ({len(item['complaints'])})").click()
    expect(complaints).to_be_visible()
    receipts = complaints.locator("tbody th").all_text_contents()
    assert receipts == [c["receipt"] for c in item["complaints"]] and receipts
    written = next(c for c in item["complaints"] if c["text"])
    expect(complaints.locator("tr").filter(has_text=written["receipt"])).to_contain_text(written["text"])
    screenshots_both_sizes(page, screenshots, "dasbor-pemeriksaan", "inv-units")
    assert_accessible(page, "the inspectorate's view")

    # Any unit, by its id; an unknown one gets the API's own message.
    page.get_by_role("tab", name="Unit").click()
    choose_period(page, demo.period)
    page.get_by_label("Kode unit lain").fill("kel-bagan-deli")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#unit-title")).to_have_text(f"Kelurahan Bagan Deli: {month_name(demo.period)}")
    refused = api.get("/api/dashboard/units/kel-tidak-ada", params={"period": demo.period})
    assert refused.status_code == 404
    page.get_by_label("Kode unit lain").fill("kel-tidak-ada")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#alert")).to_contain_text(refused.json()["error"]["message"])


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard.html"])
def test_the_page_is_served_with_its_bundle(stack, path):
    page = requests.get(stack.api + path, timeout=10)
    assert page.status_code == 200 and 'src="/dist/dashboard.js"' in page.text
    bundle = requests.get(stack.api + "/dist/dashboard.js", timeout=10)
    assert bundle.status_code == 200, "run `npm run build` first"
    assert len(bundle.content) < 450_000, len(bundle.content)
    init = requests.get(stack.api + "/__/firebase/init.json", timeout=10).json()
    assert init["authEmulatorHost"] == f"http://{stack.auth}"


# -- links in e-mails -------------------------------------------------------------------------
# Each test reads a real message from the test stack's mailbox (the notification functions sent
# it to the recipient's address), follows its link in a fresh browser, and signs in as the
# recipient on the page the link opened.

def mail_to(stack, address: str, subject: str):
    """The newest message to this address whose subject contains ``subject`` (waits for it)."""
    from tests.integration.test_notifications import mails_to, wait_for

    found = wait_for(lambda: [m for m in mails_to(stack, address) if subject in m["Subject"]], timeout=90)
    assert found, f"no e-mail to {address} about {subject!r}; have {[m['Subject'] for m in mails_to(stack, address)]}"
    return found[-1]


def sign_in_here(page: Page, account: dict) -> None:
    """Sign in on the page a link opened, without going anywhere else first."""
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    page.get_by_label("Email").fill(account["email"])
    page.get_by_label("Kata sandi").fill(account["password"])
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def query_of(link: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(link).query))


def test_a_finding_link_in_the_runs_summary_opens_the_dashboard_on_that_finding(open_page, demo, stack):
    from tests.mail import links_of, problems

    account = demo.one("kepala_unit", unit=UNIT)
    mail = mail_to(stack, account["email"], "tindak lanjut baru untuk")
    assert problems(mail.as_bytes(), stack.api) == []
    findings = [link for link in links_of(mail) if "finding=" in link]
    assert findings and all(link.startswith(f"{stack.api}/dashboard?") for link in findings)
    mine = {f["id"]: f for f in demo.api(account).get("/api/findings", params={"limit": 500}).json()["findings"]}
    link = findings[-1]
    finding = mine[query_of(link)["finding"]]  # the link names one of the recipient's own findings

    page = open_page(PHONE_LARGE)
    page.goto(link)
    sign_in_here(page, account)
    item = page.locator(f"[data-finding='{finding['id']}']")
    expect(item).to_have_class(re.compile("is-focus"))
    expect(item).to_be_focused()
    expect(item).to_be_in_viewport()
    expect(item).to_contain_text(finding["title"])
    expect(item).to_contain_text("Dari tautan")
    expect(page.locator(".is-focus")).to_have_count(1)
    expect(page.locator("#alert")).to_have_text("")


def test_an_investigation_link_opens_it_for_the_inspectorate_and_for_the_unit_head(open_page, demo, stack):
    from tests.mail import links_of

    for account, view, element in ((demo.one("inspektorat"), "investigations", "article"), (demo.one("kepala_unit", unit=UNIT), "unit", "tr")):
        mail = mail_to(stack, account["email"], "Investigasi pengaduan dibuka")
        (link,) = {u for u in links_of(mail) if "investigation=" in u}
        query = query_of(link)
        assert link.startswith(f"{stack.api}/dashboard?") and query["unit"] == UNIT
        page = open_page()
        page.goto(link)
        sign_in_here(page, account)
        expect(page.get_by_role("tab", name={"investigations": "Pemeriksaan", "unit": "Unit"}[view])).to_have_attribute("aria-selected", "true")
        item = page.locator(f"#panel-{view} {element}[data-id='{query['investigation']}']")
        expect(item).to_have_class(re.compile("is-focus"))
        expect(item).to_be_focused()
        expect(item).to_contain_text("Dari tautan")


def test_a_report_link_opens_the_report_for_its_supervisor(open_page, demo, stack, uow):
    """A member resubmits a report waiting for review; their supervisor, who chose to hear of each
    report at once, gets an e-mail; its link opens the team view on that report."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    accounts = {a["nip"]: a for a in demo.accounts}
    waiting = [d.to_dict() for d in uow.client.collection("reports").where(filter=FieldFilter("status", "==", "submitted")).stream()]
    # The page and the mail are read in Indonesian: a supervisor the demo made English-speaking
    # (one in twenty) would get both in English.
    speaks_id = lambda nip: (uow.client.collection("employees").document(nip).get().to_dict() or {}).get("language") == "id"  # noqa: E731
    waiting = sorted((r for r in waiting if r["nip"] in accounts and r.get("supervisor_nip") in accounts), key=lambda r: (r["period"], r["id"]))
    waiting = [r for r in waiting if speaks_id(r["supervisor_nip"])]
    assert waiting, "the demo has reports waiting for their supervisor's review"
    report = waiting[-1]
    period, member, boss = report["period"], accounts[report["nip"]], accounts[report["supervisor_nip"]]
    assert demo.api(boss).put("/api/me/preferences", json={"modes": {"report_submitted": "immediate"}}).status_code == 200
    content = {**report["content"], "narrative": report["content"]["narrative"] + " Bukti tambahan dilampirkan."}
    sent = demo.api(member).post("/api/reports", json={"period": period, **content})
    assert sent.status_code in (200, 201), sent.text
    assert sent.json()["outcome"] == "resubmitted"

    mail = mail_to(stack, boss["email"], f"Laporan {month_name(period)} menunggu penilaian Anda")
    from tests.mail import links_of

    (link,) = {u for u in links_of(mail) if "report=" in u}
    assert query_of(link) == {"view": "team", "period": period, "report": report["id"]}
    page = open_page(PHONE_LARGE)
    page.goto(link)
    sign_in_here(page, boss)
    card = page.locator("#report-focus")
    expect(card).to_be_visible()
    expect(card).to_be_focused()
    expect(card).to_contain_text(f"Laporan {member['name']}, {month_name(period)}")
    expect(card).to_contain_text("Bukti tambahan dilampirkan.")
    expect(page.locator(f"#team-members-table tr[data-nip='{member['nip']}']")).to_have_class(re.compile("is-focus"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_LARGE["width"]


def test_list_unsubscribe_opens_the_preferences_which_save(open_page, demo, stack):
    account = demo.one("kepala_unit", unit=UNIT)
    mail = mail_to(stack, account["email"], "tindak lanjut baru untuk")
    link = str(mail["List-Unsubscribe"]).strip("<>")
    assert link == f"{stack.api}/dashboard?view=preferences"
    api = demo.api(account)
    before = api.get("/api/me/preferences").json()
    assert before["modes"]["finding_opened"] == "immediate" == before["defaults"]["finding_opened"]
    page = open_page(PHONE_LARGE)
    page.goto(link)
    sign_in_here(page, account)
    expect(page.get_by_role("heading", level=2, name="Pengaturan notifikasi")).to_be_focused()
    choice = page.get_by_role("group", name="Tindak lanjut untuk saya")
    expect(choice.get_by_label("Segera (bawaan)")).to_be_checked()
    choice.get_by_label("Ringkasan harian (16.00 WIB)").check()
    page.get_by_label("E-mail").uncheck()
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#prefs-saved")).to_have_text("Pengaturan disimpan.")
    try:
        after = api.get("/api/me/preferences").json()
        assert after["modes"]["finding_opened"] == "daily" and after["opt_out"] == ["email"]
        page.get_by_role("button", name="Kembali ke dasbor").click()
        expect(page.locator("#prefs")).to_be_hidden()
        expect(page.get_by_role("tab", name="Unit")).to_have_attribute("aria-selected", "true")
    finally:
        api.put("/api/me/preferences", json={})  # back to the role's defaults for the other tests


def test_bkpsdm_sees_what_the_runs_notifications_did(open_page, demo):
    from tests.integration.test_notifications import wait_for

    account = demo.one("admin")
    api = demo.api(account)

    seen = []

    def settled():
        """The run's notifications are delivered after it completes: wait until the totals stop moving."""
        runs = api.get("/api/admin/scoring-runs", params={"period": demo.period}).json()["runs"]
        seen.append(runs)
        still = len(seen) > 1 and seen[-2] == runs
        return still and runs and runs[0]["deliveries"]["channels"]["email"]["sent"] and runs

    runs = wait_for(settled, timeout=120, every=3)
    assert runs, "the demo's run sent its e-mails"
    page = open_page()
    sign_in(page, account)
    page.get_by_role("tab", name="Penilaian").click()
    choose_period(page, demo.period)
    expect(page.locator("#runs-title")).to_have_text(f"Penilaian {month_name(demo.period)}")
    run = runs[0]
    labels = {"inbox": "Kotak masuk", "push": "Push ke aplikasi", "email": "E-mail"}
    for channel, totals in run["deliveries"]["channels"].items():
        assert row_texts(page, f"run-{run['id']}-channels", "channel", channel) == [
            labels[channel], count_text(totals["sent"]), count_text(totals["failed"]), count_text(totals["skipped"]), count_text(totals["pending"])]
    assert run["deliveries"]["channels"]["inbox"]["sent"] > 0
    for reason in run["deliveries"]["skipped"]:
        assert row_texts(page, f"run-{run['id']}-skipped", "reason", reason["reason"])[-1] == count_text(reason["count"])
    expect(page.locator(f"#run-{run['id']}-skipped")).to_contain_text("Push belum dikonfigurasi")
