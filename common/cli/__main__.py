"""Admin command line of Pantau Kinerja Belawan.

    python -m common.cli [--stack .local/stack.json] load units FILE   (or: pantau ..., after pip install -e .)
    python -m common.cli [--stack ...] load employees FILE
    python -m common.cli [--stack ...] load supervisors FILE
    python -m common.cli [--stack ...] load skp FILE
    python -m common.cli [--stack ...] load services FILE
    python -m common.cli [--stack ...] import-surveys --unit UNIT --period YYYY-MM FILE
    python -m common.cli ikm --csv FILE [--weights exact|rounded|rounded2] [--population N]
    python -m common.cli [--stack ...] score --period YYYY-MM [--timeout SECONDS]

`ikm` needs no server: it computes IKM from a paper-survey CSV on this machine
and prints JSON.

FILE is an Excel workbook (.xlsx, its first sheet), CSV (header row; `;` as
Indonesian Excel saves it, or `,`; UTF-8 with or without a BOM) or JSON. Column
names may be Indonesian (nama, unit_kerja, nip_atasan, tahun, satuan...) and
numbers may have decimal commas (40,5). Each file is checked as a whole first:
any bad record refuses the file, with every problem listed by line, and nothing
is written. Loading employees also creates their Firebase
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
    "rejected_ikm": ("{file}: IKM tidak dihitung; perbaiki baris berikut:", "{file}: IKM not computed; fix these rows:"),
    "rejected": ("{file}: tidak ada yang dimuat; perbaiki hal berikut lalu muat ulang seluruh berkas:",
                 "{file}: nothing was loaded; fix these and load the whole file again:"),
    "loaded": ("{n} {kind_id} dimuat", "loaded {n} {kind}"),
    "accounts": ("; akun: {created} dibuat dan diundang, {changed} diubah", "; accounts: {created} created and invited, {changed} changed"),
    "score_timeout": ("run {run} masih berjalan setelah {seconds} detik; pantau di /api/admin/scoring-runs/{run}",
                      "run {run} still running after {seconds}s; follow it at /api/admin/scoring-runs/{run}"),
    "imported": ("{n} respons survei kertas diimpor ke {unit} periode {period}", "imported {n} paper responses into {unit} for {period}"),
}


KINDS_ID = {"units": "unit", "employees": "pegawai", "supervisors": "hubungan atasan", "skp": "rencana SKP", "services": "unit (katalog layanan)"}


def say(key: str, lang: str, **params: Any) -> str:
    indonesian, english = TEXT[key]
    return (english if lang == "en" else indonesian).format(**params)


def load(kind: str, path: Path, lang: str = "id", reason: str | None = None) -> dict[str, Any]:
    from common.adapters.firebase_auth import FirebaseAccounts
    from common.adapters.firestore import FirestoreUnitOfWork, get_client
    from common.adapters.pubsub import PubSubPublisher
    from common.domain.clock import utcnow
    from common.domain.errors import Conflict, Invalid
    from common.domain.organisation import Employee, Unit
    from common.domain.skp import SkpPlan
    from common.services import administration
    from common.settings import get_settings

    settings = get_settings()
    uow = FirestoreUnitOfWork(get_client(settings.project_id), publisher=lambda: PubSubPublisher(settings))
    # The file's kind picks the model (and so the type of each item): checked by parse at run time.
    model: Any
    model, key = {
        "units": (Unit, "units"),
        "employees": (Employee, "employees"),
        "supervisors": (administration.SupervisorLink, "links"),
        "skp": (SkpPlan, "plans"),
    }[kind]
    records = read_records(path, key, lang)
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
            actor = f"cli:{os.environ.get('USER', 'unknown')}"
            result = administration.load_employees(
                uow, FirebaseAccounts(settings), settings, items, actor, reason or f"file {path.name}", utcnow()
            )
        elif kind == "supervisors":
            result = administration.set_supervisors(uow, items)
        else:
            result = administration.load_plans(uow, items)
    except (Invalid, Conflict) as error:
        from common.api.messages import field_message

        problems = []
        for detail in error.details:
            index, _, field = detail["field"].partition(".")
            problems.append(Problem(rows[int(index)][0], field, field_message(detail["code"], lang, detail)))
        raise FileRejected(problems) from None
    return result.model_dump(mode="json")


def _services(records: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """CSV rows are one service each (unit_id, service columns); group them into catalogues."""
    grouped: dict[str, dict[str, Any]] = {}
    for line, row in records:
        unit = row.get("unit_id", "")
        entry = grouped.setdefault(unit, {"where": line, "unit_id": unit, "services": []})
        entry["services"].append({k: v for k, v in row.items() if k != "unit_id"} | {"id": row.get("service_id", row.get("id"))})
        entry["services"][-1].pop("service_id", None)
    return [(e.pop("where"), e) for e in grouped.values()]


def load_services(path: Path, lang: str) -> dict[str, Any]:
    """Replace the catalogue of services of each unit named in the file."""
    from pydantic import BaseModel

    from common.adapters.firestore import FirestoreUnitOfWork, get_client
    from common.api.messages import file_message
    from common.domain.organisation import ServiceType, UnitId
    from common.services import administration
    from common.settings import get_settings

    class Catalogue(BaseModel):
        unit_id: UnitId
        services: list[ServiceType]

    rows = parse(_services(read_records(path, "catalogues", lang)), Catalogue, lang=lang)
    uow = FirestoreUnitOfWork(get_client(get_settings().project_id))
    units = uow.units.get_many({c.unit_id for _, c in rows})
    problems = [Problem(where, "unit_id", file_message("unit_unknown_file", lang, {"unit": c.unit_id})) for where, c in rows if c.unit_id not in units]
    if problems:
        raise FileRejected(problems)
    updated = [units[c.unit_id].model_copy(update={"services": c.services}) for _, c in rows]
    return administration.load_units(uow, updated).model_dump(mode="json")


def import_surveys(path: Path, unit_id: str, period: str, lang: str) -> int:
    from common.adapters.firestore import FirestoreUnitOfWork, get_client
    from common.adapters.pubsub import PubSubPublisher
    from common.api.messages import error_message
    from common.domain.clock import utcnow
    from common.domain.errors import DomainError
    from common.domain.period import parse_period
    from common.services.surveys import import_paper
    from common.settings import get_settings

    from .survey_csv import read_paper_csv

    parse_period(period)
    rows = read_paper_csv(path, lang)
    settings = get_settings()
    uow = FirestoreUnitOfWork(get_client(settings.project_id), publisher=lambda: PubSubPublisher(settings))
    try:
        return import_paper(uow, unit_id, period, [r for _, r in rows], utcnow())
    except DomainError as error:
        from common.api.messages import field_message

        if error.details:
            raise FileRejected(
                [Problem(rows[int(d["field"].split(".")[0])][0], d["field"].split(".", 1)[1], field_message(d["code"], lang, d)) for d in error.details]
            ) from None
        raise FileRejected([Problem("file", "", error_message(error.code, lang, error.params))]) from None


def ikm_from_csv(path: Path, weights: str, population: int | None, lang: str) -> dict[str, Any]:
    from common.domain.ikm import MUTU_LABEL_EN, Weights, ikm_from_answers

    from .survey_csv import read_paper_csv

    rows = read_paper_csv(path, lang)
    result = ikm_from_answers([r.answers.scores() for _, r in rows], Weights(weights), population)
    out = {"weights": weights, **result.model_dump(mode="json")}
    if lang == "en" and result.mutu:
        out["mutu_label_en"] = MUTU_LABEL_EN[result.mutu]
    return out


def score(period: str, timeout: float, lang: str) -> int:
    """Start a scoring run and show its progress until every unit is done or failed."""
    import time

    from common.adapters.firestore import FirestoreUnitOfWork, get_client
    from common.adapters.pubsub import PubSubPublisher
    from common.domain.clock import utcnow
    from common.domain.period import parse_period
    from common.services.scoring import run_progress, start_run
    from common.settings import get_settings

    parse_period(period)
    settings = get_settings()
    uow = FirestoreUnitOfWork(get_client(settings.project_id), publisher=lambda: PubSubPublisher(settings))
    run = start_run(uow, period, os.environ.get("USER", "cli"), utcnow())
    started = time.monotonic()
    while True:
        run = run_progress(uow, run.id)
        _bar(run.done, run.failed, run.total)
        if run.status != "running":
            break
        if time.monotonic() - started > timeout:
            print(file=sys.stderr)
            print(say("score_timeout", lang, run=run.id, seconds=int(timeout)), file=sys.stderr)
            return 2
        time.sleep(0.5)
    print(file=sys.stderr)
    print(json.dumps(run.model_dump(mode="json"), indent=2, ensure_ascii=False))
    return 0 if run.status == "completed" else 1


def _bar(done: int, failed: int, total: int, width: int = 40) -> None:
    finished = done + failed
    filled = int(width * finished / total) if total else width
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {finished}/{total} units ({failed} failed)")
    sys.stderr.flush()


def main(argv: list[str] | None = None, prog: str = "python -m common.cli") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", type=Path, help="use the local stack described by this stack.json")
    parser.add_argument("--lang", choices=["id", "en"], default="id", help="language of messages (default id)")
    commands = parser.add_subparsers(dest="command", required=True)
    load_parser = commands.add_parser("load", help="load units, employees, supervisor links, SKP plans or service catalogues")
    load_parser.add_argument("kind", choices=["units", "employees", "supervisors", "skp", "services"])
    load_parser.add_argument("file", type=Path)
    load_parser.add_argument("--reason", help="why, for the audit log (default: the file's name)")
    import_parser = commands.add_parser("import-surveys", help="import paper surveys (.xlsx or CSV) into a unit and period")
    import_parser.add_argument("--unit", required=True)
    import_parser.add_argument("--period", required=True, help="YYYY-MM")
    import_parser.add_argument("file", type=Path)
    ikm_parser = commands.add_parser("ikm", help="compute IKM from a paper-survey file (.xlsx, CSV), offline")
    ikm_parser.add_argument("--file", "--csv", type=Path, required=True, dest="file", help="the paper-survey file: .xlsx, CSV or JSON")
    ikm_parser.add_argument("--weights", choices=["exact", "rounded", "rounded2"], default="exact",
                            help="exact 1/9 (default), rounded 0.111, rounded2 0.11")
    ikm_parser.add_argument("--population", type=int, help="population served, to check the Krejcie-Morgan sample")
    score_parser = commands.add_parser("score", help="start a scoring run for a period and follow it")
    score_parser.add_argument("--period", required=True, help="YYYY-MM")
    score_parser.add_argument("--timeout", type=float, default=600, help="seconds to wait (default 600)")
    args = parser.parse_args(argv)
    if args.stack:
        _use_stack(args.stack)
    if getattr(args, "period", None) is not None:
        from common.api.messages import field_message
        from common.domain.period import parse_period

        try:
            parse_period(args.period)
        except ValueError:
            print(f"--period {args.period}: {field_message('period_invalid', args.lang)}", file=sys.stderr)
            return 2
    try:
        if args.command == "score":
            return score(args.period, args.timeout, args.lang)
        if args.command == "ikm":
            print(json.dumps(ikm_from_csv(args.file, args.weights, args.population, args.lang), indent=2, ensure_ascii=False))
            return 0
        if args.command == "import-surveys":
            count = import_surveys(args.file, args.unit, args.period, args.lang)
            print(say("imported", args.lang, n=count, unit=args.unit, period=args.period))
            return 0
        if args.kind == "services":
            result = load_services(args.file, args.lang)
        else:
            result = load(args.kind, args.file, args.lang, args.reason)
    except FileRejected as rejected:
        print(say("rejected_ikm" if args.command == "ikm" else "rejected", args.lang, file=args.file), file=sys.stderr)
        for problem in rejected.problems:
            print(f"  {problem.describe(args.lang)}", file=sys.stderr)
        return 1
    except OSError as error:  # unreadable, a folder, no permission: the system's own words, with the file's name
        print(f"{args.file}: {error.strerror or error}", file=sys.stderr)
        return 1
    accounts = result.get("accounts", [])
    summary = say("loaded", args.lang, n=result["written"], kind=args.kind, kind_id=KINDS_ID[args.kind])
    if accounts:
        created = sum("account.created" in a["actions"] for a in accounts)
        changed = sum(bool(a["actions"]) and "account.created" not in a["actions"] for a in accounts)
        summary += say("accounts", args.lang, created=created, changed=changed)
    print(summary)
    return 0


def console() -> int:
    """The `pantau` command that `pip install .` puts on the PATH (pyproject.toml's project.scripts)."""
    return main(prog="pantau")


if __name__ == "__main__":
    sys.exit(main())
