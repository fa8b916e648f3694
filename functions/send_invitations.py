"""Pub/Sub (account-invited): e-mail a new account's owner the one-time link to set a password.

At most once per invitation (a delivery record is claimed first); a newer invitation
supersedes an older one still queued. Raising (the account not created yet, the mail
server down) makes Pub/Sub deliver the message again with backoff.
"""

from __future__ import annotations

import logging
from functools import cached_property

import functions_framework

from common.api.commands import AccountInvited
from common.api.deps import Deps
from common.api.push import receive
from common.services.accounts import send_invitation
from functions.catalog import BY_NAME

log = logging.getLogger("pantau.send_invitations")


class InvitationDeps(Deps):
    @cached_property
    def email(self):
        from common.adapters.smtp import SmtpSender

        return SmtpSender(self.settings)


deps = InvitationDeps()


@functions_framework.cloud_event
def send_invitations(cloud_event) -> None:
    if (received := receive(cloud_event, deps, AccountInvited, BY_NAME["send_invitations"].dead_letter)) is None:
        return
    data = received.command.data.model_dump()
    status = send_invitation(deps.uow, deps.accounts, deps.email, deps.settings, data, deps.now())
    log.info("invitation handled", extra={"nip": data.get("nip"), "invitation": data.get("invitation"), "status": status.value})
