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


class Machine:
    """What the machine was doing while a benchmark ran: its load averages when it started and
    ended, so the text says whether the milliseconds were taken idle or shared."""

    def __init__(self) -> None:
        self.before = os.getloadavg()[0]
        self.after: float | None = None

    @classmethod
    def recorded(cls, key: str, path: Path = PATH) -> "Machine":
        """The machine as results.json recorded it for ``key`` (rendering the text again later)."""
        runs = json.loads(path.read_text()).get("runs", {}).get(key, {}) if path.exists() else {}
        machine = cls()
        machine.before = runs.get("load_average_before", float("nan"))
        machine.after = runs.get("load_average_after", float("nan"))
        return machine

    def about(self) -> dict[str, float]:
        """For results.json's "runs": the load averages the text quotes."""
        if self.after is None:
            self.after = os.getloadavg()[0]
        return {"load_average_before": round(self.before, 2), "load_average_after": round(self.after, 2)}

    def line(self) -> str:
        if self.after is None:
            self.after = os.getloadavg()[0]
        after = self.after
        # The one-minute average lags: what ran just before still shows. Below a core's worth per core, nothing else was running.
        state = ("otherwise idle" if self.before < (os.cpu_count() or 1)
                 else "shared with other work (compare the ratios, taken side by side, not the times)")
        return (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {state}: load "
                f"average {self.before:.1f} when it started, {after:.1f} when it ended.")
