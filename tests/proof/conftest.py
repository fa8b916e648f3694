"""Callers of every kind, signed in against the test stack, for the proof tests."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass

import pytest

from common.domain.organisation import Role
from common.services import administration
from tests import factories as f
from tests.integration.org import PASSWORD, make_org
from tools.client import sign_in
from tools.enrol import enrol


@dataclass
class Callers:
    """Tokens for each kind of caller, around one report of one ASN."""

    tokens: dict[str, str | None]
    org: object
    other_org: object
    report_id: str
    unit_id: str


def _forge(token: str, **changes) -> str:
    header, payload, _ = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    data = json.loads(base64.urlsafe_b64decode(pad(payload)))
    data.update(changes)
    encode = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{header}.{encode(data)}."


@pytest.fixture(scope="session")
def callers(stack, uow, accounts, clock) -> Callers:
    from common.domain.period import period_of
    from tests.integration.test_report_flow import body

    org = make_org(stack, uow, accounts, "proof", size=2)
    other = make_org(stack, uow, accounts, "proof2", size=1)
    unit = uow.units.get(org.unit_id)
    head = f.employee(org.unit_id, email="kepala.proof@uji.example")
    inspector = f.employee(org.unit_id, role=Role.INSPEKTORAT, email="irban.proof@uji.example")
    gone = f.employee(org.unit_id, email="pergi.proof@uji.example")
    enrol(stack, uow, [head, inspector, gone], PASSWORD)
    gone_token = sign_in(stack.auth, gone.email, PASSWORD)
    enrol(stack, uow, [gone.model_copy(update={"active": False})], PASSWORD, reason="pensiun")  # its token from before stays in hand
    administration.load_units(uow, [unit.model_copy(update={"head_nip": head.nip})])
    report_id = org.team[0].api.post("/api/reports", json=body(period_of(clock.now()))).json()["report"]["id"]
    asn_token = org.team[0].token
    now = int(time.time())
    tokens = {
        "anonymous": None,
        "asn": asn_token,
        "other_asn": org.team[1].token,
        "supervisor": org.boss.token,
        "other_supervisor": other.boss.token,
        "unit_head": sign_in(stack.auth, head.email, PASSWORD),
        "admin": org.admin.token,
        "inspektorat": sign_in(stack.auth, inspector.email, PASSWORD),
        "deactivated": gone_token,
        "expired": _forge(asn_token, iat=now - 7200, exp=now - 3600, auth_time=now - 7200),
        "other_project": _forge(asn_token, aud="demo-another-project", iss="https://securetoken.google.com/demo-another-project"),
    }
    return Callers(tokens=tokens, org=org, other_org=other, report_id=report_id, unit_id=org.unit_id)
