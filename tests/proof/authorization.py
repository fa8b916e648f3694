"""Who may do what: every endpoint against every kind of caller, with the expected answer.

    python -m tests.proof.authorization     # print the table as Markdown (it is in the README)

``ok`` means a 2xx. A status other than 401/403 for a caller who may not act would
be a leak; one for a caller who may act (404 for an id that does not exist, 409,
422) shows they got past authorization to the rules behind it.
"""

from __future__ import annotations

import sys

CALLERS = ["anonymous", "asn", "other_asn", "supervisor", "other_supervisor", "unit_head", "admin", "inspektorat",
           "deactivated", "expired", "other_project"]
HEADINGS = {
    "anonymous": "anonymous", "asn": "the ASN", "other_asn": "another ASN", "supervisor": "their supervisor",
    "other_supervisor": "another unit's supervisor", "unit_head": "unit head", "admin": "BKPSDM admin",
    "inspektorat": "inspectorate", "deactivated": "deactivated employee (token from before)", "expired": "expired token",
    "other_project": "token of another project",
}
EMPLOYEES = ["asn", "other_asn", "supervisor", "other_supervisor", "unit_head", "admin", "inspektorat"]
UNSIGNED = {"anonymous": 401, "deactivated": 401, "expired": 401, "other_project": 401}


def row(method: str, path: str, allowed: dict[str, object], default: object = 403, body: object = None, note: str = "") -> dict:
    expected = {**UNSIGNED, **{c: default for c in EMPLOYEES}, **allowed}
    return {"method": method, "path": path, "expected": expected, "body": body, "note": note}


def public(method: str, path: str, body: object = None, note: str = "") -> dict:
    return {"method": method, "path": path, "expected": {c: "ok" for c in CALLERS}, "body": body, "note": note}


def table() -> list[dict]:
    """Paths use {report}, {unit}, {asn_nip}, {period}, {upload}: the test fills them in."""
    everyone = {c: "ok" for c in EMPLOYEES}
    return [
        row("POST", "/api/reports", {c: 422 for c in EMPLOYEES}, body={},
            note="anyone signed in may file their own report; the empty body is refused after authentication"),
        row("GET", "/api/reports/{report}", {"asn": "ok", "supervisor": "ok", "admin": "ok"}, default=404,
            note="someone else's report is not acknowledged to exist"),
        row("POST", "/api/reports/evidence-uploads", everyone, body="evidence_upload",
            note="anyone with an employee record may upload evidence for their own report"),
        row("GET", "/api/reports/evidence-uploads/{upload}", {"asn": "ok"}, default=404,
            note="an upload is seen by the ASN who asked for it only"),
        row("GET", "/api/reports/{report}/evidence/{upload}", {"asn": "ok", "supervisor": "ok", "admin": "ok"}, default=404,
            note="a report's files are for those who may read the report"),
        row("POST", "/api/reports/{report}/review", {"supervisor": 409}, default=404, body="stale_review",
            note="the supervisor gets past authorization: a stale revision is refused with 409; to anyone else the "
            "report is not acknowledged to exist, as when reading it"),
        row("GET", "/api/team/reports?period={period}", {"supervisor": "ok", "other_supervisor": "ok"}),
        row("GET", "/api/me/performance", everyone),
        row("GET", "/api/me/notifications", everyone),
        row("POST", "/api/me/notifications/read", everyone, body={"ids": []}),
        row("GET", "/api/me/preferences", everyone),
        row("PUT", "/api/me/preferences", everyone, body={"opt_out": []}),
        row("POST", "/api/me/devices", everyone, body={"token": "fid-of-this-app-install-0123"}),
        row("DELETE", "/api/me/devices/none", {c: 404 for c in EMPLOYEES}),
        row("GET", "/api/me/trainings", everyone),
        row("GET", "/api/dashboard/me", everyone),
        row("GET", "/api/findings", everyone),
        row("PATCH", "/api/findings/none", {c: 404 for c in EMPLOYEES}, body={"status": "in_progress"}),
        row("POST", "/api/trainings", {"asn": "ok", "admin": "ok"}, body="training_for_asn",
            note="an ASN records their own training; BKPSDM anyone's"),
        row("GET", "/api/admin/units", {"admin": "ok"}),
        row("PUT", "/api/admin/units", {"admin": "ok"}, body="units"),
        row("GET", "/api/admin/employees?unit_id={unit}", {"admin": "ok"}),
        row("PUT", "/api/admin/employees", {"admin": 422}, body={}),
        row("PUT", "/api/admin/supervisors", {"admin": 422}, body={}),
        row("PUT", "/api/admin/skp", {"admin": 422}, body={}),
        row("POST", "/api/admin/employees/{asn_nip}/invitation", {"admin": "ok"}, body={"reason": "uji hak akses"}),
        row("GET", "/api/admin/audit", {"admin": "ok", "inspektorat": "ok"}),
        row("GET", "/api/admin/deliveries?nip={asn_nip}", {"admin": "ok"}),
        row("POST", "/api/admin/scoring-runs", {"admin": 422}, body={"period": "2026-13"},
            note="roles are checked before the body: only the admin learns the period is invalid"),
        row("GET", "/api/admin/scoring-runs?period={period}", {"admin": "ok"}),
        row("GET", "/api/admin/scoring-runs/none", {"admin": 404}),
        row("GET", "/api/team/results?period={period}", {"supervisor": "ok", "other_supervisor": "ok"}),
        row("GET", "/api/team/results.xlsx?period={period}", {"supervisor": "ok", "other_supervisor": "ok"}),
        row("GET", "/api/team/results.csv?period={period}", {"supervisor": "ok", "other_supervisor": "ok"}),
        row("GET", "/api/units/{unit}/results?period={period}", {"unit_head": "ok", "admin": "ok", "inspektorat": "ok"}),
        row("GET", "/api/units/{unit}/results.csv?period={period}", {"unit_head": "ok", "admin": "ok", "inspektorat": "ok"}),
        row("GET", "/api/units/{unit}/results.xlsx?period={period}", {"unit_head": "ok", "admin": "ok", "inspektorat": "ok"}),
        row("POST", "/api/units/{unit}/predikat", {"admin": 404},
            body={"period": "2025-01", "predikat": "baik", "reason": "Perjanjian kinerja tercapai seluruhnya."},
            note="the leader above only: the head of the parent unit, or BKPSDM for a unit without one (as here); 404 for a period "
            "not yet scored. The unit's own head does not set it"),
        row("POST", "/api/admin/annual-runs", {"admin": 404}, body={"year": 2025, "unit_id": "unit-none"},
            note="BKPSDM prepares the annual evaluation (404: no such unit)"),
        row("GET", "/api/team/annual?year=2025", {"supervisor": "ok", "other_supervisor": "ok"}),
        row("POST", "/api/team/annual/{asn_nip}", {"supervisor": 404}, body={"year": 2025, "hasil_kerja": "sesuai_ekspektasi",
                                                                        "perilaku_kerja": "sesuai_ekspektasi"},
            note="the ASN's supervisor only; 404 while BKPSDM has not prepared the year"),
        row("GET", "/api/units/{unit}/annual?year=2025", {"unit_head": "ok", "admin": "ok", "inspektorat": "ok"}),
        row("GET", "/api/units/{unit}/annual.xlsx?year=2025", {"unit_head": "ok", "admin": "ok", "inspektorat": "ok"}),
        row("POST", "/api/objections", {c: 422 for c in EMPLOYEES},
            body={"period": "2025-01", "reason": "Predikat saya tidak mencerminkan hasil kerja bulan itu."},
            note="anyone signed in may object to their own predikat; 422 here: no predikat was published for that period"),
        row("GET", "/api/objections", everyone, note="scope=mine by default: one's own objections"),
        row("GET", "/api/objections?scope=unit&unit_id={unit}", {"unit_head": "ok", "admin": "ok", "inspektorat": "ok"}),
        row("GET", "/api/objections/none", {c: 404 for c in EMPLOYEES},
            note="an objection is seen by the ASN, the rater, the decider, the unit head, BKPSDM and the inspectorate; "
            "to anyone else it is not acknowledged to exist"),
        row("POST", "/api/objections/none/response", {c: 404 for c in EMPLOYEES}, body={"response": "Tanggapan penilai atas keberatan."},
            note="the rater only (403 for the others who may see it: tests/integration/test_objections.py)"),
        row("POST", "/api/objections/none/decision", {c: 404 for c in EMPLOYEES},
            body={"decision": "rejected", "reason": "Penilaian sudah sesuai bukti."},
            note="the supervisor's supervisor (or BKPSDM) only; 403 for the rater (tests/integration/test_objections.py)"),
        row("GET", "/api/units/{unit}/ikm", everyone),
        row("GET", "/api/investigations", {"admin": "ok", "inspektorat": "ok"}),
        row("GET", "/api/investigations/none", {"admin": 404, "inspektorat": 404}),
        row("PATCH", "/api/investigations/none", {"inspektorat": 404}, body={"status": "in_progress"},
            note="only the inspectorate works investigations"),
        row("GET", "/api/dashboard/team", {"supervisor": "ok", "other_supervisor": "ok"}),
        row("GET", "/api/dashboard/units/{unit}", {"unit_head": "ok", "admin": "ok", "inspektorat": "ok"}),
        row("GET", "/api/dashboard/investigations", {"admin": "ok", "inspektorat": "ok"}),
        public("GET", "/api/public/units/{unit}/ikm", note="results are published"),
        public("GET", "/api/public/units/{unit}/survey"),
        public("GET", "/api/public/units/{unit}/skm"),
        public("GET", "/api/public/units/{unit}/skm.pdf"),
        public("GET", "/api/public/units/{unit}/poster.pdf", note="printed for the counter"),
        public("GET", "/api/public/units/{unit}/poster.svg"),
        public("POST", "/api/surveys", body="survey", note="anonymous by design; a token is ignored"),
        public("GET", "/api/openapi.json"),
    ]


def markdown() -> str:
    lines = ["| endpoint | " + " | ".join(HEADINGS[c] for c in CALLERS) + " |", "|---|" + "---|" * len(CALLERS)]
    for entry in table():
        cells = ["ok" if entry["expected"][c] == "ok" else str(entry["expected"][c]) for c in CALLERS]
        lines.append(f"| `{entry['method']} {entry['path']}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
