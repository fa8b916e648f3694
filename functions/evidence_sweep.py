"""Pub/Sub (evidence-sweep, daily): delete evidence files nobody will use.

An upload target never used, or a verified file never attached to a report within
``evidence_orphan_days``: its record is closed and its object deleted. Safe to run twice.
"""

from __future__ import annotations

import logging

import functions_framework

from common.api.deps import Deps
from common.api.push import receive
from common.services.evidence import sweep

log = logging.getLogger("pantau.evidence_sweep")
deps = Deps()


@functions_framework.cloud_event
def evidence_sweep(cloud_event) -> None:
    receive(cloud_event, deps.settings.log_level)
    closed = sweep(deps.uow, deps.storage, deps.now())
    log.info("evidence swept", extra={"closed": closed})
