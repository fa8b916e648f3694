"""Cloud Storage (object finalized, through Eventarc): check an uploaded evidence file.

The real type from the first bytes, the size, a photo's location removed, a PDF that is not
whole or not a PDF rejected; the verdict is recorded on the upload and a rejected object is
deleted. Safe to run twice: a verdict is keyed by the object's generation. Raising makes
Eventarc deliver the event again.
"""

from __future__ import annotations

import logging

import functions_framework

from common.api.deps import Deps
from common.logs import configure, request_id_var
from common.services.evidence import check_object

log = logging.getLogger("pantau.evidence_check")
deps = Deps()


@functions_framework.cloud_event
def evidence_check(cloud_event) -> None:
    configure(deps.settings.log_level)
    request_id_var.set(cloud_event["id"])
    data = cloud_event.data or {}
    if data.get("bucket") != deps.settings.evidence_bucket:
        log.warning("event of another bucket ignored", extra={"bucket": data.get("bucket")})
        return
    outcome = check_object(
        deps.uow, deps.storage, deps.settings, data["name"], int(data["generation"]), int(data.get("size") or 0), deps.now()
    )
    log.info("evidence checked", extra={"object": data["name"], "generation": data["generation"], "outcome": outcome.value})
