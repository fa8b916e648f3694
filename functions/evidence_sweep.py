"""Pub/Sub (evidence-sweep, daily): delete evidence files nobody will use.

An upload target never used, or a verified file never attached to a report within
``evidence_orphan_days``: its record is closed and its object deleted. Safe to run twice.
"""

from __future__ import annotations

import logging

import functions_framework

from common.api.commands import Tick
from common.api.deps import Deps
from common.api.push import receive
from common.services.evidence import sweep
from functions.catalog import BY_NAME

log = logging.getLogger("pantau.evidence_sweep")
deps = Deps()


@functions_framework.cloud_event
def evidence_sweep(cloud_event) -> None:
    if receive(cloud_event, deps, Tick, BY_NAME["evidence_sweep"].dead_letter) is None:
        return
    closed = sweep(deps.uow, deps.storage, deps.now())
    log.info("evidence swept", extra={"closed": closed})
