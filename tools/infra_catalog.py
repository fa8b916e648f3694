"""What Terraform deploys, from functions/catalog.py and common/settings.py.

Writes ``infra/generated/catalog.json``; the Terraform in ``infra/`` iterates
over it (``for_each``), so adding a function to the catalog needs no edit of
any ``.tf`` file, only:

    .venv/bin/python -m tools.infra_catalog --write   # after changing functions/catalog.py or a table below
    .venv/bin/python -m tools.infra_catalog --check   # exit 1 when the file is stale (a test runs this too)

The tables below are the one place that says what each function needs in
production beyond the defaults of common/settings.py: the settings it reads
(from the environment's tfvars, from Terraform itself, or from Secret Manager),
the project roles it needs besides Firestore, and its size.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from tools import generated

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "infra" / "generated" / "catalog.json"

RUNTIME = "python311"
TIME_ZONE = "Asia/Jakarta"
MAX_ACK_DEADLINE = 600  # Pub/Sub's limit: a push not answered by then counts as failed

# -- settings -------------------------------------------------------------------------------
# Every function gets GOOGLE_CLOUD_PROJECT and PANTAU_ENVIRONMENT, and the tfvars'
# `common_settings` (PANTAU_<NAME> each). Beyond that, what each function reads:
#   "tfvars"    a value in the environment's tfvars `settings` map (e.g. the SMTP host);
#   "terraform" a value Terraform creates (the reCAPTCHA key): infra/functions.tf, local.computed_settings;
#   "secret"    a Secret Manager secret, mapped in as an environment variable; its value is
#               added outside Terraform (docs/deploy.md), never kept in the repository.
TFVARS, TERRAFORM, SECRET = "tfvars", "terraform", "secret"

SECRET_IDS = {  # setting -> Secret Manager secret id
    "smtp_password": "smtp-password",
    "survey_salt": "survey-salt",
}

FUNCTION_SETTINGS: dict[str, dict[str, str]] = {
    "deliver_notifications": {
        "smtp_host": TFVARS,
        "smtp_port": TFVARS,
        "smtp_tls": TFVARS,
        "smtp_sender": TFVARS,
        "smtp_username": TFVARS,
        "smtp_password": SECRET,
        "push_enabled": TFVARS,  # "true": FCM needs the real Firebase project Terraform creates
        "base_url": TERRAFORM,  # e-mail links: the Hosting site's address, or the first custom domain
    },
    "send_invitations": {
        "smtp_host": TFVARS,
        "smtp_port": TFVARS,
        "smtp_tls": TFVARS,
        "smtp_sender": TFVARS,
        "smtp_username": TFVARS,
        "smtp_password": SECRET,
        "base_url": TERRAFORM,  # where the invitation's link continues to: the dashboard
    },
    "api_reports": {
        "evidence_bucket": TERRAFORM,  # where evidence files go
        "evidence_signer_email": TERRAFORM,  # its own account, which signs the upload and download URLs
    },
    "evidence_check": {"evidence_bucket": TERRAFORM},
    "evidence_sweep": {"evidence_bucket": TERRAFORM},
    "api_surveys": {
        "survey_salt": SECRET,
        "survey_human_check": TFVARS,  # "recaptcha" in dev and prod
        "recaptcha_site_key": TERRAFORM,
    },
}

# -- IAM --------------------------------------------------------------------------------------
# Every function's own service account gets roles/datastore.user on the project, publisher on
# exactly the topics in its `publishes`, and secretAccessor on exactly the secrets it reads.
# Further project roles, each for a reason (infra/iam.tf keeps the allow-list they must be in):
# Every request with a sign-in token is verified with the revocation check, which reads the
# account from Firebase Auth (firebaseauth.users.get): each function that verifies tokens.
TOKEN_CHECK = ("roles/firebaseauth.viewer",)
FUNCTION_ROLES: dict[str, tuple[str, ...]] = {
    **{name: TOKEN_CHECK for name in (
        "api_reports", "api_me", "api_ikm", "api_investigations", "api_scoring", "api_findings", "api_dashboard", "api_exports",
        "api_objections",
    )},
    # creates Firebase accounts, sets their custom claims, disables them and revokes their sessions
    "api_admin": ("roles/firebaseauth.admin",),
    # makes the one-time password link of an invitation (generate_password_reset_link)
    "send_invitations": ("roles/firebaseauth.admin",),
    # creates reCAPTCHA Enterprise assessments of survey submissions
    "api_surveys": ("roles/recaptchaenterprise.agent",),
    # sends push messages through the FCM HTTP v1 API (cloudmessaging.messages.create)
    "deliver_notifications": ("roles/firebasecloudmessaging.admin",),
}

# -- size -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Size:
    memory: str = "512Mi"
    # What Cloud Run functions give 512 MiB by default (.333 vCPU). Below 1 vCPU Cloud Run takes
    # 0.08 to 1 in steps of 0.001 (so "0.3333" is refused) and one request at a time, which
    # infra/functions.tf sets for every function (max_instance_request_concurrency = 1).
    cpu: str = "0.333"
    timeout_seconds: int = 60
    max_instances: int = 10


# Cloud Run's documented limits (https://cloud.google.com/run/docs/configuring/services/cpu and
# .../memory-limits): whole vCPUs from this list, or a fraction in steps of 0.001; memory per vCPU.
WHOLE_CPUS = (1, 2, 4, 6, 8)
MEMORY_MIB_BY_CPU = {1: (128, 4096), 2: (128, 8192), 4: (2048, 16384), 6: (4096, 24576), 8: (4096, 32768)}


def _mebibytes(memory: str) -> int | None:
    found = re.fullmatch(r"(\d+)(Mi|Gi)", memory)
    if found is None:
        return None
    return int(found.group(1)) * (1024 if found.group(2) == "Gi" else 1)


def cloud_run_size_problems(cpu: str, memory: str) -> list[str]:
    """Why Cloud Run would refuse this CPU and memory, or nothing."""
    mib = _mebibytes(memory)
    if mib is None:
        return [f"memory {memory!r} must be a whole number of Mi or Gi"]
    if not re.fullmatch(r"\d+(\.\d{1,3})?", cpu):
        return [f"cpu {cpu!r} must be a whole number or have at most 3 decimals (steps of 0.001)"]
    vcpu = float(cpu)
    if vcpu >= 1:
        if vcpu != int(vcpu) or int(vcpu) not in WHOLE_CPUS:
            return [f"cpu {cpu} above 1 must be one of {WHOLE_CPUS}"]
        low, high = MEMORY_MIB_BY_CPU[int(vcpu)]
        return [] if low <= mib <= high else [f"{cpu} vCPU takes {low} to {high} MiB, not {memory}"]
    if vcpu < 0.08:
        return [f"cpu {cpu} is below Cloud Run's minimum of 0.08"]
    limit = 1024 if vcpu >= 0.5 else 512
    return [] if mib <= limit else [f"{cpu} vCPU takes at most {limit} MiB (more needs {'1' if limit == 1024 else '0.5'} vCPU), not {memory}"]


HTTP_SIZE = Size(timeout_seconds=60, max_instances=20)
TOPIC_SIZE = Size(timeout_seconds=300, max_instances=10)
SIZES: dict[str, Size] = {
    # scores one unit in memory (a few hundred ASN); at city size ~150 units are scored side by side
    "score_unit": Size(memory="1Gi", cpu="1", timeout_seconds=540, max_instances=50),
    "scoring_start": Size(timeout_seconds=300, max_instances=2),
    "deliver_notifications": Size(timeout_seconds=300, max_instances=20),
    "outbox_relay": Size(timeout_seconds=120, max_instances=2),
    "api_admin": Size(memory="1Gi", cpu="1", timeout_seconds=300, max_instances=5),  # loads of 500 rows
}
# Pub/Sub backs off between redeliveries, from MIN to MAX; each failed push counts toward
# the subscription's max_delivery_attempts (the catalog's max_attempts).
RETRY_BACKOFF = {"minimum": "10s", "maximum": "600s"}


RECEIPTS_READER = "outbox_relay"  # the one function that pulls the receipts subscriptions


def push_subscription_name(function, topic: str) -> str:
    """``score-unit-push``, or ``notify-events-report-submitted-push`` for a function's further topics."""
    return f"{function.function_id}-push" if topic == function.topic else f"{function.function_id}-{topic}-push"


def _account_id(name: str) -> str:
    account = "fn-" + name.replace("_", "-")
    if not 6 <= len(account) <= 30:
        raise SystemExit(f"service account id {account!r} of function {name} must be 6-30 characters: shorten the name")
    return account


def build() -> dict:
    from common.domain.events import receipts_subscription
    from common.settings import Settings
    from functions.catalog import DEAD_LETTER_TOPICS, EVENT_TOPICS, FUNCTIONS, TRIGGER_TOPICS

    names = {f.name for f in FUNCTIONS}
    fields = set(Settings.model_fields)
    problems = [f"{fn}: unknown function" for fn in {*FUNCTION_SETTINGS, *FUNCTION_ROLES, *SIZES, RECEIPTS_READER} - names]
    problems += [f"{fn}: unknown setting {s}" for fn, table in FUNCTION_SETTINGS.items() for s in table if s not in fields]
    problems += [
        f"{fn}: {s} is a secret but has no id in SECRET_IDS"
        for fn, table in FUNCTION_SETTINGS.items()
        for s, source in table.items()
        if source == SECRET and s not in SECRET_IDS
    ]
    problems += [f"{f.name}: triggered by a topic but has no dead_letter topic" for f in FUNCTIONS if f.trigger == "topic" and not f.dead_letter]
    problems += [f"{f.name}: trigger {f.trigger!r} is neither http, topic nor storage" for f in FUNCTIONS if f.trigger not in ("http", "topic", "storage")]
    problems += [f"{f.name}: a storage trigger needs its event_type" for f in FUNCTIONS if (f.trigger == "storage") != bool(f.event_type)]
    problems += [f"{f.name}: a schedule needs a trigger topic" for f in FUNCTIONS if f.schedule and not f.topic]
    # A 2nd-gen function is a Cloud Run service of the same id: lowercase letters, digits and
    # hyphens, starting with a letter, at most 63 characters.
    problems += [
        f"{f.name}: function id {f.function_id!r} is not a valid Cloud Run service name"
        for f in FUNCTIONS if not re.fullmatch(r"[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?", f.function_id)
    ]
    for f in FUNCTIONS:
        size = SIZES.get(f.name, HTTP_SIZE if f.trigger == "http" else TOPIC_SIZE)
        problems += [f"{f.name}: {problem}" for problem in cloud_run_size_problems(size.cpu, size.memory)]
    if problems:
        raise SystemExit("infra catalog: " + "; ".join(sorted(problems)))

    functions = {}
    for f in FUNCTIONS:
        size = SIZES.get(f.name, HTTP_SIZE if f.trigger == "http" else TOPIC_SIZE)
        table = FUNCTION_SETTINGS.get(f.name, {})
        functions[f.name] = {
            "function_id": f.function_id,  # the deployed id; the Python name is the entry point
            "description": f.description,
            "trigger": f.trigger,
            "event_type": f.event_type,
            "entry_point": f.name,  # main.py resolves it lazily to functions/<module>.<name>
            "service_account_id": _account_id(f.name),
            "publishes": sorted(set(f.publishes_to)),
            "roles": list(FUNCTION_ROLES.get(f.name, ())),
            "env": {f"PANTAU_{s.upper()}": s for s, source in sorted(table.items()) if source != SECRET},
            "settings": {s: source for s, source in sorted(table.items()) if source != SECRET},
            "secrets": {f"PANTAU_{s.upper()}": SECRET_IDS[s] for s, source in sorted(table.items()) if source == SECRET},
            "memory": size.memory,
            "cpu": size.cpu,
            "timeout_seconds": size.timeout_seconds,
            "max_instances": size.max_instances,
        }

    push = {}
    for f in FUNCTIONS:
        for topic in f.topics:
            name = push_subscription_name(f, topic)
            push[name] = {
                "function": f.name,
                "topic": topic,
                "dead_letter": f.dead_letter,
                "max_attempts": f.max_attempts,
                "ack_deadline_seconds": min(MAX_ACK_DEADLINE, functions[f.name]["timeout_seconds"]),
            }
    consumed = set(TRIGGER_TOPICS)
    # A dead-letter topic that no function consumes keeps its messages in a pull subscription.
    hold = {f"{t}-hold": {"topic": t} for t in sorted(set(DEAD_LETTER_TOPICS)) if t not in consumed}
    # Each event topic keeps a copy of what Pub/Sub stored, for the outbox relay to mark published.
    receipts = {receipts_subscription(t): {"topic": t, "reader": RECEIPTS_READER} for t in sorted(set(EVENT_TOPICS))}
    topics = set(EVENT_TOPICS) | consumed | set(DEAD_LETTER_TOPICS) | {t for f in FUNCTIONS for t in f.publishes_to}
    secrets = {}
    for fn, table in sorted(FUNCTION_SETTINGS.items()):
        for s, source in table.items():
            if source == SECRET:
                entry = secrets.setdefault(SECRET_IDS[s], {"setting": s, "env": f"PANTAU_{s.upper()}", "readers": []})
                entry["readers"].append(fn)

    return {
        "_generated_by": "python -m tools.infra_catalog --write, from functions/catalog.py; do not edit",
        "runtime": RUNTIME,
        "time_zone": TIME_ZONE,
        "retry_backoff": RETRY_BACKOFF,
        "functions": functions,
        "topics": sorted(topics),
        "dead_letter_topics": sorted(set(DEAD_LETTER_TOPICS)),
        "push_subscriptions": push,
        "hold_subscriptions": hold,
        "receipt_subscriptions": receipts,
        "schedules": {
            f.name: {"topic": f.topic, "schedule": f.schedule, "time_zone": TIME_ZONE, "job": f.function_id}
            for f in FUNCTIONS
            if f.schedule
        },
        "secrets": secrets,
        "settings": sorted(fields),
    }


def rendered() -> str:
    return json.dumps(build(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    return generated.main(__doc__.split("\n\n")[0], "python -m tools.infra_catalog --write", lambda: {OUTPUT: rendered()}, argv)


if __name__ == "__main__":
    sys.exit(main())
