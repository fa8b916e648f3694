"""HTTP, anonymous: the public survey form's data and survey intake (web form and kiosks)."""

from __future__ import annotations

import functions_framework

from common.api.http import Api, Call, Reply, Route
from common.domain.errors import Forbidden
from common.domain.survey import SurveySubmission
from common.services import surveys
from common.services.surveys import Receipt, SurveyForm

SURVEY_BODY_LIMIT = 16 * 1024


def client_address(request, trusted_hops: int) -> str:
    """The sender's address: the entry of X-Forwarded-For that the last of our own proxies
    wrote, counted from the right. Behind Firebase Hosting that is what its CDN appended
    (``trusted_proxy_hops`` = 2: the CDN, then Google's front end); entries further left
    were written by the client and are never believed (docs/client-address.md)."""
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    if trusted_hops and len(forwarded) >= trusted_hops:
        return forwarded[-trusted_hops]
    return request.remote_addr or "unknown"


def submit(call: Call) -> Reply:
    from common.adapters.human_check import NotHuman, verify

    settings = call.deps.settings
    try:
        verify(settings, call.request.headers)
    except NotHuman as failure:
        raise Forbidden("human_check_failed", reason=failure.reason) from None
    # The address alone: a User-Agent is whatever the sender wants it to be.
    sender = surveys.Sender.of(settings.survey_salt, client_address(call.request, settings.trusted_proxy_hops), call.body.unit_id)
    receipt = surveys.submit_survey(
        call.deps.uow,
        settings,
        call.body,
        sender,
        surveys.RateLimit(settings.survey_rate_limit, settings.survey_rate_window_seconds, settings.survey_daily_limit),
        call.deps.now(),
    )
    return Reply(receipt, 201, {"Idempotent-Replayed": "true"} if receipt.replayed else {})


def form(call: Call) -> Reply:
    return Reply(surveys.survey_form(call.deps.uow, call.deps.settings, call.path["unit_id"]), 200, {"Cache-Control": "public, max-age=300"})


api = Api(
    "api_surveys",
    [
        Route(
            "POST", "/api/surveys", submit, "Submit a satisfaction survey response (anonymous)",
            operation_id="submitSurvey", headers=("Idempotent-Replayed",),
            body=SurveySubmission, response=Receipt, status=201, auth=False, max_body_bytes=SURVEY_BODY_LIMIT,
            errors=(400, 403, 404, 413, 415, 422, 429), tags=("survey",),
            description="Nine unsur U1-U9 scored 1-4, an optional profile and feedback; no name, NIK, phone or e-mail is "
            "accepted. Returns a receipt. A resend with the same client_key returns the first receipt; the same key with "
            "other answers is refused (422). Limited per address: a short window and a daily cap per unit (429 with "
            "Retry-After). In production a reCAPTCHA Enterprise (X-Recaptcha-Token) or App Check "
            "(X-Firebase-AppCheck) token is required when the setting is on. Bodies over 16 KiB are refused.",
        ),
        Route(
            "GET", "/api/public/units/{unit_id}/survey", form, "What the survey form of a unit shows", operation_id="getSurveyForm",
            response=SurveyForm, auth=False, errors=(404,), tags=("survey",),
            description="The unit, its catalogue of services, the official questions and answer labels per unsur, "
            "and the profile options, in one request for a slow phone.",
        ),
    ],
)


@functions_framework.http
def api_surveys(request):
    return api.handle(request)
