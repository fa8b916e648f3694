"""The mobile team's view of the API: a typed client generated from the committed OpenAPI
document with openapi-python-client (into .local/, which git ignores), driving one path of every
role through the local stack. The generator must not warn: a warning means it dropped or could
not type part of an operation."""

from __future__ import annotations

import csv
import importlib
import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from common.domain.organisation import Role
from common.domain.period import period_of
from common.services import administration
from tests import factories as f
from tests.integration.org import PASSWORD
from tests.integration.test_report_flow import body, review
from tools.client import accept_invitation, sign_in
from tools.enrol import enrol

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "openapi.json"


@pytest.fixture(scope="session")
def generated():
    """Generate the client package, check what the generator said, and import it."""
    import json

    where = ROOT / ".local" / f"generated-client-{os.getpid()}"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    bin_dir = str(Path(sys.executable).parent)  # its post-generation hooks run ruff, pinned in the dev requirements
    run = subprocess.run(
        [str(Path(bin_dir) / "openapi-python-client"), "generate", "--path", str(DOCUMENT), "--meta", "none",
         "--output-path", str(where / "pantau_client")],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"},
    )
    said = (run.stdout + run.stderr).strip()
    assert run.returncode == 0, said
    assert [line for line in said.splitlines() if line.strip()] == [f"Generating {where / 'pantau_client'}"], f"the generator warned:\n{said}"
    operations = sum(len(item) for item in json.loads(DOCUMENT.read_text())["paths"].values())
    modules = [p for p in (where / "pantau_client" / "api").rglob("*.py") if p.name != "__init__.py"]
    assert len(modules) == operations, "an operation is missing from the generated client"
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module("pantau_client")
    finally:
        sys.path.remove(str(where))
        for name in [m for m in sys.modules if m == "pantau_client" or m.startswith("pantau_client.")]:
            del sys.modules[name]
        shutil.rmtree(where, ignore_errors=True)


def _ok(result, kind):
    assert isinstance(result, kind), result.to_dict() if hasattr(result, "to_dict") else result
    return result


def test_every_role_through_the_generated_client(generated, stack, uow, accounts, clock, unique):
    from pantau_client import AuthenticatedClient, Client
    from pantau_client.api.admin import put_employees, put_skp_plans, put_supervisors, put_units
    from pantau_client.api.investigations import list_investigations, update_investigation
    from pantau_client.api.me import get_my_performance
    from pantau_client.api.reports import (
        get_skm_report_pdf,
        get_team_results_csv,
        get_team_results_xlsx,
        review_report,
        submit_report,
    )
    from pantau_client.api.scoring import get_scoring_run, get_unit_results, start_scoring_run
    from pantau_client.api.survey import get_survey_form, submit_survey
    from pantau_client.api.team import list_team_reports
    from pantau_client.models import (
        EmployeesBody,
        Investigation,
        InvestigationList,
        InvestigationStatus,
        InvestigationUpdate,
        LoadResult,
        PerformanceView,
        PlansBody,
        Receipt,
        ReportStatus,
        ReviewInput,
        ReviewResult,
        RunRequest,
        RunView,
        ScoringRun,
        SubmitReportBody,
        SubmitResult,
        SupervisorsBody,
        SurveyForm,
        SurveySubmission,
        TeamReports,
        TeamState,
        UnitResults,
        UnitsBody,
    )
    from pantau_client.types import File

    from common.domain.complaints import SpikeRule
    from common.services.complaints import on_survey_submitted

    period = period_of(clock.now())
    year = int(period[:4])
    unit_id = f"kel-klien-{unique}"

    # BKPSDM: an admin account exists (made with the command line); the rest goes through the client.
    administration.load_units(uow, [f.unit(f"bkpsdm-{unique}")])
    admin_person = f.employee(f"bkpsdm-{unique}", role=Role.ADMIN, email=f"admin.klien.{unique}@uji.example")
    enrol(stack, uow, [admin_person], PASSWORD, actor="cli", reason="first administrator")
    admin = AuthenticatedClient(base_url=stack.api, token=sign_in(stack.auth, admin_person.email, PASSWORD), timeout=30)

    units = UnitsBody.from_dict({"units": [{"id": unit_id, "name": "Kelurahan Uji Klien", "population_served": 100,
                                            "services": [{"id": "sk-domisili", "name": "Surat keterangan domisili", "standard_days": 1}]}]})
    assert _ok(put_units.sync(client=admin, body=units), LoadResult).written == 1
    boss = f.employee(unit_id, email=f"atasan.klien.{unique}@uji.example")
    asn = f.employee(unit_id, email=f"asn.klien.{unique}@uji.example")
    inspector = f.employee(unit_id, role=Role.INSPEKTORAT, email=f"irban.klien.{unique}@uji.example")
    people = [p.model_dump(mode="json", exclude_none=True) for p in (boss, asn, inspector)]
    loaded = _ok(put_employees.sync(client=admin, body=EmployeesBody.from_dict({"employees": people})), LoadResult)
    assert loaded.written == 3 and len(loaded.accounts) == 3
    links = SupervisorsBody.from_dict({"links": [{"nip": asn.nip, "supervisor_nip": boss.nip}]})
    assert _ok(put_supervisors.sync(client=admin, body=links), LoadResult).written == 1
    plans = PlansBody.from_dict({"plans": [f.plan(p.nip, year).model_dump(mode="json") for p in (boss, asn)]})
    assert _ok(put_skp_plans.sync(client=admin, body=plans), LoadResult).written == 2
    # The load created and invited their accounts; each sets a password through the invitation's link.
    for person in (boss, asn, inspector):
        accept_invitation(stack.auth, accounts.invitation_link(person.email, None), PASSWORD)

    def signed_in(person):
        return AuthenticatedClient(base_url=stack.api, token=sign_in(stack.auth, person.email, PASSWORD), timeout=30)

    # The ASN submits this month's report and sees it in the e-performance view.
    me = signed_in(asn)
    submitted = submit_report.sync_detailed(client=me, body=SubmitReportBody.from_dict(body(period)), idempotency_key=f"klien-{unique}-0001")
    assert submitted.status_code == 201
    report = _ok(submitted.parsed, SubmitResult).report
    assert report.status == ReportStatus.SUBMITTED and report.revision == 1
    view = _ok(get_my_performance.sync(client=me, year=year), PerformanceView)
    assert any(m.period == period and m.revision == 1 for m in view.months)

    # The supervisor sees it waiting and accepts it.
    supervisor = signed_in(boss)
    team = _ok(list_team_reports.sync(client=supervisor, period=period), TeamReports)
    assert next(m for m in team.members if m.nip == asn.nip).state == TeamState.WAITING_REVIEW
    reviewed = _ok(review_report.sync(report.id, client=supervisor, body=ReviewInput.from_dict(review("accept", feedback="Bagus."))), ReviewResult)
    assert reviewed.report.status == ReportStatus.ACCEPTED
    month = next(m for m in _ok(get_my_performance.sync(client=me, year=year), PerformanceView).months if m.period == period)
    assert month.state.value == "accepted" and [fb.feedback for fb in month.feedback] == ["Bagus."]

    # A citizen reads the form and files a complaint in the survey, anonymously.
    citizen = Client(base_url=stack.api, headers={"X-Forwarded-For": f"198.51.100.{int(unique, 16) % 250}"}, timeout=30)
    form = _ok(get_survey_form.sync(unit_id, client=citizen), SurveyForm)
    assert [s.id for s in form.services] == ["sk-domisili"]
    survey = SurveySubmission.from_dict({
        "unit_id": unit_id, "service_id": "sk-domisili", "service_date": clock.today().isoformat(),
        "answers": {f"U{k}": 1 if k == 3 else 3 for k in range(1, 10)},
        "feedback": {"kind": "pengaduan", "text": "Surat domisili saya belum selesai setelah seminggu."},
    })
    filed = submit_survey.sync_detailed(client=citizen, body=survey)
    assert filed.status_code == 201
    assert _ok(filed.parsed, Receipt).receipt.startswith("SKM-")

    # With a rule for a small office, that complaint opens an investigation; the inspectorate moves it.
    rule = SpikeRule(min_complaints=1, min_share=0.01, min_responses_for_share=1, min_senders=1)
    opened = on_survey_submitted(uow, rule, frozenset(), unit_id, clock.now())
    assert opened is not None
    irban = signed_in(inspector)
    listed = _ok(list_investigations.sync(client=irban, unit_id=unit_id), InvestigationList)
    assert [i.id for i in listed.investigations] == [opened.id] and listed.investigations[0].status == InvestigationStatus.OPEN
    moved = update_investigation.sync(
        opened.id, client=irban, body=InvestigationUpdate(status=InvestigationStatus.IN_PROGRESS, note="Diverifikasi, diteruskan ke lurah."))
    assert _ok(moved, Investigation).status == InvestigationStatus.IN_PROGRESS

    # BKPSDM scores the month and follows the run to its end.
    started = start_scoring_run.sync_detailed(client=admin, body=RunRequest(period=period))
    assert started.status_code == 202
    run = _ok(started.parsed, ScoringRun)
    deadline = time.monotonic() + 120
    while run.status == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
        run = _ok(get_scoring_run.sync(run.id, client=admin), RunView)
    assert run.status == "completed", run.to_dict()
    results = _ok(get_unit_results.sync(unit_id, client=admin, period=period), UnitResults)
    scored = next(r for r in results.results if r.nip == asn.nip)
    assert scored.outcome.value == "scored" and scored.predikat is not None

    # The downloads come back as bytes.
    xlsx = _ok(get_team_results_xlsx.sync(client=supervisor, period=period), File).payload.read()
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert asn.nip in [row[0] for row in sheet.iter_rows(values_only=True)]
    text = _ok(get_team_results_csv.sync(client=supervisor, period=period), File).payload.read()
    assert isinstance(text, bytes) and text.startswith("\ufeff".encode())
    assert asn.nip in [row[0] for row in csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";")]
    pdf = _ok(get_skm_report_pdf.sync(unit_id, client=citizen, period=period), File).payload.read()
    assert pdf.startswith(b"%PDF")
