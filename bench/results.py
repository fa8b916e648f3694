"""bench/results.json: every benchmark's figures in one machine-readable file, so two runs can
be compared by a script. Each benchmark replaces its own key ("load", "scoring", "cold_start")
and keeps the others'; "runs" says when and under which serving mode each was taken."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

PATH = Path(__file__).resolve().parent / "results.json"


def record(key: str, value: Any, path: Path = PATH, **about: Any) -> None:
    from common.domain.clock import utcnow

    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = value
    data.setdefault("runs", {})[key] = {"at": utcnow().isoformat(timespec="seconds"), "machine": platform.machine(),
                                        "cores": os.cpu_count(), "python": platform.python_version(), **about}
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
