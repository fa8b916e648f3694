"""POST/GET /api/objections through the HTTP layer on the fakes: every refusal is a 4xx in the
JSON error shape and writes nothing (the flow itself: test_objections.py and the integration test)."""

import copy

import pytest

from tests.unit.test_http_layer import client_for, token


def stored(deps):
    return copy.deepcopy(deps.uow.store.documents.collections)


@pytest.mark.parametrize("body, code", [
    ({"period": "2026-10", "reason": "terlalu pendek"}, "validation_failed"),  # under 20 characters
    ({"period": "2026-13", "reason": "Capaian saya tidak dinilai sesuai bukti dukung."}, "validation_failed"),
    ({"period": "2026-10", "reason": "Capaian saya tidak dinilai sesuai bukti dukung.", "decider_nip": "x"}, "validation_failed"),
    ({"period": "2026-10", "reason": "Capaian saya tidak dinilai sesuai bukti dukung."}, "objection_no_result"),  # nothing published
])
def test_a_refused_objection_is_a_422_and_writes_nothing(deps, org, body, code):
    _, asn = org
    before = stored(deps)
    answer = client_for("api_objections", deps).post("/api/objections", json=body, headers=token(asn))
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == code, answer.get_json()
    assert stored(deps) == before


def test_a_deactivated_asn_cannot_file_and_nothing_is_written(deps, org):
    _, asn = org
    deps.uow.employees.put(asn.model_copy(update={"active": False}))
    before = stored(deps)
    answer = client_for("api_objections", deps).post(
        "/api/objections", json={"period": "2026-10", "reason": "Capaian saya tidak dinilai sesuai bukti dukung."}, headers=token(asn))
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "account_deactivated"
    assert stored(deps) == before


def test_someone_elses_or_no_objection_is_a_404_and_a_decision_on_it_writes_nothing(deps, org):
    boss, asn = org
    client = client_for("api_objections", deps)
    assert client.get(f"/api/objections/{boss.nip}_2026-10", headers=token(asn)).status_code == 404
    before = stored(deps)
    decided = client.post(f"/api/objections/{asn.nip}_2026-10/decision", headers=token(boss),
                          json={"decision": "rejected", "reason": "Penilaian sudah sesuai bukti."})
    assert decided.status_code == 404 and decided.get_json()["error"]["code"] == "objection_not_found"
    assert stored(deps) == before
