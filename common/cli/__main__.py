"""Admin command line of Pantau Kinerja Belawan.

    python -m common.cli [--stack .local/stack.json] load units FILE
    python -m common.cli [--stack ...] load employees FILE
    python -m common.cli [--stack ...] load supervisors FILE
    python -m common.cli [--stack ...] load skp FILE

FILE is CSV (header row; comma or semicolon) or JSON. Each file is checked as
a whole first: any bad record refuses the file, with every problem listed by
line, and nothing is written. Loading employees also creates their Firebase
accounts and sets the custom claims (role, NIP, unit). Without --stack the
command talks to the Google Cloud project in GOOGLE_CLOUD_PROJECT with
application default credentials.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from .files import FileRejected, Problem, parse, read_records


def _use_stack(path: Path) -> None:
    info = json.loads(path.read_text())
    os.environ.update(
        {
            "GOOGLE_CLOUD_PROJECT": info["project"],
            "FIRESTORE_EMULATOR_HOST": info["firestore"],
            "PUBSUB_EMULATOR_HOST": info["pubsub"],
            "FIREBASE_AUTH_EMULATOR_HOST": info["auth"],
        }
    )


def _skp_plans(records: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """CSV rows are one indicator each (nip, year, indicator columns); group them into plans."""
    if records and "indicators" in records[0][1]:
        return records  # JSON: already plans
    plans: dict[tuple[str, str], dict[str, Any]] = {}
    where: dict[tuple[str, str], str] = {}
    grouped: defaultdict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for line, row in records:
        key = (row.get("nip", ""), row.get("year", ""))
        where.setdefault(key, line)
        plans[key] = {"nip": key[0], "year": key[1]}
        grouped[key].append({k: v for k, v in row.items() if k not in ("nip", "year")})
        grouped[key][-1]["id"] = grouped[key][-1].pop("indicator_id", grouped[key][-1].get("id"))
    return [(where[k], {**plans[k], "indicators": grouped[k]}) for k in plans]


TEXT = {
    "rejected": ("{file}: tidak ada yang dimuat; perbaiki hal berikut lalu muat ulang seluruh berkas:",
                 "{file}: nothing was loaded; fix these and load the whole file again:"),
    "loaded": ("{n} {kind} dimuat", "loaded {n} {kind}"),
    "accounts": ("; akun: {ok} berhasil, {failed} gagal", "; accounts: {ok} ok, {failed} failed"),
}


def say(key: str, lang: str, **params: Any) -> str:
    indonesian, english = TEXT[key]
    return (english if lang == "en" else indonesian).format(**params)


def load(kind: str, path: Path, lang: str = "id") -> dict[str, Any]:
    from common.adapters.firebase_auth import FirebaseAccounts
    from common.adapters.firestore import FirestoreUnitOfWork, get_client
    from common.domain.errors import Invalid
    from common.domain.organisation import Employee, Unit
    from common.domain.skp import SkpPlan
    from common.services import administration
    from common.settings import get_settings

    settings = get_settings()
    uow = FirestoreUnitOfWork(get_client(settings.project_id))
    model, key = {
        "units": (Unit, "units"),
        "employees": (Employee, "employees"),
        "supervisors": (administration.SupervisorLink, "links"),
        "skp": (SkpPlan, "plans"),
    }[kind]
    records = read_records(path, key)
    if kind == "skp":
        records = _skp_plans(records)
    if kind == "supervisors":
        records = [(w, {"supervisor_nip": None, **r}) for w, r in records]
    rows = parse(records, model, lang=lang)
    items = [item for _, item in rows]
    try:
        if kind == "units":
            result = administration.load_units(uow, items)
        elif kind == "employees":
            result = administration.load_employees(uow, FirebaseAccounts(settings), items)
        elif kind == "supervisors":
            result = administration.set_supervisors(uow, items)
        else:
            result = administration.load_plans(uow, items)
    except Invalid as error:
        from common.api.messages import field_message

        problems = []
        for detail in error.details:
            index, _, field = detail["field"].partition(".")
            problems.append(Problem(rows[int(index)][0], field, field_message(detail["code"], lang, detail)))
        raise FileRejected(problems) from None
    return result.model_dump(mode="json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m common.cli", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", type=Path, help="use the local stack described by this stack.json")
    parser.add_argument("--lang", choices=["id", "en"], default="id", help="language of messages (default id)")
    commands = parser.add_subparsers(dest="command", required=True)
    load_parser = commands.add_parser("load", help="load units, employees, supervisor links or SKP plans")
    load_parser.add_argument("kind", choices=["units", "employees", "supervisors", "skp"])
    load_parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.stack:
        _use_stack(args.stack)
    try:
        result = load(args.kind, args.file, args.lang)
    except FileRejected as rejected:
        print(say("rejected", args.lang, file=args.file), file=sys.stderr)
        for problem in rejected.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return 1
    accounts = result.get("accounts", [])
    failed = [a for a in accounts if a["state"] == "failed"]
    summary = say("loaded", args.lang, n=result["written"], kind=args.kind)
    if accounts:
        summary += say("accounts", args.lang, ok=len(accounts) - len(failed), failed=len(failed))
    print(summary)
    for account in failed:
        print(f"  account {account['email']} (NIP {account['nip']}): {account['error']}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
