"""reCAPTCHA Enterprise and App Check on survey intake; mocked where the call leaves the machine."""

from __future__ import annotations

import pytest

from common.adapters import human_check
from common.adapters.human_check import NotHuman
from common.settings import HumanCheck, Settings


def settings(check: HumanCheck) -> Settings:
    return Settings(project_id="pantau-prod", survey_human_check=check, recaptcha_site_key="site-key")


class Assessment:
    def __init__(self, status: int, body: dict) -> None:
        self.status_code, self._body = status, body

    def json(self) -> dict:
        return self._body


@pytest.fixture
def recaptcha(mocker):
    from google.auth.credentials import AnonymousCredentials

    mocker.patch("google.auth.default", return_value=(AnonymousCredentials(), "pantau-prod"))
    return mocker.patch("google.auth.transport.requests.AuthorizedSession.post")


def test_off_checks_nothing():
    human_check.verify(settings(HumanCheck.OFF), {})


def test_a_good_recaptcha_token_passes(recaptcha):
    recaptcha.return_value = Assessment(200, {"tokenProperties": {"valid": True, "action": "survey_submit"}, "riskAnalysis": {"score": 0.9}})
    human_check.verify(settings(HumanCheck.RECAPTCHA), {"X-Recaptcha-Token": "tok"})
    url = recaptcha.call_args.args[0]
    assert url.endswith("/projects/pantau-prod/assessments")
    assert recaptcha.call_args.kwargs["json"]["event"] == {"token": "tok", "siteKey": "site-key", "expectedAction": "survey_submit"}


@pytest.mark.parametrize(
    "body, reason",
    [
        ({"tokenProperties": {"valid": False, "invalidReason": "EXPIRED"}}, "expired"),
        ({"tokenProperties": {"valid": True, "action": "login"}, "riskAnalysis": {"score": 0.9}}, "wrong_action"),
        ({"tokenProperties": {"valid": True, "action": "survey_submit"}, "riskAnalysis": {"score": 0.1}}, "low_score"),
    ],
)
def test_bad_recaptcha_assessments_are_refused(recaptcha, body, reason):
    recaptcha.return_value = Assessment(200, body)
    with pytest.raises(NotHuman) as refused:
        human_check.verify(settings(HumanCheck.RECAPTCHA), {"X-Recaptcha-Token": "tok"})
    assert refused.value.reason == reason


def test_a_missing_token_is_refused_without_calling_google(recaptcha):
    with pytest.raises(NotHuman):
        human_check.verify(settings(HumanCheck.RECAPTCHA), {})
    recaptcha.assert_not_called()


def test_app_check(mocker):
    verify = mocker.patch("firebase_admin.app_check.verify_token", return_value={"app_id": "web"})
    mocker.patch("common.adapters.firebase_auth._app", return_value=object())
    human_check.verify(settings(HumanCheck.APP_CHECK), {"X-Firebase-AppCheck": "app-token"})
    assert verify.call_args.args[0] == "app-token"
    verify.side_effect = ValueError("bad token")
    with pytest.raises(NotHuman):
        human_check.verify(settings(HumanCheck.APP_CHECK), {"X-Firebase-AppCheck": "forged"})


def test_intake_answers_403_when_the_check_fails(mocker):
    """Through the entrypoint, with fakes behind it: refused before anything is stored."""
    from tests.unit.test_http_layer import FakeDeps, client_for

    deps = FakeDeps()
    deps.settings = settings(HumanCheck.APP_CHECK).model_copy(update={"max_body_bytes": 4096})
    mocker.patch("firebase_admin.app_check.verify_token", side_effect=ValueError("bad"))
    mocker.patch("common.adapters.firebase_auth._app", return_value=object())
    client = client_for("api_surveys", deps)
    body = {"unit_id": "kel-a", "service_id": "x1", "service_date": "2026-11-20", "answers": {f"U{i}": 3 for i in range(1, 10)}}
    response = client.post("/api/surveys", json=body, headers={"X-Firebase-AppCheck": "forged"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "human_check_failed"
    assert deps.uow.state.surveys == {}
