"""The local stack stops what it started, by its recorded id, and nothing else.

gcloud starts as a shell script and execs into its bundled Python, which starts Java: a process
whose command line changes after start. Its stop must still find it (it once did not, and left
every emulator running after each test run), and a pid the system gave to another process since
must never be signalled.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import replace

from tools.stack import _group_alive, _spawn, _stop


def _wait(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _cmdline(pid: int) -> str:
    return open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()


def test_a_process_that_execs_after_start_and_its_children_are_stopped(tmp_path):
    # As gcloud: a shell that becomes another program, which starts a child of its own.
    process = _spawn("exec-later", ["sh", "-c", "sleep 0.3; exec sh -c 'sleep 61 & sleep 62'"], tmp_path)
    assert _wait(lambda: _cmdline(process.pid).startswith("sh -c sleep 61")), "the process did not exec"
    assert process.cmdline != _cmdline(process.pid)  # what was recorded no longer matches
    _stop(process, timeout=5)
    assert not _group_alive(process.pid), "the stop left part of the process group running"


def test_a_pid_that_is_no_longer_ours_is_never_signalled(tmp_path):
    process = _spawn("someone-else", ["sleep", "60"], tmp_path)
    try:
        _stop(replace(process, started=(process.started or 0) + 1), timeout=1)  # the same pid, started at another time
        assert _group_alive(process.pid), "a process that was not ours was stopped"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        _wait(lambda: not _group_alive(process.pid))
