"""The signed-in person's notifications: the inbox, read marks, devices, preferences."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from common.domain.errors import Forbidden, Invalid, NotFound
from common.domain.model import Model
from common.domain.notifications import DEFAULT_MODES, Channel, Modes, effective_modes
from common.domain.organisation import Language

from .notifications import device_id
from .paging import Keyset
from .ports import Caller, UnitOfWork

INBOX = Keyset("inbox", tuple[datetime, str])  # newest first: (created_at, id) descending


class InboxItem(Model):
    id: str
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None = None


class InboxPage(Model):
    items: list[InboxItem] = Field(description="newest first")
    unread: int
    next_cursor: str | None = Field(description="pass as cursor for the next (older) page; null on the last page")


class ReadResult(Model):
    marked: int
    unread: int


class Preferences(Model):
    model_config = ConfigDict(extra="forbid")

    language: Language | None = Field(default=None, description="id or en; empty follows the employee record")
    opt_out: list[Channel] = Field(default_factory=list, description="push and/or email; mandatory notifications still arrive")
    modes: Modes = Field(default_factory=Modes, description="when push and e-mail come, per kind: immediate, or daily in one digest "
                         "at 16:00 WIB; empty follows the role's default. The inbox gets every item at once either way; "
                         "investigations always come at once.")


class PreferencesView(Preferences):
    modes: Modes = Field(description="in effect: my choices over my role's defaults")
    defaults: Modes = Field(description="my role's defaults")


class DeviceRegistration(Model):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=20, max_length=4096, description="this app install's Firebase installation id (or a legacy FCM registration token)")
    kind: str = Field(default="fid", pattern="^(fid|registration_token)$", description="fid (Firebase installation id, preferred) or registration_token")
    platform: str = Field(default="android", pattern="^(android|ios|web)$")


class Device(Model):
    id: str
    platform: str
    registered_at: datetime


def _nip(caller: Caller) -> str:
    if caller.nip is None:
        raise Forbidden("not_an_employee")
    return caller.nip


def inbox(uow: UnitOfWork, caller: Caller, limit: int, cursor: str | None) -> InboxPage:
    nip = _nip(caller)
    items = uow.notifications.inbox(nip, limit + 1, INBOX.decode(cursor, {}))
    page, next_cursor = INBOX.page(items, limit, lambda item: (item["created_at"], item["id"]), {})
    return InboxPage(items=[InboxItem.model_validate(i) for i in page], unread=uow.notifications.unread(nip), next_cursor=next_cursor)


def mark_read(uow: UnitOfWork, caller: Caller, ids: list[str] | None, now: datetime, one: bool = False) -> ReadResult:
    """Mark items read. ``one``: the caller named a single item, which must exist (404 otherwise);
    a list may name items already gone, which are simply not counted."""
    nip = _nip(caller)
    marked = uow.notifications.mark_read(nip, ids, now)
    if one and ids and marked == 0 and not uow.notifications.has_inbox_item(nip, ids[0]):
        raise NotFound("notification_not_found")
    return ReadResult(marked=marked, unread=uow.notifications.unread(nip))


def _view(caller: Caller, stored: dict) -> PreferencesView:
    return PreferencesView(language=stored.get("language"), opt_out=stored.get("opt_out") or [],
                           modes=effective_modes(caller.role, stored.get("modes")), defaults=DEFAULT_MODES[caller.role])


def preferences(uow: UnitOfWork, caller: Caller) -> PreferencesView:
    return _view(caller, uow.notifications.preferences(_nip(caller)) or {})


def set_preferences(uow: UnitOfWork, caller: Caller, prefs: Preferences) -> PreferencesView:
    if Channel.INBOX in prefs.opt_out:
        raise Invalid("inbox_required", details=[{"field": "opt_out", "code": "inbox_required"}])
    stored = prefs.model_dump(mode="json")
    stored["modes"] = {k: v for k, v in stored["modes"].items() if v}  # what is not chosen follows the role
    uow.notifications.put_preferences(_nip(caller), stored)
    return _view(caller, stored)


def register_device(uow: UnitOfWork, caller: Caller, registration: DeviceRegistration, now: datetime) -> Device:
    address = f"fid:{registration.token}" if registration.kind == "fid" else registration.token
    device = {"id": device_id(address), "token": address, "platform": registration.platform, "registered_at": now}
    uow.notifications.put_device(_nip(caller), device)
    return Device.model_validate(device)


def unregister_device(uow: UnitOfWork, caller: Caller, device: str) -> None:
    if not uow.notifications.remove_device(_nip(caller), device):
        raise NotFound("device_not_found")
