"""Shared fixtures. Tests that need Firestore, Pub/Sub or Auth get a real local
stack: emulators and the gateway, started once per session on free ports with
its own project id, so a running demo is never touched.

"Now" comes from one clock: the ``clock`` fixture, which the test process and every
process of the test stack share. It is the real time unless ``PANTAU_NOW`` moves it,
e.g. ``PANTAU_NOW=2027-01-01T00:05:00+07:00 make test`` runs the suite on New Year's
night; no test may depend on which day it runs.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    from common.domain import clock
    from tools.stack import requested_clock

    clock.install(requested_clock())  # before any test or fixture reads the time


@pytest.hookimpl(tryfirst=True)  # before -m selects on the mark
def pytest_collection_modifyitems(config, items):
    """Mark every test whose fixtures reach the stack: make test runs those in one pytest and
    the pure ones in another beside it (tools/test.py)."""
    for item in items:
        if "stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.stack)


@pytest.fixture(scope="session")
def clock():
    """The one clock of the test session and its stack: ``clock.now()`` (UTC), ``clock.today()`` (WIB)."""
    from common.domain.clock import current

    return current()


@pytest.fixture
def this_month(clock) -> str:
    """The current period (YYYY-MM in WIB) by the clock."""
    from common.domain.period import period_of

    return period_of(clock.now())


@pytest.fixture(scope="session")
def stack(clock):
    import signal

    from tools.stack import Ports, Stack

    # A CI timeout or `kill` sends SIGTERM: turn it into an interrupt so the stack below is
    # still stopped (pytest runs fixture teardown on KeyboardInterrupt, not on a bare SIGTERM).
    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)

    state = ROOT / ".local" / f"test-stack-{os.getpid()}"
    # Firestore calls give up after 10 s, production's default: with less, the emulator, which
    # scans a collection for each count, answered heavy views (a year's SKM, some seventy counts)
    # with 503 while the whole suite ran; the outage tests wait that long for theirs. Every browser
    # test's page comes from 127.0.0.1, one address, so the survey's short window is wide here;
    # the daily cap per address and unit keeps its default, and tests that need other senders
    # connect from other loopback addresses (tools.client.Api(source_address=...)).
    running = Stack(state, project="demo-pantau-test", ports=Ports.free(), clock=clock,
                    settings={"PANTAU_FIRESTORE_TIMEOUT_SECONDS": "10", "PANTAU_SURVEY_RATE_LIMIT": "1000"})
    info = running.up()
    saved = {k: os.environ.get(k) for k in info.env()}
    os.environ.update(info.env())
    malformed: dict[str, list[str]] = {}
    try:
        yield info
    finally:
        running.down()
        from tests.mail import mailbox_problems

        malformed = mailbox_problems(info.mail_dir, info.api)  # every message the session sent, strictly parsed
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        logs = state / "logs"
        keep = os.environ.get("PANTAU_KEEP_TEST_LOGS")
        if not keep:
            shutil.rmtree(state, ignore_errors=True)
        elif logs.exists():
            print(f"test stack logs kept in {logs}")
    assert not malformed, f"malformed e-mails in the test mailbox: {malformed}"


@pytest.fixture(scope="session")
def settings(stack):
    from common.settings import Settings

    return Settings(project_id=stack.project)


@pytest.fixture(scope="session")
def uow(stack):
    from common.adapters.firestore import FirestoreUnitOfWork, get_client
    from common.adapters.pubsub import PubSubPublisher
    from common.settings import Settings

    # What the tests' own writes emit is published to the stack's functions, as in production.
    return FirestoreUnitOfWork(get_client(stack.project), publisher=PubSubPublisher(Settings(project_id=stack.project)))


@pytest.fixture(scope="session")
def accounts(settings):
    from common.adapters.firebase_auth import FirebaseAccounts

    return FirebaseAccounts(settings)


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]
