"""`python -m common.cli ikm --csv FILE`: IKM from a paper-survey CSV with no server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADER = "U1,U2,U3,U4,U5,U6,U7,U8,U9"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}  # no emulator or project settings: nothing to reach
    return subprocess.run([sys.executable, "-m", "common.cli", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)


def test_prints_ikm_as_json(tmp_path):
    csv = tmp_path / "kertas.csv"
    csv.write_text(f"{HEADER}\n" + "4,4,4,4,4,4,4,4,4\n" * 2 + "2,2,2,2,2,2,2,2,2\n" * 2)
    out = run("ikm", "--csv", str(csv))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["n"] == 4 and result["nrr"] == {f"U{i}": 3.0 for i in range(1, 10)}
    assert result["ikm"] == 75.0 and result["mutu"] == "C" and result["mutu_label"] == "Kurang Baik"
    rounded = json.loads(run("ikm", "--csv", str(csv), "--weights", "rounded").stdout)
    assert rounded["ikm"] == 74.93 and rounded["weights"] == "rounded"


def test_semicolons_bom_and_indonesian_columns(tmp_path):
    csv = tmp_path / "excel.csv"
    csv.write_text(HEADER.replace(",", ";") + ";jenis_kelamin;umur\n" + "3;3;3;3;3;3;3;3;4;l;40\n", encoding="utf-8-sig")
    out = run("ikm", "--csv", str(csv))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["n"] == 1


def test_every_bad_row_is_reported_with_its_line(tmp_path):
    csv = tmp_path / "salah.csv"
    csv.write_text(f"{HEADER}\n3,3,3,3,3,3,3,3,3\n3,3,0,3,3,3,3,3,3\n,,,,,,,,\n3,3,3,3,3,3,3,3,a\n")
    out = run("--lang", "en", "ikm", "--csv", str(csv))
    assert out.returncode == 1 and out.stdout == ""
    assert "line 3: U3: must be at least 1" in out.stderr
    assert "line 4" not in out.stderr  # every cell empty: a blank line of the sheet, skipped as Excel leaves them
    assert "line 5: U9: must be a whole number" in out.stderr


def test_a_blank_unsur_keeps_the_form(tmp_path):
    # PermenPANRB 14/2017 averages each unsur over its own answers: a form with U9 left empty still counts for U1..U8.
    csv = tmp_path / "kosong.csv"
    csv.write_text(f"{HEADER}\n4,4,4,4,4,4,4,4,4\n4,4,4,4,4,4,4,4,\n4,4,4,4,4,4,4,4,2\n")
    out = run("ikm", "--csv", str(csv))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["n"] == 3 and result["answers"]["U9"] == 2 and result["answers"]["U1"] == 3
    assert result["nrr"]["U9"] == 3.0 and result["nrr"]["U1"] == 4.0


def test_a_column_nobody_filled_is_a_missing_column(tmp_path):
    csv = tmp_path / "tanpa-u8.csv"
    csv.write_text("U1,U2,U3,U4,U5,U6,U7,U9\n4,4,4,4,4,4,4,4\n")
    out = run("--lang", "en", "ikm", "--csv", str(csv))
    assert out.returncode == 1 and "U8: the column is missing or empty in every row" in out.stderr
