"""The repository of notifications.

Collections:
  deliveries/{notification}|{nip}|{channel}  one record per person, notification and channel, with every attempt
  inbox/{nip}/items/{notification_id}        the in-app inbox
  devices/{nip}/tokens/{device_id}           FCM registration tokens of the person's app installs
  notification_prefs/{nip}                   language, opted-out channels, and when alerts come (modes)
  digests/{nip}_{YYYY-MM-DD}                 what waits for the person's daily digest of that day; closed once sent
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

from common.domain.notifications import Channel, Delivery, DeliveryStatus, Digest, digest_id

from .repository import Repository
from .store import Query, valid_id


class Deliveries(Repository[Delivery]):
    collection, model = "deliveries", Delivery

    def of_run(self, run_id: str, channel: Channel | None = None, status: DeliveryStatus | None = None, reason: str | None = None) -> Query:
        query = self.where("run_id", "==", run_id)
        for name, value in (("channel", channel), ("status", status), ("reason", reason)):
            if value is not None:
                query = query.where(name, "==", str(value))
        return query


class Digests(Repository[Digest]):
    collection, model = "digests", Digest

    def decode(self, doc_id: str, data: dict[str, Any]) -> Digest:
        if "nip" not in data:  # the supervisors' digest before daily digests: sent by then, never reopened
            nip, _, day = doc_id.rpartition("_")
            return Digest(nip=data.get("supervisor_nip") or nip, day=data.get("day") or day, closed=True)
        return Digest.model_validate(data)


class Notifications:
    """Deliveries, the inbox, devices, preferences and digests: what the notification services keep."""

    prefs = "notification_prefs"

    def __init__(self, store) -> None:
        self.store = store
        self._deliveries = Deliveries(store)
        self._digests = Digests(store)

    # -- delivery records ---------------------------------------------------------
    def delivery(self, delivery_id: str) -> Delivery | None:
        return self._deliveries.get(delivery_id)

    def put_delivery(self, delivery: Delivery) -> None:
        self._deliveries.put(delivery)

    def deliveries(self, *, notification_id: str | None = None, nip: str | None = None, limit: int = 100,
                   after: str | None = None) -> list[Delivery]:
        """By id (notification, person, channel), after an id."""
        query = self._deliveries.query()
        if notification_id:
            query = query.where("notification_id", "==", notification_id)
        if nip:
            query = query.where("nip", "==", nip)
        query = query.order_by("id")
        return self._deliveries.find((query.start_after(after) if after is not None else query).take(limit))

    # -- the inbox ----------------------------------------------------------------
    @staticmethod
    def _inbox(nip: str) -> str:
        return f"inbox/{nip}/items"

    def put_inbox(self, nip: str, item: dict[str, Any]) -> None:
        self.store.set(f"{self._inbox(nip)}/{item['id']}", item)

    def inbox(self, nip: str, limit: int, before: tuple[datetime, str] | None) -> list[dict[str, Any]]:
        query = Query(self._inbox(nip)).order_by("created_at", descending=True).order_by("id", descending=True)
        if before:
            query = query.start_after(*before)
        return [data for _, data in self.store.query(query.take(limit))]

    def has_inbox_item(self, nip: str, item_id: str) -> bool:
        return valid_id(item_id) and self.store.get(f"{self._inbox(nip)}/{item_id}") is not None

    def unread(self, nip: str) -> int:
        return int(self.store.aggregate(Query(self._inbox(nip)).where("read_at", "==", None), {"n": ("count", None)})["n"])

    def mark_read(self, nip: str, ids: list[str] | None, now: datetime) -> int:
        """Mark the given items (or every unread one) read; returns how many changed."""
        if ids is None:
            paths = [f"{self._inbox(nip)}/{doc_id}" for doc_id, _ in self.store.query(Query(self._inbox(nip)).where("read_at", "==", None))]
        else:
            found = self.store.get_all([f"{self._inbox(nip)}/{i}" for i in dict.fromkeys(ids) if valid_id(i)]) if ids else {}
            paths = [path for path, item in found.items() if item.get("read_at") is None]
        self.store.update_all(paths, {"read_at": now})
        return len(paths)

    # -- devices and preferences ------------------------------------------------------
    @staticmethod
    def _devices(nip: str) -> str:
        return f"devices/{nip}/tokens"

    def devices(self, nip: str) -> list[dict[str, Any]]:
        return [data for _, data in self.store.query(Query(self._devices(nip)))]

    def put_device(self, nip: str, device: dict[str, Any]) -> None:
        self.store.set(f"{self._devices(nip)}/{device['id']}", device)

    def remove_device(self, nip: str, device_id: str) -> bool:
        if not valid_id(device_id):
            return False
        path = f"{self._devices(nip)}/{device_id}"
        existed = self.store.get(path) is not None
        self.store.delete(path)
        return existed

    def preferences(self, nip: str) -> dict[str, Any]:
        return (self.store.get(f"{self.prefs}/{nip}") if valid_id(nip) else None) or {}

    def preferences_many(self, nips: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Everyone's preferences in one batched read (absent means defaults)."""
        found = self.store.get_all([f"{self.prefs}/{n}" for n in dict.fromkeys(nips) if valid_id(n)])
        return {path.rpartition("/")[2]: data for path, data in found.items()}

    def put_preferences(self, nip: str, prefs: dict[str, Any]) -> None:
        self.store.set(f"{self.prefs}/{nip}", prefs)

    # -- the daily digest -------------------------------------------------------------
    def digests_of(self, nip: str, days: list[date]) -> dict[date, Digest]:
        """The person's digests of these days that exist (part of the transaction, if any)."""
        return {d.day: d for d in self._digests.get_many(digest_id(nip, day) for day in days).values()}

    def put_digest(self, digest: Digest) -> None:
        self._digests.put(digest)

    def open_digests(self, until: date) -> list[Digest]:
        """Digests not sent yet, of ``until`` or before."""
        # Few are open at a time (today's and tomorrow's): filter the day here, on the one equality.
        found = self._digests.find(self._digests.where("closed", "==", False))
        return sorted((d for d in found if d.day <= until), key=lambda d: d.id)

    # -- what a scoring run sent --------------------------------------------------------
    def count_deliveries(self, run_id: str, *, channel: Channel | None = None, status: DeliveryStatus | None = None,
                         reason: str | None = None) -> int:
        """Delivery records of a scoring run's notifications, counted by the database."""
        return self._deliveries.count_matching(self._deliveries.of_run(run_id, channel, status, reason))

    def run_deliveries(self, run_id: str, status: DeliveryStatus, limit: int) -> list[Delivery]:
        return sorted(self._deliveries.find(self._deliveries.of_run(run_id, status=status).take(limit)), key=lambda d: d.id)
