"""Repository of the keberatan (objections to a predikat).

Collection:
  objections/{nip}_{period}   one per person and period (a month YYYY-MM or a year YYYY), with every step
"""

from __future__ import annotations

from datetime import date, datetime

from common.domain.objections import Objection

from .repository import Repository

LISTED_BY = ("nip", "decider", "unit_id")  # the fields a list filters on: mine, to decide, a unit's


class Objections(Repository[Objection]):
    collection, model = "objections", Objection

    def for_unit_period(self, unit_id: str, period: str) -> list[Objection]:
        """The unit's objections to one period: what a scoring run of the unit must keep."""
        return self.find(self.where("unit_id", "==", unit_id).where("period", "==", period))

    def listed(self, field: str, value: str, status: str | None, limit: int, after: tuple[datetime, str] | None = None) -> list[Objection]:
        """Newest first, ties by id, after a (filed_at, id); by ``field`` (nip, decider or unit_id), maybe one status."""
        if field not in LISTED_BY:
            raise ValueError(field)
        query = self.where(field, "==", value)
        if status is not None:
            query = query.where("status", "==", status)
        query = query.order_by("filed_at", descending=True).order_by("id", descending=True)
        return self.find((query.start_after(*after) if after is not None else query).take(limit))

    def overdue(self, today: date, limit: int) -> list[Objection]:
        """Open objections whose due date is before ``today``, oldest due first."""
        return self.find(self.where("open", "==", True).where("due", "<", today.isoformat()).order_by("due").take(limit))
