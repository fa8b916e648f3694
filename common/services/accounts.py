"""Accounts people can trust: created and invited by the system, following the employee record.

- **Loading employees** plans each account against Firebase Auth first (batched look-ups) and
  refuses the whole load (409) when an e-mail belongs to an account the system did not
  create: somebody who signed up first is never given a role. Then the decisions are
  recorded (the audit entries, the system's account records and the invitation events),
  and only then applied to Firebase Auth: an account is created without a password,
  claims are rewritten, sessions revoked, accounts disabled or enabled, e-mails moved.
  A load that fails halfway is completed by loading again.
- **Invitations** are e-mails with a one-time link where the person sets their password;
  the link is made when the e-mail is sent and is never stored. BKPSDM can resend one.
- **Every request** is checked against the employee record at that moment
  (``resolve_caller``): the person must still have an active record, the account must be
  the one the system created for that NIP, and the token's claims must be the record's.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any

from pydantic import Field

from common.domain.accounts import Account, AccountPlan, Action, AuthRecord, account_uid, claims_for, invitation_page, owned_by, plan_account
from common.domain.errors import Conflict, Forbidden, NotFound, Unauthenticated
from common.domain.events import Event
from common.domain.model import Model
from common.domain.notifications import (
    PREFERENCES_LINK,
    Attempt,
    Channel,
    Delivery,
    DeliveryStatus,
    Email,
    Kind,
    absolute,
    delivery_id,
    render_invitation,
)
from common.domain.organisation import Employee
from common.settings import Settings

from .paging import NEXT_CURSOR, Keyset
from .ports import AccountDirectory, AuditEntry, Caller, Repositories, TokenIdentity, UnitOfWork

log = logging.getLogger(__name__)

SYSTEM = "system"


class AccountOutcome(Model):
    nip: str
    email: str | None
    uid: str | None = None
    actions: list[str] = Field(default_factory=list, description="what changed: account.created, account.invited, account.claims_changed, ...")


# -- loading employees ---------------------------------------------------------------------

def plan_accounts(uow: UnitOfWork, directory: AccountDirectory, employees: list[Employee], previous: dict[str, Employee]) -> list[AccountPlan]:
    """What each employee's account needs; raises Conflict (409) naming every e-mail that
    belongs to an account the system did not create, or to another active employee."""
    known = uow.accounts.get_many(e.nip for e in employees)
    uids = [known[e.nip].uid if e.nip in known else account_uid(e.nip) for e in employees]
    by_uid, by_email = directory.lookup(uids, [e.email for e in employees if e.email])
    others = _other_holders(uow, employees, by_email, known)
    conflicts, plans = [], []
    loaded_active = {e.nip for e in employees if e.active}
    for index, employee in enumerate(employees):
        mine = known.get(employee.nip)
        auth = by_uid.get(mine.uid if mine else account_uid(employee.nip))
        holder = by_email.get(employee.email.lower()) if employee.email else None
        if holder is not None and (auth is None or holder.uid != auth.uid):
            owner = holder.claims.get("nip")
            if auth is None and owned_by(holder, employee.nip, mine):
                auth = holder  # made by the system before it kept account records
            elif auth is None and owner and _released(owner, others, loaded_active):
                auth = holder  # a NIP correction: the account moves with the person to the new NIP
            else:
                conflicts.append({
                    "field": f"{index}.email", "code": "email_taken_by_employee" if owner else "email_taken",
                    "value": employee.email, **({"nip": owner} if owner else {}),
                })
                continue
        if auth is None and not employee.email:
            continue  # no e-mail, no account: nothing to sign in with
        plans.append(plan_account(employee, previous.get(employee.nip), auth, mine))
    if conflicts:
        raise Conflict("email_in_use", emails=", ".join(str(c["value"]) for c in conflicts), details=conflicts)
    # An account that moved to a corrected NIP belongs to the new record only.
    moved = {p.uid: p.employee.nip for p in plans if p.before.get("claims", {}).get("nip") not in (None, p.employee.nip)}
    return [p for p in plans if moved.get(p.uid, p.employee.nip) == p.employee.nip]


def _other_holders(uow: UnitOfWork, employees: list[Employee], by_email: dict[str, AuthRecord], known: dict[str, Account]) -> dict[str, Employee]:
    """The records of other NIPs whose accounts hold e-mails this load wants (one batched read)."""
    loaded = {e.nip for e in employees}
    owners = {a.claims.get("nip") for a in by_email.values()} - loaded - {None}
    return uow.employees.get_many(n for n in owners if isinstance(n, str))


def _released(owner: str, others: dict[str, Employee], loaded_active: set[str]) -> bool:
    record = others.get(owner)
    return owner not in loaded_active and (record is None or not record.active)


def apply_accounts(
    uow: UnitOfWork,
    directory: AccountDirectory,
    settings: Settings,
    plans: list[AccountPlan],
    actor: str,
    reason: str | None,
    now: datetime,
) -> list[AccountOutcome]:
    """Record the decisions (audit, account records, invitations), then carry them out in Firebase Auth."""
    changing = [p for p in plans if p.changes_anything]
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    audit: list[AuditEntry] = []
    records: list[Account] = []
    released: list[str] = []
    events: list[Event] = []
    known = uow.accounts.get_many(p.employee.nip for p in changing)
    for plan in changing:
        nip = plan.employee.nip
        mine = known.get(nip)
        invitation = f"{stamp}-{secrets.token_hex(3)}" if plan.invite else (mine.invitation if mine else None)
        records.append(Account(
            nip=nip, uid=plan.uid, email=plan.employee.email or (mine.email if mine else ""),
            created_at=mine.created_at if mine else now,
            invited_at=now if plan.invite else (mine.invited_at if mine else None), invitation=invitation,
        ))
        moved_from = plan.before.get("claims", {}).get("nip")
        if moved_from and moved_from != nip:
            released.append(moved_from)
        for action in plan.actions:
            audit.append(AuditEntry(
                id=f"{action.value}:{nip}:{stamp}", at=now, actor=actor, action=action.value, subject=f"employee:{nip}",
                nip=nip, reason=reason, inputs=plan.before, outputs=plan.after,
            ))
        if plan.invite and invitation is not None:  # always, when inviting: made just above
            events.append(_invitation_event(nip, plan.uid, invitation, now))
    uow.accounts.put_many(records)
    for nip in released:
        uow.accounts.delete(nip)
    uow.audit.append_many(audit)
    # Published once the accounts exist in Firebase Auth, so each invitation's link can be made.
    def carry_out() -> None:
        for plan in changing:
            _carry_out(directory, plan)

    uow.emit(events, before_publish=carry_out)
    return [AccountOutcome(nip=p.employee.nip, email=p.employee.email, uid=p.uid, actions=[a.value for a in p.actions]) for p in plans]


def _carry_out(directory: AccountDirectory, plan: AccountPlan) -> None:
    employee = plan.employee
    if plan.create:
        directory.create(plan.uid, employee.email or "", employee.name, disabled=not employee.active)
    if plan.set_claims:
        directory.set_claims(plan.uid, claims_for(employee))
    if plan.change_email or plan.disable is not None:
        directory.update(
            plan.uid, email=employee.email if plan.change_email else None,
            disabled=plan.disable, display_name=employee.name if plan.change_email else None,
        )
    if plan.revoke:
        directory.revoke_sessions(plan.uid)


def _invitation_event(nip: str, uid: str, invitation: str, now: datetime) -> Event:
    # No e-mail address or link in the event: the sender reads the record when it sends.
    return Event.of("account.invited", key=f"{nip}:{invitation}", occurred_at=now, data={"nip": nip, "uid": uid, "invitation": invitation})


# -- invitations ----------------------------------------------------------------------------

class InvitationResult(Model):
    nip: str
    email: str
    invitation: str
    invited_at: datetime


def resend_invitation(uow: UnitOfWork, actor: str, nip: str, reason: str | None, now: datetime) -> InvitationResult:
    """BKPSDM sends a new invitation (the old link may have expired, or never arrived)."""

    def work(tx: Repositories) -> InvitationResult:
        employee, account = tx.accounts.with_employee(nip)
        if employee is None:
            raise NotFound("employee_not_found", nip=nip)
        if not employee.active:
            raise Conflict("employee_inactive", nip=nip)
        if account is None or not employee.email:
            raise Conflict("no_account", nip=nip)
        invitation = f"{now.strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(3)}"
        updated = account.model_copy(update={"invited_at": now, "invitation": invitation, "email": employee.email})
        tx.accounts.put_many([updated])
        tx.audit.append(AuditEntry(
            id=f"{Action.INVITED.value}:{nip}:{invitation}", at=now, actor=actor, action=Action.INVITED.value,
            subject=f"employee:{nip}", nip=nip, reason=reason, inputs={"previous_invitation": account.invitation},
            outputs={"invitation": invitation, "email": employee.email},
        ))
        tx.emit([_invitation_event(nip, account.uid, invitation, now)])
        return InvitationResult(nip=nip, email=employee.email, invitation=invitation, invited_at=now)

    return uow.transaction(work)


class InvitationMissing(Exception):
    """The account of an invitation is not there yet (the load is still creating it): retry later."""


def send_invitation(uow: UnitOfWork, directory: AccountDirectory, email, settings: Settings, data: dict[str, Any], now: datetime) -> DeliveryStatus:
    """The account.invited handler: e-mail the person their one-time link, at most once per invitation."""
    nip, invitation = data["nip"], data["invitation"]
    notification_id = f"account_invited:{nip}:{invitation}"
    did = delivery_id(notification_id, nip, Channel.EMAIL)

    def claim(tx: Repositories) -> tuple[Delivery, Employee | None, bool]:
        record = tx.notifications.delivery(did)
        employee, account = tx.accounts.with_employee(nip)
        if record is not None and record.status is not DeliveryStatus.RETRYING:
            return record, employee, False  # sent, sending, skipped or failed already
        base = dict(id=did, notification_id=notification_id, kind=Kind.ACCOUNT_INVITED, nip=nip, channel=Channel.EMAIL, updated_at=now)
        attempts = record.attempts if record else []
        reason = None
        if employee is None or not employee.active or not employee.email:
            reason = "no_active_employee_with_email"
        elif account is None or account.invitation != invitation:
            reason = "superseded_by_a_newer_invitation"
        elif not email.configured or not settings.base_url:
            reason = "email_not_configured"
        if reason:
            skipped = Delivery(**base, status=DeliveryStatus.SKIPPED, reason=reason, attempts=attempts)
            tx.notifications.put_delivery(skipped)
            return skipped, employee, False
        claimed = Delivery(**base, status=DeliveryStatus.SENDING, attempts=[*attempts, Attempt(at=now, outcome="claimed")])
        tx.notifications.put_delivery(claimed)
        return claimed, employee, True

    record, employee, mine = uow.transaction(claim)
    if not mine or employee is None or not employee.email:  # claimed only for an active employee with an address
        return record.status
    from common.services.ports import PermanentSendError

    try:
        lang = employee.language.value
        link = invitation_page(settings.base_url, directory.invitation_link(employee.email, None), lang)
        content = render_invitation(employee.name, employee.email, link, lang)
        email.send(Email(to=employee.email, to_name=employee.name, content=content, delivery_id=did, sent_at=now,
                         unsubscribe=absolute(settings.base_url, PREFERENCES_LINK)))
    except PermanentSendError as error:
        return _record(uow, record, DeliveryStatus.FAILED, now, str(error))
    except Exception as error:  # the account not yet created, the mail server down: Pub/Sub retries
        _record(uow, record, DeliveryStatus.RETRYING, now, f"{type(error).__name__}: {error}")
        raise
    return _record(uow, record, DeliveryStatus.SENT, now, None)


def _record(uow: UnitOfWork, record: Delivery, status: DeliveryStatus, now: datetime, error: str | None) -> DeliveryStatus:
    outcome = {DeliveryStatus.SENT: "sent", DeliveryStatus.FAILED: "failed", DeliveryStatus.RETRYING: "error"}[status]
    uow.notifications.put_delivery(record.model_copy(update={
        "status": status, "reason": error, "updated_at": now, "attempts": [*record.attempts, Attempt(at=now, outcome=outcome, error=error)],
    }))
    return status


# -- every request ----------------------------------------------------------------------------

def resolve_caller(uow: UnitOfWork, identity: TokenIdentity) -> Caller:
    """Who is asking, with what their employee record grants now (one read)."""
    if identity.nip is None:
        raise Forbidden("not_an_employee")
    employee, account = uow.accounts.with_employee(identity.nip)
    if employee is None:
        raise Forbidden("not_an_employee")
    if account is None or account.uid != identity.uid:
        raise Unauthenticated("token_invalid")  # a token naming a NIP whose account it is not
    if not employee.active:
        raise Forbidden("account_deactivated")
    if (identity.role, identity.unit) != (employee.role.value, employee.unit_id):
        raise Unauthenticated("token_invalid")  # claims older than the record: sign in again
    return Caller(uid=identity.uid, nip=employee.nip, role=employee.role, unit_id=employee.unit_id)


# -- the audit log --------------------------------------------------------------------------

AUDIT = Keyset("audit", tuple[datetime, str])  # newest first: (at, id) descending


class AuditPage(Model):
    entries: list[AuditEntry] = Field(description="newest first")
    next_cursor: str | None = Field(default=None, description=NEXT_CURSOR)


def read_audit(uow: UnitOfWork, nip: str | None, since: datetime | None, limit: int, cursor: str | None) -> AuditPage:
    filters = {"nip": nip, "since": since}
    entries = uow.audit.find_entries(nip, since, limit + 1, AUDIT.decode(cursor, filters))
    page, next_cursor = AUDIT.page(entries, limit, lambda e: (e.at, e.id), filters)
    return AuditPage(entries=page, next_cursor=next_cursor)
