"""The demo: one month's report through its whole life, on the seeded local stack.

An ASN of Kelurahan Belawan I submits this month's report from "the app",
the supervisor returns it with feedback, the ASN resubmits, the supervisor
accepts, and the ASN sees it in the e-performance view; after the monthly scoring a
scored ASN objects to the predikat (keberatan) and the supervisor's supervisor decides. Every step is a real
HTTP call with a real ID token from the Auth emulator.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

from tools.client import Api, sign_in
from tools.stack import DEFAULT_STATE, StackInfo

BERAKHLAK = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]


def say(step: str, detail: str = "") -> None:
    print(f"\n== {step}")
    if detail:
        print(f"   {detail}")


def check(response, *expected: int) -> dict:
    if response.status_code not in expected:
        raise SystemExit(f"unexpected {response.status_code} from {response.request.method} {response.url}: {response.text}")
    return response.json()


def survey_demo(info: StackInfo, accounts: list[dict]) -> None:
    import requests

    unit = "kel-belawan-bahari"
    form = check(requests.get(f"{info.api}/api/public/units/{unit}/survey", timeout=10), 200)
    answers = {u["code"]: 3 for u in form["unsur"]}
    answers["U3"] = 1
    body = {
        "unit_id": unit,
        "service_id": form["services"][3]["id"],
        "service_date": form_date(),
        "answers": answers,
        "feedback": {"kind": "pengaduan", "text": "Surat keterangan usaha saya belum selesai setelah seminggu."},
        "client_key": uuid.uuid4().hex,
    }
    receipt = check(requests.post(f"{info.api}/api/surveys", json=body, timeout=10), 201)
    say(f"a citizen at {form['unit']['name']} fills the survey ({info.api}/survei/{unit})",
        f"receipt {receipt['receipt']}; U3 {form['unsur'][2]['name']} rated '{form['unsur'][2]['labels'][0]}' with a complaint")
    ikm = check(requests.get(f"{info.api}/api/public/units/{unit}/ikm", timeout=10), 200)
    result = ikm["result"]
    say(f"the published results for {ikm['period']['label']} ({info.api}/hasil/{unit})",
        f"n={result['n']}, IKM {result['ikm']} mutu {result['mutu']} ({result['mutu_label']}), weakest {result['weakest']}, "
        f"sample {result['sample']['required']} reached={result['sample']['reached']}")
    inspector = next(a for a in accounts if a["role"] == "inspektorat")
    api = Api(info.api, sign_in(info.auth, inspector["email"], inspector["password"]))
    investigations = check(api.get("/api/investigations", params={"status": "open"}), 200)["investigations"]
    say(f"inspector {inspector['name']} opens the investigations list", f"{len(investigations)} open")
    for item in investigations:
        print(f"   - {item['id']} {item['unit_id']}: {item['reason']}, {len(item['complaints'])} complaints, verify by {item['due']['verify_by']}")


def scoring_demo(info: StackInfo, accounts: list[dict], by_nip: dict, asn: dict) -> None:
    """The main job: BKPSDM scores last month; everyone sees the outcome."""
    import time

    from common.domain.clock import utcnow
    from tools.demo_data import scoring_period

    period = scoring_period(utcnow())  # last month, or the one before while last month's reports still come in
    admin = next(a for a in accounts if a["role"] == "admin")
    api = Api(info.api, sign_in(info.auth, admin["email"], admin["password"]))
    run = check(api.post("/api/admin/scoring-runs", json={"period": period}), 202)
    say(f"BKPSDM ({admin['name']}) starts the monthly scoring of {period}",
        f"run {run['id']}: one message per unit, {len(run['units'])} units scored in parallel")
    started = time.monotonic()
    while run["status"] == "running" and time.monotonic() - started < 120:
        time.sleep(0.5)
        run = check(api.get(f"/api/admin/scoring-runs/{run['id']}"), 200)
        done = run["done"] + run["failed"]
        sys.stdout.write(f"\r   [{'#' * (30 * done // len(run['units'])):<30}] {done}/{len(run['units'])} units")
        sys.stdout.flush()
    print(f"\n   {run['status']} in {time.monotonic() - started:.1f}s")

    # Someone whose report was reviewed, so there is a predikat to show (the data set has one: tests/unit/test_demo_data.py).
    team = check(api.get(f"/api/units/{asn['unit']}/results", params={"period": period}), 200)["results"]
    scored = next((r for r in team if r["outcome"] == "scored"), None)
    if scored is None:
        raise SystemExit(f"nobody in {asn['unit']} was scored for {period}: the demo data set lacks a reviewed report")
    person = by_nip[scored["nip"]]
    person_api = Api(info.api, sign_in(info.auth, person["email"], person["password"]))
    view = check(person_api.get("/api/me/performance", params={"year": int(period[:4])}), 200)  # in January the scored month is last year's
    month = next(m for m in view["months"] if m["period"] == period)
    say(f"{person['name']} sees {period} in e-performance",
        f"predikat {month['predikat']}; JP training this year: {view['training_jp']}/{view['training_required_jp']}")
    for reason in month["reasons"]:
        print(f"   - {reason}")
    objection_demo(info, accounts, by_nip, person, person_api, month)
    waiting = sum(r["outcome"] == "awaiting_review" for r in team)
    print(f"   ({waiting} colleagues in {asn['unit']} wait for their supervisor's review: Hasil Kerja provisional, no predikat yet)")

    unit = "kel-belawan-bahari"
    result = check(api.get(f"/api/units/{unit}/results", params={"period": period}), 200)["unit"]
    say(f"the result of {unit} for {period}",
        f"predikat {result['predikat']} from {result['bands']}; on time {result['on_time_share']:.0%}, mean capaian {result['mean_capaian']:.0%}")
    if result["curve"] and result["curve"]["violations"]:
        from common.api.messages import curve_violation_text

        print(f"   curve check: {'; '.join(curve_violation_text(v, 'en') for v in result['curve']['violations'])}")
    head = next(a for a in accounts if a["unit"] == unit and a["role"] == "kepala_unit")
    head_api = Api(info.api, sign_in(info.auth, head["email"], head["password"]))
    findings = check(head_api.get("/api/findings", params={"status": "open"}), 200)["findings"]
    say(f"{head['name']} ({head['jabatan']}) opens their findings", f"{len(findings)} open")
    for finding in findings[:6]:
        print(f"   - [{finding['kind']}] {finding['title']} (due {finding['due']})")

    time.sleep(3)  # the run's notifications go out after it completes
    totals = check(api.get(f"/api/admin/scoring-runs/{run['id']}"), 200)["deliveries"]
    say("BKPSDM sees what the run's notifications did",
        "; ".join(f"{channel}: {t['sent']} sent, {t['failed']} failed, {t['skipped']} skipped, {t['pending']} pending"
                  for channel, t in totals["channels"].items()))
    print(f"   {head['name']} got one e-mail for the run's findings, listed by kind, with links into the dashboard; each finding is an item in the app's inbox")


def objection_demo(info: StackInfo, accounts: list[dict], by_nip: dict, person: dict, person_api: Api, month: dict) -> None:
    """Keberatan: the scored ASN objects to the month's predikat, the rater adds their side, and the
    supervisor's supervisor (else BKPSDM) reads both and decides; e-performance shows the outcome."""
    period = month["period"]
    if not month["objection_until"]:  # filed on an earlier run of the demo, or the window has closed
        held = month["objection"]
        say(f"{person['name']} may no longer object to {period}",
            f"objection {held['id']}: {held['status']}" if held else "the window after publication has closed")
        return
    body = {"period": period, "reason": "Capaian layanan saya di atas target dan warga memberi apresiasi tertulis; predikat ini terlalu rendah.",
            "evidence": ["https://drive.belawan.example/bukti/apresiasi-warga"]}
    filed = check(person_api.post("/api/objections", json=body), 201)
    original = filed["original"]
    say(f"{person['name']} objects to the {period} predikat {original['predikat']} (keberatan, open until {month['objection_until']})",
        f"objection {filed['id']}: decided by {filed['decider']}, due {filed['due']}; the decider and the rater are told")
    rater = by_nip.get(filed["rater_nip"] or "")
    if rater is not None:
        rater_api = Api(info.api, sign_in(info.auth, rater["email"], rater["password"]))
        response = "Nilai diberikan sesuai realisasi indikator yang dilaporkan; apresiasi warga belum dilampirkan saat itu."
        check(rater_api.post(f"/api/objections/{filed['id']}/response", json={"response": response}), 200)
        refused = rater_api.post(f"/api/objections/{filed['id']}/decision", json={"decision": "rejected", "reason": "Penilaian saya sudah tepat."})
        say(f"the rater {rater['name']} adds their side", f"{response} (deciding it themselves: {refused.status_code})")
    decider = by_nip[filed["decider_nip"]] if filed["decider_nip"] else next(a for a in accounts if a["role"] == "admin")
    decider_api = Api(info.api, sign_in(info.auth, decider["email"], decider["password"]))
    both = check(decider_api.get(f"/api/objections/{filed['id']}"), 200)
    better = "di_atas_ekspektasi" if original["hasil_kerja"] != "di_atas_ekspektasi" else "sesuai_ekspektasi"
    decision = {"decision": "upheld", "hasil_kerja": better, "reason": "Bukti apresiasi warga menunjukkan hasil kerja di atas ekspektasi."}
    decided = check(decider_api.post(f"/api/objections/{filed['id']}/decision", json=decision), 200)["decision"]
    say(f"{decider['name']} ({decider['jabatan']}) reads both sides and upholds it",
        f"report and review {'shown' if both['review'] else 'missing'}; Hasil Kerja {original['hasil_kerja']} -> {decided['hasil_kerja']}, "
        f"predikat {original['predikat']} -> {decided['predikat']}; the unit's curve is checked again, later scoring runs keep it")
    view = check(person_api.get("/api/me/performance", params={"year": int(period[:4])}), 200)
    shown = next(m for m in view["months"] if m["period"] == period)
    say(f"{person['name']} sees the outcome in e-performance (and on the dashboard, {info.api}/dashboard?view=mine)",
        f"{period}: predikat {shown['predikat']}, objection {shown['objection']['status']}")


def form_date() -> str:
    from common.domain.clock import today_wib

    return today_wib().isoformat()


def main() -> int:
    from common.domain import clock

    state = DEFAULT_STATE
    info = StackInfo.load(state / "stack.json")
    clock.install(info.clock())  # the stack's clock (PANTAU_NOW moves it), so the demo and the functions agree on the day
    accounts = json.loads((state / "demo-accounts.json").read_text())
    by_nip = {a["nip"]: a for a in accounts}

    boss_api = asn_api = None
    period = None
    # Someone in Belawan I who has not reported this month yet.
    for person in accounts:
        if person["unit"] != "kel-belawan-1" or person["role"] != "asn":
            continue
        api = Api(info.api, sign_in(info.auth, person["email"], person["password"]))
        view = check(api.get("/api/me/performance"), 200)
        period = view["current_period"]
        month = next(m for m in view["months"] if m["period"] == period)
        if month["state"] == "open":
            asn, asn_api = person, api
            boss = by_nip[person["supervisor_nip"]]
            boss_api = Api(info.api, sign_in(info.auth, boss["email"], boss["password"]))
            plan = view["indicators"]
            break
    if asn_api is None:
        print("everyone in Kelurahan Belawan I has reported this month already; re-seed with `make down demo`")
        return 0

    say(f"ASN {asn['name']} ({asn['jabatan']}) signs in", f"{asn['email']} / {asn['password']}")
    realisasi = [{"indicator_id": i["indicator"]["id"], "value": i["indicator"]["target"]} for i in plan]
    realisasi[0]["value"] = round(realisasi[0]["value"] * 0.8)
    body = {
        "period": period,
        "realisasi": realisasi,
        "narrative": "Melayani warga di loket kelurahan dan menyusun rekap bulanan.",
        "evidence": ["https://drive.belawan.example/bukti/rekap-loket"],
    }
    key = str(uuid.uuid4())
    submitted = check(asn_api.post("/api/reports", json=body, headers={"Idempotency-Key": key}), 201)
    report = submitted["report"]
    say(f"submits the report for {period}", f"report {report['id']}: {report['status']}, revision {report['revision']}, late={report['late']}")
    replay = asn_api.post("/api/reports", json=body, headers={"Idempotency-Key": key})
    say("the weak signal makes the app retry with the same Idempotency-Key", f"{replay.status_code}, replayed={replay.headers.get('Idempotent-Replayed')}: nothing written twice")

    team = check(boss_api.get("/api/team/reports", params={"period": period}), 200)
    say(f"supervisor {boss['name']} ({boss['jabatan']}) opens the team list", json.dumps(team["counts"]))
    feedback = "Realisasi IKI-1 di bawah target: lampirkan register surat dan jelaskan kendalanya."
    review = {"decision": "return", "hasil_kerja": "sesuai_ekspektasi", "perilaku": {v: "sesuai_ekspektasi" for v in BERAKHLAK}, "feedback": feedback}
    check(boss_api.post(f"/api/reports/{report['id']}/review", json=review), 200)
    say("returns it for revision with feedback", feedback)

    body["narrative"] += " Register surat terlampir; dua hari loket tutup karena banjir rob."
    body["evidence"].append("https://drive.belawan.example/bukti/register-surat")
    resubmitted = check(asn_api.post("/api/reports", json=body), 200)
    say("the ASN resubmits", f"revision {resubmitted['report']['revision']}, {resubmitted['report']['status']}")

    review = {"decision": "accept", "hasil_kerja": "sesuai_ekspektasi", "perilaku": {v: "di_atas_ekspektasi" for v in BERAKHLAK},
              "feedback": "Terima kasih, penjelasannya jelas. Tetap semangat melayani.", "revision": 2}
    check(boss_api.post(f"/api/reports/{report['id']}/review", json=review), 200)
    say("the supervisor accepts it")

    view = check(asn_api.get("/api/me/performance"), 200)
    month = next(m for m in view["months"] if m["period"] == period)
    say("the ASN opens e-performance", f"{period}: {month['state']}, revision {month['revision']}")
    for fb in month["feedback"]:
        print(f"   - {fb['decision']}: {fb['feedback']}")
    for indicator in view["indicators"]:
        print(f"   - {indicator['indicator']['name']}: capaian to date {indicator['capaian_to_date']}")

    survey_demo(info, accounts)
    scoring_demo(info, accounts, by_nip, asn)

    print(
        f"\nThe stack keeps running. API {info.api} (OpenAPI at {info.api}/api/openapi.json)."
        f"\nDashboard {info.api}/dashboard: sign in as any seeded supervisor, lurah, BKPSDM or inspectorate account."
        f"\nSurvey form {info.api}/survei/kel-belawan-1, results {info.api}/hasil/kel-belawan-bahari, "
        f"SKM report {info.api}/laporan-skm/kel-belawan-bahari. E-mails sent: {Path(info.mail_dir)}."
        f"\nAccounts for every seeded person: {state / 'demo-accounts.json'} (password {accounts[0]['password']})."
        f"\nLogs: {Path(info.state_dir) / 'logs'}.  Stop everything with `make down`."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
