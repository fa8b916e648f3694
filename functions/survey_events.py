"""Pub/Sub (survey-submitted): update the unit's complaint picture; open an investigation on a spike.

Safe to run twice and in any order: the picture is recomputed from the stored
responses, and the investigation guard lets one spike open one investigation.
Raising makes Pub/Sub deliver the message again.
"""

from __future__ import annotations

import logging

import functions_framework

from common.api.commands import SurveySubmitted
from common.api.deps import Deps
from common.api.push import receive
from common.services.complaints import on_survey_submitted
from functions.catalog import BY_NAME

log = logging.getLogger("pantau.survey_events")
deps = Deps()


@functions_framework.cloud_event
def survey_events(cloud_event) -> None:
    if (received := receive(cloud_event, deps, SurveySubmitted, BY_NAME["survey_events"].dead_letter)) is None:
        return
    unit_id = received.command.data.unit_id
    opened = on_survey_submitted(
        deps.uow, deps.settings.spike_rule, deps.settings.holiday_dates, unit_id, deps.now()
    )
    log.info("complaint picture updated", extra={"unit_id": unit_id, "investigation": opened.id if opened else None})
