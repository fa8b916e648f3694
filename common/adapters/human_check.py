"""Is the sender of a public survey a person? reCAPTCHA Enterprise or Firebase App Check.

Off on the local stack. In production one of them is on; both calls leave
this machine, so tests mock them at this boundary.
"""

from __future__ import annotations

from typing import Any

from common.settings import HumanCheck, Settings

RECAPTCHA_ACTION = "survey_submit"


class NotHuman(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def verify(settings: Settings, headers: Any) -> None:
    """Raise NotHuman unless the configured check passes for this request."""
    if settings.survey_human_check is HumanCheck.OFF:
        return
    if settings.survey_human_check is HumanCheck.APP_CHECK:
        _app_check(settings, headers.get("X-Firebase-AppCheck", ""))
    else:
        _recaptcha(settings, headers.get("X-Recaptcha-Token", ""))


def _app_check(settings: Settings, token: str) -> None:
    if not token:
        raise NotHuman("missing_token")
    from firebase_admin import app_check

    from .firebase_auth import _app

    try:
        app_check.verify_token(token, app=_app(settings))
    except Exception as error:  # invalid, expired, or for another app
        raise NotHuman("invalid_token") from error


def _recaptcha(settings: Settings, token: str) -> None:
    if not token:
        raise NotHuman("missing_token")
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    session = AuthorizedSession(credentials)
    response = session.post(
        f"https://recaptchaenterprise.googleapis.com/v1/projects/{settings.project_id}/assessments",
        json={"event": {"token": token, "siteKey": settings.recaptcha_site_key, "expectedAction": RECAPTCHA_ACTION}},
        timeout=5,
    )
    if response.status_code != 200:
        raise RuntimeError(f"reCAPTCHA assessment failed: HTTP {response.status_code}")  # ours, not the sender's fault
    assessment = response.json()
    properties = assessment.get("tokenProperties", {})
    if not properties.get("valid"):
        raise NotHuman(properties.get("invalidReason", "invalid_token").lower())
    if properties.get("action") != RECAPTCHA_ACTION:
        raise NotHuman("wrong_action")
    if assessment.get("riskAnalysis", {}).get("score", 0.0) < settings.recaptcha_min_score:
        raise NotHuman("low_score")
