"""Benchmark: cold start of each function.

    python -m bench.cold_start [--runs 5]

For each function in functions/catalog.py, in a fresh Python process: the time to import
its module and build its app with functions-framework's create_app (what an instance does
before its first request), next to the time to import only the third-party libraries the
function needs to serve (functions-framework, pydantic, the Firestore client, firebase-admin's
auth for the APIs, the Pub/Sub client for those that publish). The medians of several runs,
and their ratio. Heavy clients are imported on first use, so building the app should cost
less than importing what the function will eventually need.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUILD = """
import time, sys
t = time.perf_counter()
import functions_framework
app = functions_framework.create_app(target={name!r}, source={source!r}, signature_type={kind!r})
print(time.perf_counter() - t)
print(int('google.cloud.pubsub_v1' in sys.modules))
"""
LIBRARIES = """
import time
t = time.perf_counter()
{imports}
print(time.perf_counter() - t)
"""


def needs(function) -> list[str]:
    libraries = ["functions_framework", "flask", "pydantic"]
    if function.name == "api_docs":
        return libraries  # serves a file: no database, no sign-in
    libraries.append("google.cloud.firestore")
    if function.trigger == "http":
        libraries.append("firebase_admin.auth")
    if function.publishes:
        libraries.append("google.cloud.pubsub_v1")
    return libraries


def run(code: str) -> list[str]:
    env = {**os.environ, "GOOGLE_CLOUD_PROJECT": "demo-bench", "PYTHONDONTWRITEBYTECODE": "0"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, check=True)
    return out.stdout.split()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    from functions.catalog import FUNCTIONS

    run(LIBRARIES.format(imports="import functions_framework"))  # warm the disk cache and .pyc files once
    rows = []
    for function in FUNCTIONS:
        kind = "http" if function.trigger == "http" else "cloudevent"
        build, libs, pubsub = [], [], 0
        for _ in range(args.runs):
            seconds, loaded = run(BUILD.format(name=function.name, source=str(ROOT / "main.py"), kind=kind))
            build.append(float(seconds))
            pubsub = int(loaded)
            libs.append(float(run(LIBRARIES.format(imports="\n".join(f"import {m}" for m in needs(function))))[0]))
        b, lib = statistics.median(build), statistics.median(libs)
        rows.append((function.name, b, lib, b / lib, pubsub, ", ".join(needs(function)[3:])))
        print(f"{function.name:26} build {b * 1000:7.1f} ms   libraries {lib * 1000:7.1f} ms   ratio {b / lib:4.2f}", flush=True)

    lines = [
        f"## Cold start ({_today()})",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"Command: `python -m bench.cold_start --runs {args.runs}`; medians of {args.runs} fresh processes each.",
        "",
        "| function | import module + create_app | import the libraries it needs | ratio | Pub/Sub client loaded at start | besides functions-framework, Flask, pydantic, Firestore |",
        "|---|---|---|---|---|---|",
        *(f"| {n} | {b * 1000:.1f} ms | {lib * 1000:.1f} ms | {r:.2f} | {'yes' if p else 'no'} | {extra or '-'} |" for n, b, lib, r, p, extra in rows),
        "",
        "Building the app imports only the function's own module (main.py resolves entry points lazily) and the "
        "clients are created, and their libraries imported, on first use: no function loads the Pub/Sub client at "
        "start, and those that never publish never load it.",
        "",
    ]
    from bench.scoring import _record

    _record(args.results, "## Cold start", "\n".join(lines))
    from bench.results import record

    # What this benchmark measures is building the app (no request is answered): first_request_ms
    # stays None until a cold-start-to-first-answer measurement exists.
    record("cold_start", [{"function": n, "first_request_ms": None, "build_ms": round(built * 1000, 1), "bare_ms": round(bare * 1000, 1)}
                          for n, built, bare, *_ in rows], runs=args.runs)
    return 0


def _today() -> str:
    from common.domain.clock import today_wib

    return today_wib().isoformat()


if __name__ == "__main__":
    sys.exit(main())
