"""make test's pytest: the tests needing the local stack and the pure ones, side by side.

The stack's tests spend most of their time waiting on the emulators and Pub/Sub; the pure ones
(domain, services on the fakes, infra, the demo data on 141 days) are CPU. On two cores they
overlap well: two pytest processes, one with ``-m stack`` (one stack, every such test in
collection order, as before) and one with ``-m "not stack"``. tests/conftest.py marks each test
whose fixtures reach the stack. The stack's run streams; the pure run's report follows it.

pytest-xdist's groups would do this, but its loadgroup cannot rename node ids on pytest 9.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(args: list[str]) -> int:
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", *args]
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as pure_log:
        pure = subprocess.Popen([*command, "-m", "not stack"], cwd=ROOT, stdout=pure_log, stderr=subprocess.STDOUT, text=True)
        try:
            print("== tests that need the local stack (the pure tests run beside them; their report follows)", flush=True)
            with_stack = subprocess.run([*command, "-m", "stack"], cwd=ROOT).returncode
            pure_code = pure.wait()
        except BaseException:
            pure.terminate()
            pure.wait(timeout=60)
            raise
        pure_log.seek(0)
        print("\n== the pure tests (domain, services on the fakes, infra, demo data)", flush=True)
        sys.stdout.write(pure_log.read())
    print(f"\n== make test's pytest took {time.monotonic() - started:.0f} s: stack tests exit {with_stack}, pure tests exit {pure_code}")
    # 5 is pytest's "no tests collected": a run asked for one part only (make test ARGS=tests/unit/...)
    return max((c for c in (with_stack, pure_code) if c != 5), default=0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
