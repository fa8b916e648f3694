"""BKPSDM loads through the admin API and the command line, on the emulators."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import factories as f
from tests.integration.org import make_org
from tools.client import Api

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def org(stack, uow, accounts, unique):
    return make_org(stack, uow, accounts, unique, size=1)


def test_admin_loads_employees_and_their_accounts_get_claims(org, stack, uow, unique):
    new_unit = f"kel-baru-{unique}"
    assert org.admin.api.put("/api/admin/units", json={"units": [{"id": new_unit, "name": "Kelurahan Baru"}]}).status_code == 200
    head = f.employee(new_unit, email=f"kepala.{unique}@uji.example").model_dump(mode="json")
    staff = f.employee(new_unit, supervisor=head["nip"], email=f"staf.{unique}@uji.example").model_dump(mode="json")
    response = org.admin.api.put("/api/admin/employees", json={"employees": [head, staff]})
    assert response.status_code == 200, response.text
    assert [a["actions"] for a in response.json()["accounts"]] == [["account.created", "account.invited"]] * 2
    from firebase_admin import auth

    user = auth.get_user_by_email(staff["email"])
    assert user.custom_claims == {"role": "asn", "nip": staff["nip"], "unit": new_unit}
    listed = org.admin.api.get("/api/admin/employees", params={"unit_id": new_unit}).json()["employees"]
    assert {e["nip"] for e in listed} == {head["nip"], staff["nip"]}

    plan = f.plan(staff["nip"]).model_dump(mode="json")
    assert org.admin.api.put("/api/admin/skp", json={"plans": [plan]}).status_code == 200
    assert uow.plans.for_year(staff["nip"], plan["year"]).indicators[0].id == "IKI-1"


def test_a_bad_row_refuses_the_whole_load_with_every_problem(org, uow, unique):
    good = f.employee(org.unit_id, email=f"baik.{unique}@uji.example").model_dump(mode="json")
    bad_nip = {**f.employee(org.unit_id).model_dump(mode="json"), "nip": "198502302010011003"}
    unknown_unit = {**f.employee(org.unit_id).model_dump(mode="json"), "unit_id": "kel-tidak-ada"}
    response = org.admin.api.put("/api/admin/employees", json={"employees": [good, bad_nip]})
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [(d["field"], d["code"]) for d in details] == [("employees.1.nip", "nip_invalid")]
    assert "kalender" in details[0]["message"]
    assert uow.employees.get(good["nip"]) is None
    response = org.admin.api.put("/api/admin/employees", json={"employees": [good, unknown_unit]})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "employees.1.unit_id"
    assert uow.employees.get(good["nip"]) is None


def test_only_admins_may_load(org):
    for member in (org.boss, org.team[0]):
        assert member.api.put("/api/admin/units", json={"units": [{"id": "kel-x", "name": "X X X"}]}).status_code == 403
    assert Api(org.admin.api.base).get("/api/admin/units").status_code == 401


def test_supervisor_links_may_not_loop(org):
    links = [{"nip": org.boss.nip, "supervisor_nip": org.team[0].nip}]
    response = org.admin.api.put("/api/admin/supervisors", json={"links": links})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["code"] == "cycle"


def run_cli(stack, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    stack_file = tmp_path / "stack.json"
    stack_file.write_text(json.dumps({"project": stack.project, "firestore": stack.firestore, "pubsub": stack.pubsub, "auth": stack.auth}))
    return subprocess.run(
        [sys.executable, "-m", "common.cli", "--stack", str(stack_file), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_line_loads_csv_and_reports_bad_lines(stack, uow, tmp_path, unique):
    unit = f"kel-cli-{unique}"
    (tmp_path / "units.csv").write_text(f"id;name;kind\n{unit};Kelurahan CLI {unique};kelurahan\n", encoding="utf-8-sig")
    head, staff = f.make_nip(), f.make_nip(gender=2)
    employees = tmp_path / "employees.csv"
    employees.write_text(
        "nip,name,email,unit_id,supervisor_nip,jabatan,role\n"
        f"{head},Lurah CLI,lurah.{unique}@uji.example,{unit},,Lurah,\n"
        f"{staff},Staf CLI,staf.{unique}@uji.example,{unit},{head},Staf Pelayanan,\n"
        f"198502302010011003,Tanggal Salah,salah.{unique}@uji.example,{unit},,Staf,\n"
        f"{f.make_nip()},Peran Salah,peran.{unique}@uji.example,{unit},,Staf,raja\n"
    )
    assert run_cli(stack, tmp_path, "load", "units", str(tmp_path / "units.csv")).returncode == 0
    refused = run_cli(stack, tmp_path, "--lang", "en", "load", "employees", str(employees))
    assert refused.returncode == 1
    assert "line 4: nip: invalid NIP" in refused.stderr
    assert "line 5: role:" in refused.stderr
    assert uow.employees.get(head) is None  # nothing from the file

    employees.write_text("\n".join(employees.read_text().splitlines()[:3]) + "\n")
    loaded = run_cli(stack, tmp_path, "load", "employees", str(employees))
    assert loaded.returncode == 0, loaded.stderr
    assert "2 pegawai dimuat" in loaded.stdout
    assert uow.employees.get(staff).supervisor_nip == head

    skp = tmp_path / "skp.csv"
    skp.write_text(
        "nip,year,indicator_id,name,aspect,target,unit,direction\n"
        f"{staff},2026,IKI-1,Surat keterangan diterbitkan,kuantitas,40,dokumen,\n"
        f"{staff},2026,IKI-2,Waktu penyelesaian surat,waktu,2,hari,lower_is_better\n"
    )
    assert run_cli(stack, tmp_path, "load", "skp", str(skp)).returncode == 0
    plan = uow.plans.for_year(staff, 2026)
    assert [(i.id, i.direction) for i in plan.indicators] == [("IKI-1", "higher_is_better"), ("IKI-2", "lower_is_better")]

    links = tmp_path / "links.csv"
    links.write_text(f"nip,supervisor_nip\n{head},{staff}\n")
    looped = run_cli(stack, tmp_path, "load", "supervisors", str(links))
    assert looped.returncode == 1 and "baris 2: supervisor_nip" in looped.stderr  # Bahasa Indonesia unless --lang en


def test_the_command_line_loads_an_excel_workbook_with_indonesian_headers(stack, uow, tmp_path, unique):
    """What BKPSDM's Excel saves: an .xlsx with Indonesian column names, a NIP typed as text, a
    decimal target; and the same data as a ;-separated CSV with decimal commas."""
    from openpyxl import Workbook

    unit, head = f"kel-xlsx-{unique}", f.make_nip()
    book = Workbook()
    book.active.append(["Kode", "Nama", "Jenis", "Populasi"])
    book.active.append([unit, f"Kelurahan Excel {unique}", "kelurahan", 1204])
    book.save(tmp_path / "unit.xlsx")
    loaded = run_cli(stack, tmp_path, "load", "units", str(tmp_path / "unit.xlsx"))
    assert loaded.returncode == 0, loaded.stderr
    assert "1 unit dimuat" in loaded.stdout and uow.units.get(unit).population_served == 1204

    book = Workbook()
    book.active.append(["NIP", "Nama", "Unit Kerja", "Jabatan", "Aktif"])
    book.active.append([head, "Lurah Excel", unit, "Lurah", "ya"])
    book.save(tmp_path / "pegawai.xlsx")
    assert run_cli(stack, tmp_path, "load", "employees", str(tmp_path / "pegawai.xlsx")).returncode == 0
    assert uow.employees.get(head).jabatan == "Lurah"

    (tmp_path / "skp.csv").write_text(f"nip;tahun;kode_indikator;nama_indikator;aspek;target;satuan\n"
                                      f"{head};2026;IKI-1;Surat keterangan diterbitkan;kuantitas;40,5;dokumen\n", encoding="utf-8-sig")
    assert run_cli(stack, tmp_path, "load", "skp", str(tmp_path / "skp.csv")).returncode == 0
    assert uow.plans.for_year(head, 2026).indicators[0].target == 40.5
