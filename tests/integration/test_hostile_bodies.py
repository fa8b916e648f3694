"""What `make fuzz` found on the real stack (docs/fuzz.md): a number Firestore cannot store, a
repeated query parameter and the last period's team view; each now has a clear answer."""

from __future__ import annotations

import json

from tests.integration.org import make_org


def test_unstorable_or_ambiguous_input_is_refused_before_anything_is_written(stack, uow, accounts, unique):
    org = make_org(stack, uow, accounts, f"hostile{unique}", size=1)
    unit_id = f"kel-hostile-{unique}"

    huge = {"units": [{"id": unit_id, "name": "Kelurahan Besar", "population_served": 15681697082864528909139968}]}
    response = org.admin.api.put("/api/admin/units", json=huge)  # was a 500: beyond Firestore's 64-bit integers
    assert response.status_code == 422, response.text
    assert uow.units.get(unit_id) is None

    lone = json.dumps({"units": [{"id": unit_id, "name": "Kelurahan X"}]}).replace("X", "\\udbca")
    response = org.admin.api.put("/api/admin/units", data=lone, headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "units.0.name"

    twice = org.admin.api.get(f"/api/admin/deliveries?nip={org.team[0].nip}&nip={org.boss.nip}")
    assert twice.status_code == 422 and twice.json()["error"]["details"][0]["code"] == "query_repeated"

    last = org.boss.api.get("/api/team/reports", params={"period": "2100-12"})  # was a 500: its deadline is in 2101
    assert last.status_code == 200, last.text
