"""Keberatan from the dashboard, in headless Chromium against the local stack and the demo
organisation: an ASN objects to the month the demo scored, from "Kinerja saya"; the rater adds
their side on the card the e-mail's link opens; the decider (the supervisor of the ASN's
supervisor, else BKPSDM) reads both sides in "Keberatan" and upholds it; the ASN's view then
shows the outcome. The page offers the objection only while the API says the
window is open, and shows what the API refuses next to the field it is about. This test changes
the demo's data, so it runs after test_dashboard.py and test_dashboard_actions.py.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from common.domain.ratings import Rating, predikat

from .conftest import PHONE_LARGE, assert_accessible, month_name
from .test_dashboard import sign_in, sign_in_here

PREDIKAT_ID = {"sangat_baik": "Sangat Baik", "baik": "Baik", "butuh_perbaikan": "Butuh Perbaikan", "kurang_misconduct": "Kurang/Misconduct",
               "sangat_kurang": "Sangat Kurang"}
WHY = "Capaian pelayanan saya di atas target, dan warga memberi apresiasi tertulis bulan ini."
RESPONSE = "Nilai diberikan sesuai realisasi yang dilaporkan; apresiasi warga belum dilampirkan."
DECIDED_WHY = "Bukti apresiasi warga dan capaian menunjukkan kinerja di atas ekspektasi."


def objectable(demo) -> tuple[dict, dict]:
    """An ASN whose month the demo scored with the window still open (the API says so), whose
    supervisor has a supervisor with an account; and that month as e-performance shows it."""
    by_nip = {a["nip"]: a for a in demo.accounts}
    year = int(demo.period[:4])
    candidates = [a for a in demo.accounts if a["role"] == "asn" and a["supervisor_nip"] in by_nip
                  and by_nip[a["supervisor_nip"]]["supervisor_nip"] in by_nip]
    for account in candidates[:12]:
        view = demo.api(account).get("/api/me/performance", params={"year": year}).json()
        month = next((m for m in view["months"] if m["period"] == demo.period), None)
        if month and month["objection_until"] and month["objection"] is None:
            return account, month
    raise AssertionError("the demo's scoring gives some ASN a month they may still object to")


def open_mine(page: Page, period: str) -> None:
    page.get_by_role("button", name="Kinerja saya").click()
    expect(page.locator("#mine-title")).to_be_focused()
    year = page.get_by_label("Tahun", exact=True)
    if year.input_value() != period[:4]:
        year.select_option(period[:4])
    expect(page.locator(f"#mine-months tr[data-period='{period}']")).to_be_visible()


def test_an_asn_objects_the_decider_upholds_it_and_the_asn_sees_the_outcome(open_page, demo):
    asn, month = objectable(demo)
    period, original = demo.period, month["predikat"]
    api = demo.api(asn)

    # The ASN, on a phone: the month's row offers "Ajukan keberatan" with the last day.
    page = open_page(PHONE_LARGE)
    sign_in(page, asn)
    open_mine(page, period)
    row = page.locator(f"#mine-months tr[data-period='{period}']")
    expect(row).to_contain_text(PREDIKAT_ID[original])
    expect(row).to_contain_text("Paling lambat")
    row.get_by_role("button", name="Ajukan keberatan").click()
    form = page.locator("#objection-form")
    expect(form.get_by_label("Alasan keberatan")).to_be_focused()
    assert_accessible(page, "the objection form", "#mine")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # nothing sticks out on the phone

    # Too short a reason: the API refuses, the page says so under the field and focuses it.
    form.get_by_label("Alasan keberatan").fill("Tidak adil.")
    form.get_by_role("button", name="Kirim keberatan").click()
    reason = form.get_by_label("Alasan keberatan")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_be_focused()
    expect(form.locator(".err").first).to_contain_text("minimal 20 karakter")
    assert not api.get("/api/objections", params={"scope": "mine"}).json()["objections"]  # nothing filed

    reason.fill(WHY)
    form.get_by_label("Tautan bukti dukung (tidak wajib)").fill("https://drive.example.go.id/apresiasi-warga.pdf")
    form.get_by_role("button", name="Kirim keberatan").click()
    expect(page.locator("#status")).to_contain_text(f"Keberatan atas predikat {month_name(period)} terkirim.")
    row = page.locator(f"#mine-months tr[data-period='{period}']")
    expect(row).to_contain_text("Diajukan, menunggu putusan")
    expect(row.get_by_role("button", name="Ajukan keberatan")).to_have_count(0)  # one per period
    (filed,) = api.get("/api/objections", params={"scope": "mine"}).json()["objections"]
    assert (filed["period"], filed["reason"], filed["evidence"]) == (period, WHY, ["https://drive.example.go.id/apresiasi-warga.pdf"])
    assert_accessible(page, "the ASN's view with the objection filed", "#mine")

    # The rater, from the e-mail's link: the objection's card with the response form, no decision form.
    rater = next(a for a in demo.accounts if a["nip"] == filed["rater_nip"])
    page = open_page()
    page.goto(f"/dashboard?objection={filed['id']}")
    sign_in_here(page, rater)
    card = page.locator("#objection-card")
    expect(card).to_be_focused()
    expect(card).to_contain_text(WHY)
    expect(card.locator("#objection-decision-form")).to_have_count(0)  # the rater never decides
    card.get_by_label("Tanggapan", exact=True).fill(RESPONSE)
    assert_accessible(page, "the rater's response form", "#objection-card")
    card.get_by_role("button", name="Kirim tanggapan").click()
    expect(page.locator("#status")).to_have_text(f"Tanggapan atas keberatan {asn['name']} terkirim.")

    # The decider: the "Keberatan" view lists it; both sides, then the decision.
    decider = next(a for a in demo.accounts if a["nip"] == filed["decider_nip"]) if filed["decider_nip"] else demo.one("admin")
    page = open_page()
    sign_in(page, decider)
    page.get_by_role("tab", name="Keberatan").click()
    line = page.locator(f"#objections-table tr[data-objection='{filed['id']}']")
    expect(line).to_contain_text(asn["name"])
    line.get_by_role("button", name="Buka").click()
    card = page.locator("#objection-card")
    expect(card).to_be_focused()
    expect(card).to_contain_text(WHY)
    expect(card.locator(".obj-response")).to_contain_text(RESPONSE)
    expect(line).to_contain_text("Ditanggapi penilai, menunggu putusan")
    expect(card.get_by_role("link")).to_contain_text(["https://drive.example.go.id/apresiasi-warga.pdf"])
    assert_accessible(page, "an objection's two sides and the decision form", "#objection-card")

    decision = card.locator("#objection-decision-form")
    decision.get_by_label("Dikabulkan", exact=True).check()
    decision.get_by_label("Alasan putusan").fill(DECIDED_WHY)
    decision.get_by_role("button", name="Simpan putusan").click()  # upheld without a new rating: refused
    expect(decision.get_by_role("alert")).to_contain_text("Keberatan yang dikabulkan mengubah nilai")
    expect(decision.get_by_label("Hasil Kerja baru")).to_have_attribute("aria-invalid", "true")
    assert api.get("/api/objections", params={"scope": "mine"}).json()["objections"][0]["status"] == "responded"  # not decided

    hk, pk = Rating(filed["original"]["hasil_kerja"]), Rating(filed["original"]["perilaku_kerja"])
    better = Rating.DI_ATAS if hk is not Rating.DI_ATAS else Rating.SESUAI
    after = predikat(better, pk).value
    decision.get_by_label("Hasil Kerja baru").select_option(better.value)
    decision.get_by_role("button", name="Simpan putusan").click()
    expect(page.locator("#status")).to_have_text(
        f"Keberatan {asn['name']}, {month_name(period)}, diputus: Dikabulkan, predikat {PREDIKAT_ID[after]}.")
    expect(page.locator(f"#objections-table tr[data-objection='{filed['id']}']")).to_contain_text("Sudah diputus")

    # The ASN sees the outcome beside the month, and e-performance holds the new predikat.
    page = open_page()
    sign_in(page, asn)
    open_mine(page, period)
    row = page.locator(f"#mine-months tr[data-period='{period}']")
    expect(row).to_contain_text("Sudah diputus")
    expect(row).to_contain_text(f"Dikabulkan: predikat {PREDIKAT_ID[after]} (semula {PREDIKAT_ID[original]})")
    expect(row).to_contain_text(DECIDED_WHY)
    shown = next(m for m in api.get("/api/me/performance", params={"year": int(period[:4])}).json()["months"] if m["period"] == period)
    assert shown["predikat"] == after and shown["objection"]["decision"]["hasil_kerja"] == better.value and shown["objection_until"] is None
    assert_accessible(page, "the ASN's view with the outcome", "#mine")
