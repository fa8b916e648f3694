"""Fixtures the HTTP-layer tests share: the fake adapters with one unit, and a supervisor with one ASN."""

import pytest

from tests import factories as f
from tests.unit.test_http_layer import FakeDeps, enrolled


@pytest.fixture
def deps():
    deps = FakeDeps()
    deps.uow.units.put_many([f.unit()])
    return deps


@pytest.fixture
def org(deps):
    """A supervisor and one ASN with an SKP plan (test_conditional_requests has its own, of two)."""
    boss = f.employee()
    asn = f.employee(supervisor=boss.nip)
    enrolled(deps.uow, boss, asn)
    deps.uow.plans.put_many([f.plan(asn.nip)])
    return boss, asn
