"""Firestore storage of notifications.

Collections:
  deliveries/{notification}|{nip}|{channel}  one record per person, notification and channel, with every attempt
  inbox/{nip}/items/{notification_id}        the in-app inbox
  devices/{nip}/tokens/{device_id}           FCM registration tokens of the person's app installs
  notification_prefs/{nip}                   language, opted-out channels, and when alerts come (modes)
  digests/{nip}_{YYYY-MM-DD}                 what waits for the person's daily digest of that day; closed once sent
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from common.domain.notifications import Channel, Delivery, DeliveryStatus, Digest, digest_id

from .firestore import _Repository, count, from_doc, rpc, to_doc, valid_id


def _filter(field: str, op: str, value: Any):
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, op, value)


class FirestoreNotifications(_Repository):
    collection = "deliveries"

    # -- delivery records ---------------------------------------------------------
    def delivery(self, delivery_id: str) -> Delivery | None:
        return from_doc(Delivery, self._read(delivery_id))

    def put_delivery(self, delivery: Delivery) -> None:
        self._write(delivery.id, to_doc(delivery))

    def deliveries(self, *, notification_id: str | None = None, nip: str | None = None, limit: int = 100,
                   after: str | None = None) -> list[Delivery]:
        query = self.client.collection(self.collection)
        if notification_id:
            query = query.where(filter=_filter("notification_id", "==", notification_id))
        if nip:
            query = query.where(filter=_filter("nip", "==", nip))
        query = query.order_by("id")
        if after is not None:
            query = query.start_after({"id": after})
        return [Delivery.model_validate(d) for d in self._stream(query.limit(limit))]

    # -- the inbox ----------------------------------------------------------------
    def _inbox(self, nip: str):
        return self.client.collection("inbox").document(nip).collection("items")

    def put_inbox(self, nip: str, item: dict[str, Any]) -> None:
        count(writes=1)
        self._inbox(nip).document(item["id"]).set(item, **rpc())

    def inbox(self, nip: str, limit: int, before: tuple[datetime, str] | None) -> list[dict[str, Any]]:
        query = self._inbox(nip).order_by("created_at", direction="DESCENDING").order_by("id", direction="DESCENDING")
        if before:
            query = query.start_after({"created_at": before[0], "id": before[1]})
        return self._stream(query.limit(limit))

    def has_inbox_item(self, nip: str, item_id: str) -> bool:
        if not valid_id(item_id):
            return False
        count(reads=1)
        return self._inbox(nip).document(item_id).get(**rpc()).exists

    def unread(self, nip: str) -> int:
        count(reads=1)
        result = self._inbox(nip).where(filter=_filter("read_at", "==", None)).count(alias="n").get(**rpc())
        return int(result[0][0].value)

    def mark_read(self, nip: str, ids: list[str] | None, now: datetime) -> int:
        """Mark the given items (or every unread one) read; returns how many changed."""
        if ids is None:
            docs = self._inbox(nip).where(filter=_filter("read_at", "==", None)).stream(**rpc())
            refs = [d.reference for d in docs]
        else:
            wanted = [self._inbox(nip).document(i) for i in ids if valid_id(i)]
            refs = [r.reference for r in self.client.get_all(wanted, **rpc()) if r.exists and r.to_dict().get("read_at") is None] if wanted else []
        for start in range(0, len(refs), 400):
            batch = self.client.batch()
            for ref in refs[start : start + 400]:
                batch.update(ref, {"read_at": now})
            batch.commit(**rpc())
        count(reads=len(refs), writes=len(refs))
        return len(refs)

    # -- devices and preferences ------------------------------------------------------
    def _devices(self, nip: str):
        return self.client.collection("devices").document(nip).collection("tokens")

    def devices(self, nip: str) -> list[dict[str, Any]]:
        return self._stream(self._devices(nip))

    def put_device(self, nip: str, device: dict[str, Any]) -> None:
        count(writes=1)
        self._devices(nip).document(device["id"]).set(device, **rpc())

    def remove_device(self, nip: str, device_id: str) -> bool:
        if not valid_id(device_id):
            return False
        ref = self._devices(nip).document(device_id)
        count(reads=1, writes=1)
        existed = ref.get(**rpc()).exists
        ref.delete(**rpc())
        return existed

    def preferences(self, nip: str) -> dict[str, Any]:
        count(reads=1)
        snapshot = self.client.collection("notification_prefs").document(nip).get(**rpc())
        return snapshot.to_dict() if snapshot.exists else {}

    def preferences_many(self, nips) -> dict[str, dict[str, Any]]:
        refs = [self.client.collection("notification_prefs").document(n) for n in dict.fromkeys(nips) if valid_id(n)]
        if not refs:
            return {}
        count(reads=len(refs))
        return {s.id: s.to_dict() for s in self.client.get_all(refs, **rpc()) if s.exists}

    def put_preferences(self, nip: str, prefs: dict[str, Any]) -> None:
        count(writes=1)
        self.client.collection("notification_prefs").document(nip).set(prefs, **rpc())

    # -- the daily digest -------------------------------------------------------------
    def _digests(self):
        return self.client.collection("digests")

    def digests_of(self, nip: str, days: list[date]) -> dict[date, Digest]:
        refs = [self._digests().document(digest_id(nip, d)) for d in days if valid_id(digest_id(nip, d))]
        if not refs:
            return {}
        count(reads=len(refs))
        found = (_digest(s.id, s.to_dict()) for s in self.client.get_all(refs, transaction=self.tx, **rpc()) if s.exists)
        return {d.day: d for d in found}

    def put_digest(self, digest: Digest) -> None:
        count(writes=1)
        ref = self._digests().document(digest.id)
        if self.tx is not None:
            self.tx.set(ref, to_doc(digest))
        else:
            ref.set(to_doc(digest), **rpc())

    def open_digests(self, until: date) -> list[Digest]:
        # Few are open at a time (today's and tomorrow's): filter the day here, on the one equality.
        found = (_digest(d["nip"] + "_" + str(d["day"]), d) for d in self._stream(self._digests().where(filter=_filter("closed", "==", False))))
        return sorted((d for d in found if d.day <= until), key=lambda d: d.id)

    # -- what a scoring run sent --------------------------------------------------------
    def _of_run(self, run_id: str, channel: Channel | None = None, status: DeliveryStatus | None = None, reason: str | None = None):
        query = self.client.collection(self.collection).where(filter=_filter("run_id", "==", run_id))
        for name, value in (("channel", channel), ("status", status), ("reason", reason)):
            if value is not None:
                query = query.where(filter=_filter(name, "==", str(value)))
        return query

    def count_deliveries(self, run_id: str, *, channel: Channel | None = None, status: DeliveryStatus | None = None,
                         reason: str | None = None) -> int:
        count(reads=1)
        result = self._of_run(run_id, channel, status, reason).count(alias="n").get(**rpc())
        return int(result[0][0].value)

    def run_deliveries(self, run_id: str, status: DeliveryStatus, limit: int) -> list[Delivery]:
        return sorted((Delivery.model_validate(d) for d in self._stream(self._of_run(run_id, status=status).limit(limit))), key=lambda d: d.id)


def _digest(doc_id: str, data: dict[str, Any]) -> Digest:
    if "nip" not in data:  # the supervisors' digest before daily_digest: sent by then, never reopened
        nip, _, day = doc_id.rpartition("_")
        return Digest(nip=data.get("supervisor_nip") or nip, day=data.get("day") or day, closed=True)
    return Digest.model_validate(data)
