"""Typed configuration, read from the environment once per process.

Every setting has a ``PANTAU_`` environment variable (``PANTAU_REPORT_DEADLINE_DAY``
for ``report_deadline_day``), except the Google ones that the platform sets.
A bad value stops the function at start-up with a message naming the variable,
rather than failing later on a user's request.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from enum import StrEnum
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from common.domain.model import Model
from common.domain.rules import FindingRule, PopulationBasis, UnitRule


class Environment(StrEnum):
    LOCAL = "local"
    TEST = "test"
    DEV = "dev"
    PROD = "prod"


class HumanCheck(StrEnum):
    OFF = "off"  # the local stack; production turns one of the others on
    RECAPTCHA = "recaptcha"  # reCAPTCHA Enterprise token in X-Recaptcha-Token
    APP_CHECK = "app_check"  # Firebase App Check token in X-Firebase-AppCheck


class Settings(Model):
    model_config = ConfigDict(frozen=True, extra="forbid")

    environment: Environment = Environment.LOCAL
    project_id: str = Field(description="Google Cloud project id; demo-* on the local stack")
    report_deadline_day: int = Field(default=5, ge=1, le=28, description="day of the next month a report is due")
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    idempotency_ttl_hours: int = Field(default=48, ge=1)
    publish_timeout_seconds: float = Field(default=5.0, gt=0)
    firestore_timeout_seconds: float = Field(default=10.0, gt=0, description="an unreachable Firestore answers 503 after this, not minutes later")
    outbox_grace_seconds: int = Field(default=60, ge=0, description="age before the relay republishes an event")
    outbox_batch: int = Field(default=200, ge=1, le=500)
    topic_prefix: str = Field(default="", description="prefix for topic names, to share a project between stages")
    log_level: str = "INFO"
    clock_offset_seconds: float = Field(
        default=0.0, description="seconds added to the real time; the local stack and the tests only (PANTAU_NOW sets it)"
    )

    # The public survey
    survey_rate_limit: int = Field(default=10, ge=1, description="responses per address per window (a kiosk or an office's Wi-Fi is one address)")
    survey_rate_window_seconds: int = Field(default=600, ge=10)
    survey_daily_limit: int = Field(default=30, ge=1, description="responses per address and unit per day (WIB), on top of the window")
    survey_min_respondents: int = Field(default=5, ge=2, description="no survey figure is published for fewer respondents (a month, a service, a band)")
    survey_salt: str = Field(default="local-only-salt", min_length=8, description="salt of the address hashes; a secret in production")
    trusted_proxy_hops: int = Field(
        default=2, ge=0,
        description="proxies that append to X-Forwarded-For in front of the function: behind Firebase Hosting, its CDN and "
        "Google's front end (docs/client-address.md)",
    )
    survey_allow_blank: bool = Field(default=False, description="the web and kiosk form may leave an unsur blank (paper forms always may)")
    survey_population_basis: PopulationBasis = Field(
        default=PopulationBasis.PRO_RATA,
        description="the population of a period's sample: pro_rata (the year's population times months/12) or annual")
    survey_human_check: HumanCheck = HumanCheck.OFF
    recaptcha_site_key: str = ""
    recaptcha_min_score: float = Field(default=0.5, ge=0, le=1)

    # The complaint spike rule (see common/domain/complaints.py)
    complaint_window_days: int = Field(default=30, ge=1)
    complaint_min_count: int = Field(default=10, ge=1)
    complaint_growth_factor: float = Field(default=2.0, ge=1)
    complaint_min_share: float = Field(default=0.25, gt=0, le=1)
    complaint_min_responses: int = Field(default=20, ge=1)
    complaint_min_senders: int = Field(default=5, ge=1, description="different people who complained, for any investigation")
    # Working days (SP4N-LAPOR! due dates): national holidays and cuti bersama come from the holidays package
    # (common/domain/calendar.py); these add the government's later decisions. Comma-separated YYYY-MM-DD.
    cuti_bersama: str = Field(default="", description="cuti bersama to add to the package's (an SKB 3 Menteri published after its release)")
    holidays: str = Field(default="", description="other days off to add, e.g. a regional holiday")
    working_days: str = Field(default="", description="days the package lists as off that are working days (a cuti bersama cancelled)")
    cuti_bersama_from_package: bool = Field(default=True, description="take each year's cuti bersama from the holidays package")

    # Notifications
    base_url: str = Field(
        default="", description="the deployment's web address (https://<site>.web.app or a custom domain), without a trailing "
        "slash: every link in an e-mail starts with it; required with smtp_host")
    smtp_host: str = Field(default="", description="empty: e-mail is not configured and is skipped")
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_tls: str = Field(default="starttls", pattern="^(none|starttls|ssl)$")
    smtp_sender: str = "no-reply@pantau-belawan.example"
    smtp_sender_name: str = "Pantau Kinerja Belawan"
    smtp_username: str = ""
    smtp_password: str = Field(default="", description="in production from Secret Manager, as an environment variable")
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    push_enabled: bool = Field(default=False, description="send push through FCM (needs a real Firebase project)")
    notify_chunk: int = Field(default=50, ge=1, le=500, description="recipients per delivery message")
    reminder_days_before: int = Field(default=3, ge=1, le=10, description="days before the deadline of the first reminder")

    # Evidence files (bukti dukung, see common/domain/evidence.py)
    evidence_bucket: str = Field(default="", description="the Cloud Storage bucket of evidence files; Terraform sets it")
    evidence_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024, description="largest file accepted (10 MiB)")
    evidence_max_files: int = Field(default=20, ge=1, le=20, description="files per report (the report keeps at most 20)")
    evidence_upload_ttl_seconds: int = Field(default=900, ge=60, le=7 * 24 * 3600, description="how long an upload URL works")
    evidence_download_ttl_seconds: int = Field(default=300, ge=30, le=7 * 24 * 3600, description="how long a download URL works")
    evidence_orphan_days: int = Field(default=7, ge=1, le=90, description="days a verified file may wait to be attached before it is deleted")
    evidence_signer_email: str = Field(
        default="", description="the service account that signs upload and download URLs (IAM signBlob); Terraform sets it"
    )
    evidence_signing_key_file: str = Field(
        default="", description="local stack and tests only: a private key that signs URLs in place of IAM signBlob"
    )

    # Keberatan (common/domain/objections.py)
    objection_window_days: int = Field(default=14, ge=1, le=90, description="calendar days after a predikat is published to object to it")
    objection_decision_days: int = Field(default=14, ge=1, le=90, description="calendar days the decider has after an objection is filed")

    # The monthly evaluation (see common/domain/scoring.py and findings.py); JSON in the environment
    unit_rule: UnitRule = Field(default_factory=UnitRule, description="how a unit's predikat follows from its measures")
    finding_rule: FindingRule = Field(default_factory=FindingRule, description="thresholds of the finding rules")

    @field_validator("project_id")
    @classmethod
    def _project_present(cls, value: str) -> str:
        if not value:
            raise ValueError("set GOOGLE_CLOUD_PROJECT (or PANTAU_PROJECT_ID)")
        return value

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", value):
            raise ValueError("give an absolute http(s) address such as https://pantau-belawan.web.app")
        return value

    @model_validator(mode="after")
    def _links_for_email(self) -> "Settings":
        if self.smtp_host and not self.base_url:
            raise ValueError("set PANTAU_BASE_URL with PANTAU_SMTP_HOST: e-mail links must be absolute")
        return self

    @model_validator(mode="after")
    def _real_time_outside_the_local_stack(self) -> "Settings":
        if self.clock_offset_seconds and self.environment not in (Environment.LOCAL, Environment.TEST):
            raise ValueError("clock_offset_seconds is for the local stack and the tests; dev and prod run on the real time")
        if self.evidence_signing_key_file and self.environment not in (Environment.LOCAL, Environment.TEST):
            raise ValueError("evidence_signing_key_file is for the local stack; dev and prod sign with IAM (evidence_signer_email)")
        return self

    @property
    def evidence_limits(self):
        from datetime import timedelta

        from common.domain.evidence import EvidenceLimits

        return EvidenceLimits(
            max_bytes=self.evidence_max_bytes,
            max_files=self.evidence_max_files,
            upload_ttl=timedelta(seconds=self.evidence_upload_ttl_seconds),
            orphan_after=timedelta(days=self.evidence_orphan_days),
        )

    @property
    def emulated(self) -> bool:
        return bool(os.environ.get("FIRESTORE_EMULATOR_HOST")) or self.project_id.startswith("demo-")

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    @property
    def calendar(self):
        """The working-day calendar: ``day in settings.calendar`` is a day off."""
        from common.domain.calendar import WorkingCalendar

        return WorkingCalendar(extra=_dates(self.cuti_bersama) | _dates(self.holidays), working=_dates(self.working_days),
                               package_cuti_bersama=self.cuti_bersama_from_package)

    @property
    def holiday_dates(self):
        """The days off, for ``due_dates`` (the name before the calendar came from a package)."""
        return self.calendar

    @property
    def spike_rule(self):
        from common.domain.complaints import SpikeRule

        return SpikeRule(
            window_days=self.complaint_window_days,
            min_complaints=self.complaint_min_count,
            growth_factor=self.complaint_growth_factor,
            min_share=self.complaint_min_share,
            min_responses_for_share=self.complaint_min_responses,
            min_senders=self.complaint_min_senders,
        )

    @field_validator("holidays", "cuti_bersama", "working_days")
    @classmethod
    def _holidays_are_dates(cls, value: str) -> str:
        _dates(value)
        return value


def _dates(value: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(d.strip()) for d in value.split(",") if d.strip())


def _from_environment(environ: dict[str, str]) -> Settings:
    values: dict[str, str] = {}
    for name, field in Settings.model_fields.items():
        raw = environ.get(f"PANTAU_{name.upper()}")
        if raw is not None:
            nested = isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
            try:
                values[name] = json.loads(raw) if nested else raw
            except json.JSONDecodeError:
                raise RuntimeError(f"invalid configuration: PANTAU_{name.upper()} must be JSON") from None
    values.setdefault("project_id", environ.get("GOOGLE_CLOUD_PROJECT") or environ.get("GCLOUD_PROJECT") or "")
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(
            f"PANTAU_{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" if e["loc"] else e["msg"] for e in error.errors()
        )
        raise RuntimeError(f"invalid configuration: {problems}") from None


@cache
def get_settings() -> Settings:
    settings = _from_environment(dict(os.environ))
    from common.domain import clock

    clock.install(clock.Clock(settings.clock_offset_seconds))  # the process's one clock, configured once with the rest
    return settings
