from __future__ import annotations

from pathlib import Path

import pytest

from tools.terraform import Terraform

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
ENVIRONMENTS = ("dev", "prod")


@pytest.fixture(scope="session", params=ENVIRONMENTS)
def plan(request) -> Terraform:
    """infra/ as `terraform plan -var-file=envs/<env>.tfvars` would read it."""
    return Terraform(INFRA, INFRA / "envs" / f"{request.param}.tfvars")


@pytest.fixture(scope="session")
def prod() -> Terraform:
    return Terraform(INFRA, INFRA / "envs" / "prod.tfvars")
