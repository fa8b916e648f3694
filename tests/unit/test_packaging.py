"""The project installs as a package (pyproject.toml) with the pins the lock files were made from,
and the lock files carry a hash for every package, so `pip install --require-hashes` installs
exactly what was tested."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _direct(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def _locked(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a uv/pip-tools lock file."""
    out: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=\S)", path.read_text()):
        if block.startswith("#") or not block.strip():
            continue
        head = block.split("\\", 1)[0].strip()
        requirement = Requirement(head)
        (spec,) = requirement.specifier
        out[_name(requirement.name)] = (spec.version, re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return out


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_pyproject_pins_the_same_direct_dependencies_as_the_in_files():
    assert sorted(PROJECT["dependencies"]) == sorted(_direct(ROOT / "requirements.in"))
    assert sorted(PROJECT["optional-dependencies"]["dev"]) == sorted(_direct(ROOT / "requirements-dev.in"))
    assert all("==" in r for r in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"])


def test_the_admin_command_line_is_a_console_script():
    module, _, function = PROJECT["scripts"]["pantau"].partition(":")
    assert module == "common.cli.__main__"
    from common.cli import __main__ as cli

    assert getattr(cli, function) is cli.console


def test_every_locked_package_has_hashes_and_the_runtime_pins_agree():
    runtime, dev = _locked(ROOT / "requirements.txt"), _locked(ROOT / "requirements-dev.txt")
    assert runtime and dev
    for name, (version, hashes) in {**runtime, **dev}.items():
        assert hashes, f"{name}=={version} has no hash"
    for name, (version, hashes) in runtime.items():
        assert dev[name] == (version, hashes), f"{name}: requirements-dev.txt must carry requirements.txt's pin"
    for requirement in map(Requirement, PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]):
        (spec,) = requirement.specifier
        assert dev[_name(requirement.name)][0] == spec.version, requirement


def test_the_lock_is_made_for_the_linux_target_whatever_machine_runs_it():
    makefile = (ROOT / "Makefile").read_text()
    assert "--generate-hashes" in makefile and "--python-platform x86_64-manylinux_2_28" in makefile
    assert "--python-version 3.11" in makefile and "--require-hashes" in makefile
    # grpcio ships per-platform wheels: the lock holds the Linux ones whoever resolved it.
    assert len(_locked(ROOT / "requirements.txt")["grpcio"][1]) > 1
