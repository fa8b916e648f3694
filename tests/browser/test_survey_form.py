"""The public survey form (web/survei.html), driven in chromium like a person would,
against the real local stack: the API functions on the Firestore emulator."""

from __future__ import annotations

import json
import re

import pytest
import requests
from playwright.sync_api import Page, Route, expect

from common.domain.survey import UNSUR

from .conftest import assert_accessible, stored_surveys

RECEIPT = re.compile(r"^SKM-[0-9A-Z]{4}-[0-9A-Z]{4}$")
CLIENT_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
ANSWERS = {"U1": 4, "U2": 3, "U3": 2, "U4": 4, "U5": 3, "U6": 3, "U7": 4, "U8": 1, "U9": 3}


def question(page: Page, code: str):
    """The fieldset of one unsur, found the way a screen reader finds it: a group named by its legend."""
    number = next(i for i, u in enumerate(UNSUR, 1) if u.code == code)
    name = UNSUR[number - 1].name
    return page.get_by_role("group", name=f"Pertanyaan {number} · {name}")


def answer(page: Page, answers: dict[str, int]) -> None:
    """Tap the label of each chosen answer (the official wording, 1..4)."""
    for u in UNSUR:
        if u.code in answers:
            question(page, u.code).get_by_text(u.labels[answers[u.code] - 1], exact=True).click()


def open_form(page: Page, unit, query: str = "") -> None:
    page.goto(f"/survei/{unit.id}{query}")
    expect(page.get_by_role("heading", level=1)).to_have_text(unit.name)
    expect(question(page, "U9")).to_be_visible()


def fill_required(page: Page, answers: dict[str, int] = ANSWERS, service: str = "Surat Keterangan Domisili") -> None:
    page.get_by_label("Jenis layanan").select_option(label=service)
    answer(page, answers)


def checked_answers(page: Page) -> dict[str, int]:
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('#questions input:checked')].map(i => [i.name, +i.value]))"
    )


def capture_posts(page: Page) -> list[dict]:
    """Record every survey POST the page sends (and let it through)."""
    bodies: list[dict] = []
    page.on("request", lambda r: bodies.append(r.post_data_json) if r.method == "POST" and r.url.endswith("/api/surveys") else None)
    return bodies


# -- a whole response --------------------------------------------------------------

def test_a_person_fills_everything_and_gets_a_stored_receipt(page: Page, survey_unit, uow, screenshots, clock):
    posts = capture_posts(page)
    open_form(page, survey_unit)
    expect(page.get_by_text("Survei ini anonim.")).to_be_visible()
    expect(page.get_by_text("Jangan menuliskan nama, NIK, nomor telepon, atau alamat e-mail")).to_be_visible()
    expect(page.get_by_label("Tanggal pelayanan")).to_have_value(clock.today().isoformat())
    expect(page.get_by_label("Tanggal pelayanan")).to_have_attribute("max", clock.today().isoformat())

    page.get_by_label("Jenis layanan").select_option(label="Surat Keterangan Usaha")
    answer(page, ANSWERS)
    page.get_by_label("Jenis kelamin").select_option(label="Perempuan")
    page.get_by_label("Usia (tahun)").fill("34")
    page.get_by_label("Pendidikan terakhir").select_option(label="SMA")
    page.get_by_label("Pekerjaan").select_option(label="Wirausaha")
    page.get_by_text("Pengaduan", exact=True).click()
    complaint = "Antrean di loket lama karena printer rusak sejak pagi."
    page.get_by_label("Tuliskan saran atau pengaduan").press_sequentially(complaint)
    expect(page.get_by_text(f"{len(complaint)} dari 2000 karakter")).to_be_visible()
    page.get_by_label("Dilayani oleh").fill("Loket 2")
    assert checked_answers(page) == ANSWERS
    page.screenshot(path=screenshots / "survei-terisi.png", full_page=True)
    assert_accessible(page, "the filled survey form")

    page.get_by_role("button", name="Kirim").click()

    expect(page.get_by_role("heading", name="Terima kasih!")).to_be_focused()
    expect(page.get_by_text("Nomor tanda terima")).to_be_visible()
    expect(page.locator("#receipt")).to_have_text(RECEIPT)
    receipt = page.locator("#receipt").inner_text()
    page.screenshot(path=screenshots / "survei-tanda-terima.png")
    assert_accessible(page, "the receipt")

    # What reached the API is exactly what was chosen, with no empty members.
    assert len(posts) == 1
    sent = posts[0]
    assert CLIENT_KEY.match(sent["client_key"])
    assert sent["source"] == "web"
    assert sent["profile"] == {"sex": "P", "age": 34, "education": "SMA", "occupation": "WIRAUSAHA"}

    doc = uow.client.collection("surveys").document(receipt).get()
    assert doc.exists, f"receipt {receipt} shown but not stored"
    stored = doc.to_dict()
    assert stored["unit_id"] == survey_unit.id
    assert stored["service_id"] == "sk-usaha"
    assert stored["service_date"] == clock.today().isoformat()
    assert stored["answers"] == ANSWERS
    assert stored["profile"] == {"sex": "P", "age": 34, "education": "SMA", "occupation": "WIRAUSAHA"}
    assert stored["feedback"] == {"kind": "pengaduan", "text": complaint}
    assert stored["served_by"] == "Loket 2"
    assert stored["source"] == "web"
    # The draft is gone once the response is stored.
    assert page.evaluate("k => localStorage.getItem(k)", f"skm-draft:{survey_unit.id}") is None

    # A kiosk's next visitor: an empty form and a new client key, so a second response is a new one.
    page.get_by_role("button", name="Isi survei baru").click()
    expect(page.get_by_label("Jenis layanan")).to_be_focused()
    expect(page.get_by_label("Jenis layanan")).to_have_value("")
    assert checked_answers(page) == {}
    expect(page.get_by_label("Tuliskan saran atau pengaduan")).to_have_value("")
    fill_required(page)
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator("#receipt")).to_have_text(RECEIPT)
    second = page.locator("#receipt").inner_text()
    assert second != receipt
    assert posts[1]["client_key"] != posts[0]["client_key"]
    assert "profile" not in posts[1] and "feedback" not in posts[1] and "served_by" not in posts[1]
    assert {s["receipt"] for s in stored_surveys(uow, survey_unit.id)} == {receipt, second}


def test_a_kiosk_says_so(page: Page, survey_unit, uow):
    posts = capture_posts(page)
    open_form(page, survey_unit, "?kiosk=1")
    fill_required(page)
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator("#receipt")).to_have_text(RECEIPT)
    assert posts[0]["source"] == "kiosk"
    stored = uow.client.collection("surveys").document(page.locator("#receipt").inner_text()).get().to_dict()
    assert stored["source"] == "kiosk"


# -- validation ---------------------------------------------------------------------

def test_an_unanswered_question_is_named_focused_and_nothing_is_stored(page: Page, survey_unit, uow):
    posts = capture_posts(page)
    open_form(page, survey_unit)
    fill_required(page, {k: v for k, v in ANSWERS.items() if k != "U3"})

    page.get_by_role("button", name="Kirim").click()

    message = "Mohon jawab pertanyaan 3 (Waktu Penyelesaian)."
    summary = page.locator("#summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("listitem")).to_have_text([message])  # exactly one problem, the right one
    expect(question(page, "U3").get_by_text(message)).to_be_visible()
    for code in ANSWERS:
        if code != "U3":
            expect(question(page, code).locator(".err")).to_be_empty()
    # Focus is on the unanswered question, so a keyboard or screen-reader user lands there.
    focused = page.evaluate("() => [document.activeElement.name, document.activeElement.closest('fieldset').id]")
    assert focused == ["U3", "q-U3"]
    expect(question(page, "U3")).to_have_attribute("aria-describedby", "e-U3")
    assert_accessible(page, "the form showing an unanswered question")
    assert posts == []
    assert stored_surveys(uow, survey_unit.id) == []

    # Answering it clears the message on the next try and the response goes through.
    page.keyboard.press("ArrowDown")  # from "Tidak cepat" (focused, unchecked) to "Kurang cepat"
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator("#receipt")).to_have_text(RECEIPT)
    assert posts[0]["answers"]["U3"] == 2


def test_a_date_in_the_future_is_refused_before_sending(page: Page, survey_unit, uow, clock):
    from datetime import timedelta

    posts = capture_posts(page)
    open_form(page, survey_unit)
    fill_required(page)
    page.get_by_label("Tanggal pelayanan").fill((clock.today() + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Kirim").click()
    expect(page.get_by_text("Tanggal pelayanan tidak boleh melewati hari ini.").first).to_be_visible()
    expect(page.get_by_label("Tanggal pelayanan")).to_be_focused()
    expect(page.get_by_label("Tanggal pelayanan")).to_have_attribute("aria-invalid", "true")
    assert posts == [] and stored_surveys(uow, survey_unit.id) == []


def test_server_side_errors_are_shown_next_to_the_right_field(page: Page, survey_unit, uow, clock):
    """A service date older than the survey window (90 days, from the form data) is refused
    in the page; if one slips through anyway, the server's 422 names the field."""
    from datetime import timedelta

    open_form(page, survey_unit)
    fill_required(page)
    old = (clock.today() - timedelta(days=200)).isoformat()
    sent = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/api/surveys") else None)
    page.get_by_label("Tanggal pelayanan").fill(old)
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator("#e-service_date")).to_contain_text("90 hari terakhir")
    assert sent == []

    def backdate(route: Route) -> None:
        body = route.request.post_data_json
        body["service_date"] = old
        route.continue_(post_data=json.dumps(body))

    page.route("**/api/surveys", backdate)
    page.get_by_label("Tanggal pelayanan").fill(clock.today().isoformat())
    with page.expect_response(lambda r: r.url.endswith("/api/surveys")) as reply:
        page.get_by_role("button", name="Kirim").click()
    assert reply.value.status == 422
    detail = reply.value.json()["error"]["details"][0]
    assert detail["field"] == "service_date"
    expect(page.locator("#e-service_date")).to_have_text(f"Tanggal pelayanan: {detail['message']}")
    expect(page.get_by_label("Tanggal pelayanan")).to_be_focused()
    assert checked_answers(page) == ANSWERS  # nothing lost
    assert stored_surveys(uow, survey_unit.id) == []


def test_a_server_error_on_one_question_lands_on_that_question(page: Page, survey_unit, uow):
    """details[].field "answers.U5" from the API goes next to question 5.

    The page never sends an impossible score itself, so the request is altered on
    its way out, like a broken proxy would; the real API answers it.
    """

    def corrupt(route: Route) -> None:
        body = route.request.post_data_json
        body["answers"]["U5"] = 7
        route.continue_(post_data=json.dumps(body))

    page.route("**/api/surveys", corrupt)
    open_form(page, survey_unit)
    fill_required(page)
    with page.expect_response(lambda r: r.url.endswith("/api/surveys")) as reply:
        page.get_by_role("button", name="Kirim").click()
    assert reply.value.status == 422
    assert [d["field"] for d in reply.value.json()["error"]["details"]] == ["answers.U5"]
    expect(question(page, "U5").locator(".err")).to_contain_text("Pertanyaan 5 (Produk Spesifikasi Jenis Pelayanan)")
    expect(page.locator("#summary").get_by_role("listitem")).to_have_count(1)
    assert page.evaluate("() => document.activeElement.closest('fieldset').id") == "q-U5"
    assert stored_surveys(uow, survey_unit.id) == []


# -- failures keep the answers -----------------------------------------------------------

def test_a_failed_send_keeps_the_answers_and_the_retry_gives_one_receipt(page: Page, survey_unit, uow):
    attempts: list[dict] = []

    def fail_once(route: Route) -> None:
        attempts.append(route.request.post_data_json)
        if len(attempts) == 1:  # the network: the first POST never reaches the API
            route.fulfill(status=503, json={"error": {"code": "unavailable", "message": "Layanan sedang sibuk.", "details": []}})
        else:
            route.continue_()

    page.route("**/api/surveys", fail_once)
    open_form(page, survey_unit)
    fill_required(page)
    page.get_by_label("Tuliskan saran atau pengaduan").fill("Ruang tunggu panas.")
    page.get_by_role("button", name="Kirim").click()

    failure = page.locator("#send-error")
    expect(failure).to_have_attribute("role", "alert")
    expect(failure).to_contain_text("Jawaban belum terkirim")
    expect(failure).to_contain_text('tekan "Kirim" lagi')
    expect(page.get_by_role("button", name="Kirim")).to_be_enabled()
    assert checked_answers(page) == ANSWERS
    expect(page.get_by_label("Tuliskan saran atau pengaduan")).to_have_value("Ruang tunggu panas.")
    assert stored_surveys(uow, survey_unit.id) == []

    # Even a reload keeps them (the draft in localStorage), with the same client key.
    page.reload()
    expect(question(page, "U9")).to_be_visible()
    expect(page.get_by_text("Isian Saudara sebelumnya sudah dipulihkan.")).to_be_visible()
    assert checked_answers(page) == ANSWERS
    expect(page.get_by_label("Jenis layanan")).to_have_value("sk-domisili")
    expect(page.get_by_label("Tuliskan saran atau pengaduan")).to_have_value("Ruang tunggu panas.")

    page.get_by_role("button", name="Kirim").click()
    expect(page.locator("#receipt")).to_have_text(RECEIPT)
    receipt = page.locator("#receipt").inner_text()

    assert len(attempts) == 2
    assert attempts[0]["client_key"] == attempts[1]["client_key"]
    assert attempts[0] == attempts[1]
    assert [s["receipt"] for s in stored_surveys(uow, survey_unit.id)] == [receipt]


def test_a_lost_reply_then_a_resend_returns_the_same_receipt(page: Page, survey_unit, uow):
    """The API stores the response but the reply never reaches the phone; pressing
    Kirim again sends the same client_key, and the API answers with the first receipt."""
    replies: list[dict] = []

    def lose_first_reply(route: Route) -> None:
        if not replies:
            replies.append(route.fetch().json())  # reaches the real API ...
            route.abort("connectionreset")  # ... but the phone loses the answer
        else:
            route.continue_()

    page.route("**/api/surveys", lose_first_reply)
    open_form(page, survey_unit)
    fill_required(page)
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator("#send-error")).to_contain_text("koneksi internet")
    first = replies[0]["receipt"]
    assert [s["receipt"] for s in stored_surveys(uow, survey_unit.id)] == [first]

    with page.expect_response(lambda r: r.url.endswith("/api/surveys")) as reply:
        page.get_by_role("button", name="Kirim").click()
    assert reply.value.json()["replayed"] is True
    expect(page.locator("#receipt")).to_have_text(first)
    assert [s["receipt"] for s in stored_surveys(uow, survey_unit.id)] == [first]


def test_a_rate_limited_send_says_how_long_to_wait_and_keeps_the_answers(page: Page, survey_unit, stack, uow, clock):
    """The real limit: this phone's address has already sent its day's allowance for this office."""
    from common.settings import Settings

    open_form(page, survey_unit)
    phone = requests.Session()  # the same address as the browser: 127.0.0.1
    for _ in range(Settings(project_id=stack.project).survey_daily_limit):
        reply = phone.post(f"{stack.api}/api/surveys", timeout=30, json={
            "unit_id": survey_unit.id, "service_id": "sk-usaha", "service_date": clock.today().isoformat(), "answers": ANSWERS,
        })
        assert reply.status_code == 201, reply.text
    already = len(stored_surveys(uow, survey_unit.id))

    fill_required(page)
    with page.expect_response(lambda r: r.url.endswith("/api/surveys")) as reply:
        page.get_by_role("button", name="Kirim").click()
    assert reply.value.status == 429
    wait = int(reply.value.headers["retry-after"])  # until midnight WIB
    how = f"{wait} detik" if wait < 90 else f"{-(-wait // 60)} menit" if wait < 5400 else f"{-(-wait // 3600)} jam"
    expect(page.locator("#send-error")).to_contain_text(f"Mohon tunggu sekitar {how}")
    expect(page.locator("#send-error")).to_contain_text('tekan "Kirim" lagi')
    assert checked_answers(page) == ANSWERS
    assert len(stored_surveys(uow, survey_unit.id)) == already


def test_an_unknown_unit_gets_a_friendly_message(page: Page, stack):
    assert requests.get(f"{stack.api}/api/public/units/kel-tidak-ada/survey", timeout=10).status_code == 404
    page.goto("/survei/kel-tidak-ada")
    expect(page.get_by_role("alert").filter(has_text="tidak kami temukan")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unit layanan tidak ditemukan")
    expect(page.get_by_role("button", name="Kirim")).to_be_hidden()


# -- keyboard and screen readers -------------------------------------------------------

def test_the_whole_form_can_be_answered_with_the_keyboard(page: Page, survey_unit, uow):
    open_form(page, survey_unit)
    wanted = {"U1": 3, "U2": 1, "U3": 4, "U4": 2, "U5": 3, "U6": 3, "U7": 4, "U8": 2, "U9": 1}

    page.get_by_label("Jenis layanan").focus()  # where Tab from the top of the page lands first
    page.keyboard.press("ArrowDown")  # a closed <select> changes with the arrows
    expect(page.get_by_label("Jenis layanan")).to_have_value("sk-domisili")

    def tab_to(predicate: str, limit: int = 12) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(predicate):
                return
        pytest.fail(f"Tab never reached {predicate}")

    for code, value in wanted.items():
        tab_to(f"() => document.activeElement.name === '{code}'")
        focused = page.evaluate("() => [document.activeElement.value, getComputedStyle(document.activeElement).outlineStyle]")
        assert focused == ["1", "solid"], "Tab lands on the group's first answer, with a visible focus ring"
        page.keyboard.press("Space")
        for _ in range(value - 1):
            page.keyboard.press("ArrowDown")
    assert checked_answers(page) == wanted

    tab_to("() => document.activeElement.id === 'submit'", limit=20)
    page.keyboard.press("Enter")
    expect(page.locator("#receipt")).to_have_text(RECEIPT)
    stored = uow.client.collection("surveys").document(page.locator("#receipt").inner_text()).get().to_dict()
    assert stored["answers"] == wanted


def test_questions_and_answers_have_accessible_names(page: Page, survey_unit):
    open_form(page, survey_unit)
    assert_accessible(page, "the empty survey form")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    for u in UNSUR:
        group = question(page, u.code)
        expect(group).to_have_count(1)
        expect(group.locator("legend")).to_contain_text(u.question)  # the official question, from the API
        expect(group.get_by_role("radio")).to_have_count(4)
        for label in u.labels:
            expect(group.get_by_role("radio", name=label, exact=True)).to_have_count(1)
    # Every radio on the page has a name and every fieldset a legend.
    snapshot = page.locator("form").aria_snapshot()
    radios = [line.strip() for line in snapshot.splitlines() if line.strip().startswith("- radio")]
    assert len(radios) == 9 * 4 + 2
    assert all(re.match(r'- radio "[^"]+"', r) for r in radios), radios
    assert page.evaluate(
        "() => [...document.querySelectorAll('fieldset')].every(f => f.firstElementChild.tagName === 'LEGEND' && f.firstElementChild.textContent.trim())"
    )
    for name in ("Jenis layanan", "Tanggal pelayanan", "Jenis kelamin", "Usia (tahun)", "Pendidikan terakhir", "Pekerjaan",
                 "Tuliskan saran atau pengaduan", "Dilayani oleh"):
        expect(page.get_by_label(name)).to_have_count(1)
    expect(page.get_by_role("group", name="Jenis masukan").get_by_role("radio", name="Saran", exact=True)).to_be_checked()
    # Large tap targets: each answer's whole label is at least 44px tall.
    heights = page.eval_on_selector_all("label.choice", "els => els.map(e => e.getBoundingClientRect().height)")
    assert min(heights) >= 44


def test_the_page_is_small_and_makes_no_outside_requests(page: Page, survey_unit, stack):
    """A slow phone: no framework, fonts or third parties; a skeleton shows before the questions arrive."""
    held: list[Route] = []
    page.route("**/api/public/units/*/survey", lambda route: held.append(route))  # a very slow network
    urls: list[str] = []
    responses = []
    page.on("request", lambda r: urls.append(r.url))
    page.on("response", lambda r: responses.append(r))

    page.goto(f"/survei/{survey_unit.id}")
    expect(page.get_by_text("Memuat pertanyaan…")).to_be_visible()
    expect(page.get_by_text("Survei ini anonim.")).to_be_visible()
    expect(page.get_by_label("Jenis layanan")).to_be_visible()
    expect(page.get_by_role("button", name="Kirim")).to_be_disabled()
    assert len(held) == 1
    held[0].continue_()
    expect(question(page, "U1")).to_be_visible()
    expect(page.get_by_role("button", name="Kirim")).to_be_enabled()

    assert all(u.startswith(stack.api) for u in urls), [u for u in urls if not u.startswith(stack.api)]
    static = {r.url.removeprefix(stack.api): len(r.body()) for r in responses if "/api/" not in r.url}
    assert set(static) == {f"/survei/{survey_unit.id}", "/assets/site.css", "/assets/survei.js"}, static
    total = sum(static.values())
    # What crosses a slow mobile link is the compressed size (Firebase Hosting gzips text).
    import gzip

    compressed = sum(len(gzip.compress(r.body(), 9)) for r in responses if "/api/" not in r.url)
    print(f"survey page weight: {total} bytes uncompressed, {compressed} gzipped {static}")
    assert compressed < 12 * 1024 and total < 40 * 1024
