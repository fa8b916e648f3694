"""Accounts people can trust, through HTTP on the emulators, with real tokens and the real mailbox:
nobody adopts an account by signing up first, people set their own password from an invitation,
and a deactivation, a demotion or a move takes effect on the very next request."""

from __future__ import annotations

import re
import time

import pytest
import requests

from common.domain.organisation import Role
from tests import factories as f
from tests.integration.org import PASSWORD, make_org
from tests.integration.test_notifications import mails_to, wait_for
from tests.integration.test_report_flow import body, review
from tools.client import Api, accept_invitation, sign_in, sign_up


def employee_json(employee, **changes) -> dict:
    return employee.model_copy(update=changes).model_dump(mode="json")


def audit(admin: Api, nip: str) -> list[dict]:
    response = admin.get("/api/admin/audit", params={"nip": nip})
    assert response.status_code == 200, response.text
    return response.json()["entries"]


def invitation_link(stack, address: str) -> str:
    mails = wait_for(lambda: mails_to(stack, address, invitations=True), timeout=30)
    assert mails, f"no invitation reached {address}"
    text = mails[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+oobCode=\S+", text).group(0)


@pytest.fixture(scope="module")
def org(stack, uow, accounts):
    return make_org(stack, uow, accounts, "akun", size=2)


def test_signing_up_first_grants_nothing_and_refuses_the_load(stack, uow, org, unique):
    address = f"kabid.{unique}@bkpsdm.example"
    squatter = sign_up(stack.auth, address, "Coba-Coba-2026")
    assert Api(stack.api, squatter).get("/api/me/performance").status_code == 403  # an account nobody invited
    newcomer = f.employee(org.unit_id, role=Role.ADMIN, email=address)
    refused = org.admin.api.put("/api/admin/employees", json={"employees": [employee_json(newcomer)], "reason": "pelantikan"})
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "email_in_use" and address in error["message"]
    assert error["details"][0]["field"] == "employees.0.email"
    assert uow.employees.get(newcomer.nip) is None
    again = sign_in(stack.auth, address, "Coba-Coba-2026")
    for path in ("/api/admin/units", "/api/me/performance"):
        assert Api(stack.api, again).get(path).status_code == 403


def test_an_invited_person_sets_their_password_from_the_mail_and_signs_in(stack, org, unique):
    person = f.employee(org.unit_id, supervisor=org.boss.nip, email=f"baru.{unique}@uji.example")
    loaded = org.admin.api.put("/api/admin/employees", json={"employees": [employee_json(person)], "reason": "CPNS 2026"})
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["accounts"][0]["actions"] == ["account.created", "account.invited"]
    with pytest.raises(requests.HTTPError):
        sign_in(stack.auth, person.email, PASSWORD)  # no password until they set one
    accept_invitation(stack.auth, invitation_link(stack, person.email), "Kata-Sandi-Sendiri-1")
    api = Api(stack.api, sign_in(stack.auth, person.email, "Kata-Sandi-Sendiri-1"))
    assert api.get("/api/me/performance").json()["nip"] == person.nip
    # BKPSDM resends: a new link arrives, the first is superseded.
    resent = org.admin.api.post(f"/api/admin/employees/{person.nip}/invitation", json={"reason": "tautan hilang"})
    assert resent.status_code == 202, resent.text
    assert wait_for(lambda: len(mails_to(stack, person.email, invitations=True)) == 2, timeout=30)
    assert sorted(e["action"] for e in audit(org.admin.api, person.nip)) == ["account.created", "account.invited", "account.invited"]
    assert org.team[0].api.post(f"/api/admin/employees/{person.nip}/invitation", json={"reason": "coba"}).status_code == 403


def test_deactivation_refuses_the_old_token_and_a_new_sign_in(stack, org):
    leaving = org.team[1]
    assert leaving.api.get("/api/me/performance").status_code == 200
    off = org.admin.api.put("/api/admin/employees", json={"employees": [employee_json(leaving.employee, active=False)], "reason": "pensiun"})
    assert off.status_code == 200, off.text
    old = leaving.api.get("/api/me/performance")
    assert old.status_code == 401 and old.json()["error"]["code"] in ("account_disabled", "token_revoked")
    with pytest.raises(requests.HTTPError):
        sign_in(stack.auth, leaving.employee.email, PASSWORD)
    actions = {e["action"]: e for e in audit(org.admin.api, leaving.nip)}
    assert {"account.deactivated", "account.tokens_revoked"} <= set(actions)
    entry = actions["account.deactivated"]
    assert entry["actor"] == org.admin.nip and entry["reason"] == "pensiun"
    assert entry["inputs"]["active"] is True and entry["outputs"]["active"] is False


def test_a_demoted_admin_is_refused_with_the_token_issued_before(stack, uow, accounts, unique):
    other = make_org(stack, uow, accounts, f"turun{unique}", size=1)
    chief, deputy = other.admin, make_org(stack, uow, accounts, f"wakil{unique}", size=1).admin
    assert chief.api.get("/api/admin/units").status_code == 200
    demoted = deputy.api.put("/api/admin/employees", json={"employees": [employee_json(chief.employee, role=Role.ASN)], "reason": "mutasi"})
    assert demoted.status_code == 200, demoted.text
    refused = chief.api.get("/api/admin/units")
    # Revoked; a token from the very second of the revocation is still refused: its claims are not the record's.
    assert refused.status_code == 401 and refused.json()["error"]["code"] in ("token_revoked", "token_invalid")
    fresh = Api(stack.api, sign_in(stack.auth, chief.employee.email, PASSWORD))
    assert fresh.get("/api/admin/units").status_code == 403  # signs in again as what the record says: an ASN
    change = next(e for e in audit(deputy.api, chief.nip) if e["action"] == "account.claims_changed")
    assert change["inputs"]["role"] == "admin" and change["outputs"]["role"] == "asn" and change["reason"] == "mutasi"


def test_a_supervisor_moved_away_no_longer_reviews_the_old_team(stack, uow, accounts, unique, this_month):
    from common.services import administration

    team = make_org(stack, uow, accounts, f"pindah{unique}", size=1)
    report_id = team.team[0].api.post("/api/reports", json=body(this_month)).json()["report"]["id"]
    elsewhere = f"kel-lain-{unique}"
    administration.load_units(uow, [f.unit(elsewhere)])
    moved = team.admin.api.put("/api/admin/employees", json={"employees": [employee_json(team.boss.employee, unit_id=elsewhere)], "reason": "mutasi"})
    assert moved.status_code == 200, moved.text
    time.sleep(1)  # a new token is issued in a later second than the revocation
    boss = Api(stack.api, sign_in(stack.auth, team.boss.employee.email, PASSWORD))
    refused = boss.post(f"/api/reports/{report_id}/review", json=review("accept"))
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "report_not_found"
    assert boss.get(f"/api/reports/{report_id}").status_code == 404
    assert boss.get("/api/team/reports", params={"period": this_month}).status_code == 403
    assert {"account.claims_changed", "account.tokens_revoked"} <= {e["action"] for e in audit(team.admin.api, team.boss.nip)}


def test_the_audit_log_is_for_bkpsdm_and_the_inspectorate_only(stack, org, this_month):
    assert org.team[0].api.get("/api/admin/audit").status_code == 403
    assert org.boss.api.get("/api/admin/audit").status_code == 403
    page = org.admin.api.get("/api/admin/audit", params={"limit": 2})
    assert page.status_code == 200 and len(page.json()["entries"]) == 2 and page.json()["next_cursor"]
    following = org.admin.api.get("/api/admin/audit", params={"limit": 2, "cursor": page.json()["next_cursor"]}).json()["entries"]
    assert {e["id"] for e in following}.isdisjoint(e["id"] for e in page.json()["entries"])
    assert org.admin.api.get("/api/admin/audit", params={"cursor": "bukan-kursor"}).status_code == 422
    assert org.admin.api.get("/api/admin/audit", params={"since": "kemarin"}).status_code == 422
