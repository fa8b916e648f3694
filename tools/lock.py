"""Pins requirements.txt and requirements-dev.txt from requirements*.in.

    python -m tools.lock

Installs the direct dependencies into throwaway virtualenvs and writes what
pip resolved, so deployments and CI install exactly what was tested.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _freeze(requirements: list[Path]) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "venv", tmp], check=True)
        pip = [f"{tmp}/bin/python", "-m", "pip", "--disable-pip-version-check", "--quiet"]
        for path in requirements:
            subprocess.run([*pip, "install", "-r", str(path)], check=True)
        out = subprocess.run([*pip, "freeze"], check=True, capture_output=True, text=True).stdout
    return sorted((line for line in out.splitlines() if line and not line.startswith("pip==")), key=str.lower)


def main() -> int:
    runtime = _freeze([ROOT / "requirements.in"])
    (ROOT / "requirements.txt").write_text(
        "# Runtime dependencies of the Cloud Functions (Python 3.11), pinned with their own\n"
        "# dependencies. Edit requirements.in, then run `make lock`.\n" + "\n".join(runtime) + "\n"
    )
    dev = [line for line in _freeze([ROOT / "requirements.in", ROOT / "requirements-dev.in"]) if line not in runtime]
    (ROOT / "requirements-dev.txt").write_text(
        "# Test and tooling dependencies, pinned. Edit requirements-dev.in, then run `make lock`.\n"
        "-r requirements.txt\n" + "\n".join(dev) + "\n"
    )
    print(f"pinned {len(runtime)} runtime and {len(dev)} development packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
