"""What makes the first `terraform apply` on a fresh project fail although the schema is right:
requests without a quota project, sizes Cloud Run refuses, sign-up left open; and `make plan`,
which runs only where the registry and the project are reachable."""

from __future__ import annotations

import os
import subprocess

import pytest

from functions.catalog import FUNCTIONS
from tests.infra.conftest import INFRA, ROOT
from tools.infra_catalog import cloud_run_size_problems
from tools.terraform import Terraform


def test_both_providers_bill_the_environment_project(plan: Terraform):
    """With a person's gcloud login Identity Toolkit and reCAPTCHA Enterprise answer 403
    "requires a quota project" unless requests name one."""
    providers = {block.labels[0]: plan.evaluate_block(block, {}) for block in plan.of_type("provider")}
    assert set(providers) == {"google", "google-beta"}
    for name, config in providers.items():
        assert config["user_project_override"] is True, name
        assert config["billing_project"] == plan.vars["project_id"], name
        assert config["project"] == plan.vars["project_id"], name


@pytest.mark.parametrize(
    ("cpu", "memory"), [("0.333", "512Mi"), ("0.08", "128Mi"), ("0.5", "1Gi"), ("1", "1Gi"), ("1", "4Gi"), ("2", "8Gi"), ("4", "2Gi")]
)
def test_cloud_run_accepts(cpu, memory):
    assert cloud_run_size_problems(cpu, memory) == []


@pytest.mark.parametrize(
    ("cpu", "memory", "why"),
    [
        ("0.3333", "512Mi", "at most 3 decimals"),
        ("0.333", "1Gi", "at most 512 MiB"),
        ("0.5", "2Gi", "at most 1024 MiB"),
        ("0.05", "128Mi", "minimum of 0.08"),
        ("3", "2Gi", "must be one of"),
        ("1.5", "2Gi", "must be one of"),
        ("4", "1Gi", "takes 2048 to 16384 MiB"),
        ("1", "512MB", "Mi or Gi"),
    ],
)
def test_cloud_run_refuses(cpu, memory, why):
    problems = cloud_run_size_problems(cpu, memory)
    assert len(problems) == 1 and why in problems[0], problems


def test_every_function_has_a_size_cloud_run_accepts(plan: Terraform):
    deployed = plan.instances("google_cloudfunctions2_function", "function")
    assert len(deployed) == len(FUNCTIONS)
    for name, function in deployed.items():
        service = function["service_config"][0]
        assert cloud_run_size_problems(service["available_cpu"], service["available_memory"]) == [], name
        if float(service["available_cpu"]) < 1:
            assert service["max_instance_request_concurrency"] == 1, f"{name}: below 1 vCPU Cloud Run serves one request at a time"


def test_nobody_signs_up_or_signs_in_anonymously(plan: Terraform):
    """Accounts come only from BKPSDM's loads (Admin SDK); the public web API key cannot make one."""
    auth = plan.instances("google_identity_platform_config", "auth")[None]
    assert auth["client"][0]["permissions"][0]["disabled_user_signup"] is True
    sign_in = auth["sign_in"][0]
    assert sign_in["anonymous"][0]["enabled"] is False
    assert sign_in["email"][0] == {"enabled": True, "password_required": True}


def _make_plan(tmp_path, *arguments: str) -> subprocess.CompletedProcess:
    # HOME and TF_CLI_CONFIG_FILE point nowhere, so no provider mirror of this machine is used and
    # the registry probe (an address that never resolves, RFC 2606) decides.
    env = {**os.environ, "HOME": str(tmp_path), "TF_CLI_CONFIG_FILE": str(tmp_path / "none.tfrc"),
           "PANTAU_TERRAFORM_REGISTRY": "https://registry.invalid"}
    return subprocess.run(["make", "--no-print-directory", "plan", *arguments], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_make_plan_stops_with_a_clear_message_where_the_registry_is_unreachable(tmp_path):
    before = sorted(p.name for p in INFRA.iterdir())
    done = _make_plan(tmp_path, "ENV=dev")
    assert done.returncode != 0
    assert "make plan ENV=dev: the Terraform registry (https://registry.invalid) is unreachable" in done.stderr
    assert "tests/infra/test_provider_schema.py" in done.stderr, "it says what checks infra/ instead"
    assert sorted(p.name for p in INFRA.iterdir()) == before, "nothing initialised, nothing planned"


def test_make_plan_names_the_environments_it_knows(tmp_path):
    done = _make_plan(tmp_path, "ENV=staging")
    assert done.returncode != 0
    assert "usage: make plan ENV=<env>" in done.stderr and "(have: dev prod)" in done.stderr
