"""Accounts follow the employee record: created and invited by the system, never adopted,
changed at once, every change audited. The services on fakes; tests/integration/test_accounts.py
runs the same story through HTTP on the emulators."""

from __future__ import annotations

import pytest

from common.domain.errors import Conflict, Forbidden, NotFound, Unauthenticated
from common.domain.organisation import Role
from common.services import accounts as service
from common.services import administration
from common.services.ports import TokenIdentity
from common.settings import Settings
from tests import factories as f
from tests.fakes import FakeAccounts, FakeUnitOfWork

NOW = f.at("2026-11-03 10:00")
LATER = f.at("2026-11-04 09:00")
SETTINGS = Settings(project_id="demo-test", base_url="https://pantau.example")


class Outbox:
    """E-mails the invitation sender sends."""

    configured = True

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, email) -> None:
        self.sent.append((email.to, email.content.title, email.content.plain()))


@pytest.fixture
def world():
    uow, directory = FakeUnitOfWork(), FakeAccounts()
    publisher = uow.publisher
    uow.units.put_many([f.unit()])
    return uow, directory, publisher


def load(world, employees, now=NOW, reason=None):
    uow, directory, publisher = world
    return administration.load_employees(uow, directory, SETTINGS, employees, "198001012005011001", reason, now)


def entries(uow, nip):
    return sorted(((e.action, e.reason) for e in uow.state.audit.values() if e.nip == nip), key=str)


def test_an_account_somebody_signed_up_for_first_is_never_adopted(world):
    uow, directory, _ = world
    admin = f.employee(role=Role.ADMIN, email="kabid@bkpsdm.example")
    squatter = directory.sign_up("Kabid@bkpsdm.example")
    with pytest.raises(Conflict) as refused:
        load(world, [f.employee(), admin])
    assert refused.value.code == "email_in_use" and "kabid@bkpsdm.example" in refused.value.params["emails"]
    assert refused.value.details == [{"field": "1.email", "code": "email_taken", "value": "kabid@bkpsdm.example"}]
    assert directory.users[squatter.uid].claims == {}  # nothing granted
    assert uow.state.employees == {} and uow.state.audit == {}  # the whole load refused, nothing written


def test_a_new_employee_gets_an_account_without_a_password_and_one_invitation(world):
    uow, directory, publisher = world
    asn = f.employee(language="en")
    load(world, [asn], reason="SK Camat 12/2026")
    user = directory.users[f"pk-{asn.nip}"]
    assert not user.has_password and not user.disabled
    assert entries(uow, asn.nip) == [("account.created", "SK Camat 12/2026"), ("account.invited", "SK Camat 12/2026")]
    event = publisher.published[-1]
    assert event.type == "account.invited" and "email" not in event.data  # the sender reads the record

    mail = Outbox()
    assert service.send_invitation(uow, directory, mail, SETTINGS, event.data, NOW) == "sent"
    (to, subject, body), = mail.sent
    assert to == asn.email and subject == "Your Pantau Kinerja Belawan account"
    code = directory.links[-1].split("oobCode=")[1].split("&")[0]
    assert f"https://pantau.example/akun?mode=resetPassword&oobCode={code}&lang=en" in body  # our page, in their language
    assert service.send_invitation(uow, directory, mail, SETTINGS, event.data, LATER) == "sent"  # redelivered: not sent again
    assert len(mail.sent) == 1
    stored = next(iter(uow.state.deliveries.values()))
    assert "oobCode" not in stored.model_dump_json()  # the link is never stored


def test_a_resent_invitation_supersedes_the_old_one(world):
    uow, directory, publisher = world
    asn = f.employee()
    load(world, [asn])
    first = publisher.published[-1].data
    again = service.resend_invitation(uow, "admin", asn.nip, "tautan pertama kedaluwarsa", LATER)
    second = publisher.published[-1].data
    assert second["invitation"] == again.invitation != first["invitation"]
    mail = Outbox()
    assert service.send_invitation(uow, directory, mail, SETTINGS, first, LATER) == "skipped"
    assert service.send_invitation(uow, directory, mail, SETTINGS, second, LATER) == "sent"
    assert len(mail.sent) == 1
    assert ("account.invited", "tautan pertama kedaluwarsa") in entries(uow, asn.nip)
    with pytest.raises(NotFound):
        service.resend_invitation(uow, "admin", f.make_nip(), "tidak ada", LATER)


def test_deactivation_disables_and_revokes_and_reactivation_enables(world):
    uow, directory, _ = world
    asn = f.employee()
    load(world, [asn])
    uid = f"pk-{asn.nip}"
    load(world, [asn.model_copy(update={"active": False})], LATER, reason="pensiun")
    assert directory.users[uid].disabled and uid in directory.revoked
    assert ("account.deactivated", "pensiun") in entries(uow, asn.nip) and ("account.tokens_revoked", "pensiun") in entries(uow, asn.nip)
    load(world, [asn], f.at("2026-11-05 09:00"), reason="kembali bertugas")
    assert not directory.users[uid].disabled
    assert ("account.reactivated", "kembali bertugas") in entries(uow, asn.nip)


def test_a_role_or_unit_change_rewrites_the_claims_and_revokes_sessions(world):
    uow, directory, _ = world
    uow.units.put_many([f.unit("kel-belawan-2")])
    admin = f.employee(role=Role.ADMIN)
    load(world, [admin])
    uid = f"pk-{admin.nip}"
    load(world, [admin.model_copy(update={"role": Role.ASN, "unit_id": "kel-belawan-2"})], LATER, reason="mutasi")
    assert directory.users[uid].claims == {"role": "asn", "nip": admin.nip, "unit": "kel-belawan-2"}
    assert directory.revoked == [uid]
    change = next(e for e in uow.state.audit.values() if e.action == "account.claims_changed")
    assert change.inputs["role"] == "admin" and change.outputs["role"] == "asn" and change.actor == "198001012005011001"


def test_an_email_change_moves_the_identity_and_a_taken_email_is_refused(world):
    uow, directory, _ = world
    asn, other = f.employee(), f.employee()
    load(world, [asn, other])
    load(world, [asn.model_copy(update={"email": "baru@pemko-medan.example"})], LATER)
    assert directory.users[f"pk-{asn.nip}"].email == "baru@pemko-medan.example"
    assert [u for u in directory.users.values() if u.email == asn.email.lower()] == []  # moved, not copied
    with pytest.raises(Conflict) as refused:
        load(world, [asn.model_copy(update={"email": other.email})], LATER)
    assert refused.value.details[0]["code"] == "email_taken_by_employee" and refused.value.details[0]["nip"] == other.nip


def test_a_nip_correction_moves_the_account_to_the_new_nip(world):
    uow, directory, _ = world
    wrong = f.employee(email="siti@pemko-medan.example")
    load(world, [wrong])
    right = f.employee(email="siti@pemko-medan.example")
    load(world, [wrong.model_copy(update={"active": False, "email": None}), right], LATER, reason="koreksi NIP")
    moved = directory.users[f"pk-{wrong.nip}"]
    assert moved.claims["nip"] == right.nip and not moved.disabled
    assert uow.state.accounts[right.nip].uid == moved.uid and wrong.nip not in uow.state.accounts


def test_the_caller_is_what_the_record_grants_now(world):
    uow, directory, _ = world
    admin = f.employee(role=Role.ADMIN)
    load(world, [admin])
    fresh = TokenIdentity(uid=f"pk-{admin.nip}", nip=admin.nip, role="admin", unit=admin.unit_id)
    assert service.resolve_caller(uow, fresh).role is Role.ADMIN
    with pytest.raises(Unauthenticated):  # someone else's NIP in a token of another account
        service.resolve_caller(uow, fresh.model_copy(update={"uid": "self-1"}))
    load(world, [admin.model_copy(update={"active": False})], LATER)
    with pytest.raises(Forbidden) as gone:
        service.resolve_caller(uow, fresh)
    assert gone.value.code == "account_deactivated"
    with pytest.raises(Forbidden) as unknown:
        service.resolve_caller(uow, TokenIdentity(uid="self-9", nip=None))
    assert unknown.value.code == "not_an_employee"


def test_the_audit_log_pages_newest_first(world):
    uow, _, _ = world
    people = [f.employee() for _ in range(3)]
    load(world, people)
    first = service.read_audit(uow, None, None, 4, None)
    second = service.read_audit(uow, None, None, 4, first.next_cursor)
    assert len(first.entries) == 4 and len(second.entries) == 2 and second.next_cursor is None
    assert {e.id for e in first.entries}.isdisjoint(e.id for e in second.entries)
    mine = service.read_audit(uow, people[0].nip, None, 50, None)
    assert {e.action for e in mine.entries} == {"account.created", "account.invited"}
    assert service.read_audit(uow, None, LATER, 50, None).entries == []
