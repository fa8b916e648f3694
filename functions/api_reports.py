"""HTTP: monthly reports. ASN submit and upload evidence files; supervisors list their team, review and download the files."""

from __future__ import annotations

import functions_framework
from pydantic import ConfigDict

from common.api.http import Api, Call, Reply, Route
from common.domain.evidence import UploadRequest
from common.domain.model import Model
from common.domain.period import Period
from common.domain.reports import Report, ReportContent, ReviewInput
from common.services import evidence, reporting
from common.services.evidence import DownloadLink, UploadGrant, UploadStatus
from common.services.reporting import ReviewResult, SubmitResult, TeamReports


class SubmitReportBody(ReportContent):
    period: Period


class TeamQuery(Model):
    model_config = ConfigDict(extra="forbid")

    period: Period


def submit(call: Call) -> Reply:
    body: SubmitReportBody = call.body
    content = ReportContent.model_validate(body.model_dump(exclude={"period"}))
    result = reporting.submit_report(
        call.deps.uow, call.deps.settings, call.caller, body.period, content,
        call.deps.now(), call.idempotency_key("submit_report"),
    )
    headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
    return Reply(result, 201 if result.outcome == "created" else 200, headers)


def review(call: Call) -> Reply:
    result = reporting.review_report(
        call.deps.uow, call.deps.settings, call.caller, call.path["report_id"], call.body,
        call.deps.now(), call.idempotency_key("review_report"),
    )
    return Reply(result, 200, {"Idempotent-Replayed": "true"} if result.replayed else {})


def read(call: Call) -> Report:
    return reporting.read_report(call.deps.uow, call.caller, call.path["report_id"])


def request_upload(call: Call) -> Reply:
    grant = evidence.request_upload(
        call.deps.uow, call.deps.storage, call.deps.settings, call.caller, call.body, call.deps.now(),
        call.idempotency_key("request_evidence_upload"),
    )
    return Reply(grant, 201)


def upload_status(call: Call) -> UploadStatus:
    return evidence.upload_status(call.deps.uow, call.caller, call.path["upload_id"])


def download(call: Call) -> DownloadLink:
    return evidence.download(
        call.deps.uow, call.deps.storage, call.deps.settings, call.caller, call.path["report_id"], call.path["evidence_id"], call.deps.now()
    )


def team(call: Call) -> TeamReports:
    return reporting.team_reports(call.deps.uow, call.deps.settings, call.caller, call.query.period, call.deps.now())


api = Api(
    "api_reports",
    [
        Route(
            "POST", "/api/reports", submit, "Submit or resubmit my monthly report",
            operation_id="submitReport", headers=("Idempotent-Replayed",),
            body=SubmitReportBody, response=SubmitResult, status=201, idempotent=True,
            errors=(400, 401, 403, 409, 413, 415, 422), tags=("reports",),
            description="One report per ASN per period. 201 when created; 200 when resubmitted, or unchanged "
            "because it is identical to the revision waiting for review. Refused with 409 once accepted. "
            "After the deadline (the 5th of the next month, WIB) the report is accepted and marked late. "
            "Send an Idempotency-Key to make retries safe: a retry returns the first result and writes nothing.",
        ),
        Route(
            "POST", "/api/reports/evidence-uploads", request_upload, "Get an upload target for one evidence file",
            operation_id="requestEvidenceUpload",
            body=UploadRequest, response=UploadGrant, status=201, idempotent=True,
            errors=(400, 401, 403, 409, 413, 415, 422), tags=("reports",),
            description="For a file of my report for a period: a JPEG, PNG or PDF of at most 10 MiB (configurable), at most "
            "20 per report. Anything else is refused here, before any URL exists (422; 413 for a file too large; 409 once the "
            "report is accepted). Send the "
            "file with the method, URL and headers given, before expires_at. Its content is then checked (the real type "
            "from its first bytes; a photo loses its GPS position); name the upload_id in the report's `files` once "
            "GET /api/reports/evidence-uploads/{upload_id} says verified.",
        ),
        Route(
            "GET", "/api/reports/evidence-uploads/{upload_id}", upload_status, "Follow one of my evidence uploads",
            operation_id="getEvidenceUpload",
            response=UploadStatus, errors=(401, 403, 404), tags=("reports",),
            description="pending until the file arrived and was checked; then verified, or rejected with the reason "
            "(the file was deleted). Only the ASN who asked for it sees it (404 for anyone else).",
        ),
        Route(
            "GET", "/api/reports/{report_id}", read, "Read one report", operation_id="getReport",
            response=Report, errors=(401, 404), tags=("reports",),
            description="The ASN themself, their direct supervisor and BKPSDM admins may read a report.",
        ),
        Route(
            "GET", "/api/reports/{report_id}/evidence/{evidence_id}", download, "Download one evidence file of a report",
            operation_id="downloadEvidence",
            response=DownloadLink, errors=(401, 404), tags=("reports",),
            description="A short-lived signed URL (5 minutes by default) that downloads the file. For the ASN, their "
            "supervisor and BKPSDM, as for reading the report; 404 for anyone else.",
        ),
        Route(
            "POST", "/api/reports/{report_id}/review", review, "Review a subordinate's report",
            operation_id="reviewReport", headers=("Idempotent-Replayed",),
            body=ReviewInput, response=ReviewResult, idempotent=True,
            errors=(400, 401, 403, 404, 409, 413, 415, 422), tags=("reports",),
            description="Hasil Kerja, Perilaku Kerja per BerAKHLAK value, feedback (required when any rating "
            "is Di Bawah Ekspektasi or the report is returned) and a decision. Only the direct supervisor (403 otherwise).",
        ),
        Route(
            "GET", "/api/team/reports", team, "My team's reports for a period", operation_id="listTeamReports", etag=True,
            query=TeamQuery, response=TeamReports, errors=(401, 403, 422), tags=("team",),
            description="Direct subordinates with their report state, waiting-for-review first, and who has not reported.",
        ),
    ],
)


@functions_framework.http
def api_reports(request):
    return api.handle(request)
