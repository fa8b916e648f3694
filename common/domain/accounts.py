"""Sign-in accounts: only what the system itself created and invited.

Every account is created by the system for an employee record, with an id derived from
the NIP (``pk-{nip}``, which nobody signing up from a client can choose), and no password:
it cannot sign in until its owner sets a password through a one-time link from the
invitation e-mail. An account found under an employee's e-mail that the system did not
create (somebody signed up first) is never adopted.

What an account may do is what its employee record grants now: the role, the unit and
whether the person is active. When the record changes, the account follows (claims
rewritten, sessions revoked, disabled or enabled, the e-mail moved), and every change is
an audit entry with who, when, why, before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .model import Model
from .organisation import Employee

UID_PREFIX = "pk-"


def account_uid(nip: str) -> str:
    """The id the system gives the account of an employee when it creates one."""
    return f"{UID_PREFIX}{nip}"


def claims_for(employee: Employee) -> dict[str, Any]:
    """What the ID token carries. Kept small: Firebase allows 1,000 bytes of claims."""
    return {"role": employee.role.value, "nip": employee.nip, "unit": employee.unit_id}


class Account(Model):
    """The system's record of an account it created (``accounts/{nip}``)."""

    nip: str
    uid: str
    email: str
    created_at: datetime
    invited_at: datetime | None = None
    invitation: str | None = None  # the id of the last invitation sent


class AuthRecord(Model):
    """What Firebase Auth holds about an account."""

    uid: str
    email: str | None
    disabled: bool
    claims: dict[str, Any] = {}
    has_password: bool = False  # its owner has set one (through an invitation)


class Action(StrEnum):
    CREATED = "account.created"
    INVITED = "account.invited"
    CLAIMS_CHANGED = "account.claims_changed"
    EMAIL_CHANGED = "account.email_changed"
    DEACTIVATED = "account.deactivated"
    REACTIVATED = "account.reactivated"
    TOKENS_REVOKED = "account.tokens_revoked"


@dataclass
class AccountPlan:
    """What the system must do to one employee's account so it matches the record."""

    employee: Employee
    uid: str
    create: bool = False
    set_claims: bool = False
    change_email: bool = False
    disable: bool | None = None  # True: disable, False: enable, None: leave
    revoke: bool = False
    invite: bool = False
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    @property
    def actions(self) -> list[Action]:
        out = []
        if self.create:
            out.append(Action.CREATED)
        if self.set_claims and not self.create:
            out.append(Action.CLAIMS_CHANGED)
        if self.change_email:
            out.append(Action.EMAIL_CHANGED)
        if self.disable is True:
            out.append(Action.DEACTIVATED)
        if self.disable is False:
            out.append(Action.REACTIVATED)
        if self.revoke:
            out.append(Action.TOKENS_REVOKED)
        if self.invite:
            out.append(Action.INVITED)
        return out

    @property
    def changes_anything(self) -> bool:
        return bool(self.actions)


def _state(employee: Employee | None, auth: AuthRecord | None) -> dict[str, Any]:
    if employee is None and auth is None:
        return {}
    state: dict[str, Any] = {}
    if employee is not None:
        state.update(role=employee.role.value, unit_id=employee.unit_id, active=employee.active, email=employee.email)
    if auth is not None:
        state.update(account_email=auth.email, account_disabled=auth.disabled, claims=auth.claims)
    return state


def plan_account(employee: Employee, previous: Employee | None, auth: AuthRecord | None, known: Account | None) -> AccountPlan:
    """Compare the employee record (as loaded) with the account; say what to change.

    ``auth`` is the account Firebase Auth holds for this employee (found by the system's
    uid, or under the e-mail); ``known`` the system's record of it. The caller has already
    refused accounts the system did not create (see ``owned_by``).
    """
    uid = known.uid if known else auth.uid if auth else account_uid(employee.nip)
    plan = AccountPlan(employee=employee, uid=uid, before=_state(previous, auth))
    claims = claims_for(employee)
    if auth is None:
        plan.create = plan.set_claims = True
        plan.disable = None if employee.active else True
        plan.invite = employee.active
    else:
        if auth.claims != claims:
            plan.set_claims = True
            plan.revoke = True  # the next request re-authenticates with the new role, unit or NIP
        if employee.email and (auth.email or "").lower() != employee.email.lower():
            plan.change_email = True
            plan.revoke = True
        if auth.disabled and employee.active:
            plan.disable = False
            plan.invite = not auth.has_password  # back, but never set a password: invite again
        elif not auth.disabled and not employee.active:
            plan.disable = True
            plan.revoke = True
    after_auth = AuthRecord(
        uid=uid,
        email=employee.email,
        disabled=(plan.disable if plan.disable is not None else bool(auth and auth.disabled)),
        claims=claims,
    )
    plan.after = _state(employee, after_auth)
    return plan


def invitation_page(base_url: str, action_link: str, lang: str) -> str:
    """Where the invitation opens: our own page (/akun), in the person's language, with the
    one-time code of the link Firebase made; the page sets the password with that code."""
    from urllib.parse import parse_qs, urlencode, urlparse

    codes = parse_qs(urlparse(action_link).query).get("oobCode")
    if not codes:
        raise ValueError("the invitation link carries no one-time code")
    return f"{base_url.rstrip('/')}/akun?" + urlencode({"mode": "resetPassword", "oobCode": codes[0], "lang": lang})


def owned_by(auth: AuthRecord, nip: str, known: Account | None) -> bool:
    """Whether ``auth`` is the account the system created for ``nip``.

    The system's own record says so, or its uid is the one the system gives (an account
    created just before a crash that lost the record), or its custom claims, which only
    the system can set, name this NIP (an account made before invitations existed).
    """
    if known is not None:
        return known.uid == auth.uid
    return auth.uid == account_uid(nip) or auth.claims.get("nip") == nip
