"""Enrol people on the local stack the way production does: BKPSDM loads their employee
records (the system creates and invites their accounts), then each sets a password
through the one-time link of their invitation, as its owner would.

The seed and the tests use it to give everyone a known password without the admin API
ever setting one.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tools.client import accept_invitation
from tools.stack import StackInfo


def enrol(info: StackInfo, uow, employees: list, password: str, actor: str = "seed", reason: str = "local stack") -> object:
    from common.adapters.firebase_auth import FirebaseAccounts
    from common.domain.clock import utcnow
    from common.services import administration
    from common.settings import Settings

    settings = Settings(project_id=info.project)
    directory = FirebaseAccounts(settings)
    loaded = administration.load_employees(uow, directory, settings, employees, actor, reason, utcnow())
    created = {o.nip for o in loaded.accounts if "account.created" in o.actions}
    people = [e for e in employees if e.email and e.active and e.nip in created]

    def accept(employee) -> None:
        accept_invitation(info.auth, directory.invitation_link(employee.email, None), password)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(accept, people))
    return loaded
