"""Our models are built on first use (common/domain/model.py); that first use may come on
many threads at once, in a fresh process, and every one must validate as an eager model would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RACE = """
from concurrent.futures import ThreadPoolExecutor
from common.domain.organisation import Employee, Role, Unit
from common.domain.reports import Report

assert not Employee.__pydantic_complete__ and not Report.__pydantic_complete__  # nothing built yet
data = {"nip": "198507142010011003", "name": "Uji", "unit_id": "kel-1", "role": "asn", "email": "uji@example.go.id"}

def one(i):
    employee = Employee.model_validate(data)
    unit = Unit.model_validate({"id": f"kel-{i}", "name": "Kelurahan"})
    try:
        Employee.model_validate({**data, "unexpected": 1})
    except Exception as error:
        refused = type(error).__name__
    else:
        refused = None
    return employee.role is Role.ASN, unit.id, refused

with ThreadPoolExecutor(max_workers=32) as pool:
    answers = list(pool.map(one, range(256)))
assert all(ok for ok, _, _ in answers), answers
assert len({u for _, u, _ in answers}) == 256
print(sorted({r for _, _, r in answers}))
"""


def test_models_built_on_first_use_validate_alike_on_many_threads_at_once():
    from common.domain.organisation import Employee

    forbids_extra = Employee.model_config.get("extra") == "forbid"
    done = subprocess.run([sys.executable, "-c", RACE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    # Every thread refused the extra field the same way (or none did, if the model allows extras).
    assert done.stdout.strip() == ("['ValidationError']" if forbids_extra else "[None]"), done.stdout
