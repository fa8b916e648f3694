"""Typed configuration, read from the environment once per process.

Every setting has a ``PANTAU_`` environment variable (``PANTAU_REPORT_DEADLINE_DAY``
for ``report_deadline_day``), except the Google ones that the platform sets.
A bad value stops the function at start-up with a message naming the variable,
rather than failing later on a user's request.
"""

from __future__ import annotations

import os
from enum import StrEnum
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class Environment(StrEnum):
    LOCAL = "local"
    TEST = "test"
    DEV = "dev"
    PROD = "prod"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    environment: Environment = Environment.LOCAL
    project_id: str = Field(description="Google Cloud project id; demo-* on the local stack")
    report_deadline_day: int = Field(default=5, ge=1, le=28, description="day of the next month a report is due")
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    idempotency_ttl_hours: int = Field(default=48, ge=1)
    publish_timeout_seconds: float = Field(default=5.0, gt=0)
    outbox_grace_seconds: int = Field(default=60, ge=0, description="age before the relay republishes an event")
    outbox_batch: int = Field(default=200, ge=1, le=500)
    topic_prefix: str = Field(default="", description="prefix for topic names, to share a project between stages")
    auth_check_revoked: bool = Field(default=False, description="also check revocation and disabled accounts (one Auth API call per request)")
    log_level: str = "INFO"

    @field_validator("project_id")
    @classmethod
    def _project_present(cls, value: str) -> str:
        if not value:
            raise ValueError("set GOOGLE_CLOUD_PROJECT (or PANTAU_PROJECT_ID)")
        return value

    @property
    def emulated(self) -> bool:
        return bool(os.environ.get("FIRESTORE_EMULATOR_HOST")) or self.project_id.startswith("demo-")

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"


def _from_environment(environ: dict[str, str]) -> Settings:
    values: dict[str, str] = {}
    for name in Settings.model_fields:
        raw = environ.get(f"PANTAU_{name.upper()}")
        if raw is not None:
            values[name] = raw
    values.setdefault("project_id", environ.get("GOOGLE_CLOUD_PROJECT") or environ.get("GCLOUD_PROJECT") or "")
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(
            f"PANTAU_{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors()
        )
        raise RuntimeError(f"invalid configuration: {problems}") from None


@cache
def get_settings() -> Settings:
    return _from_environment(dict(os.environ))
