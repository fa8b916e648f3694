"""The QR poster of an office's counter: which survey address its code carries.

The address starts with the deployment's own (settings.base_url, PANTAU_BASE_URL), never with
what a request says its host is: a poster is printed and hung for months, and it must lead to
this deployment whoever downloaded it.
"""

from __future__ import annotations

from urllib.parse import quote

from common.domain.errors import NotFound
from common.domain.model import Model
from common.services.ports import UnitOfWork


class Poster(Model):
    unit_id: str
    unit_name: str
    kiosk: bool
    survey_url: str  # what the QR code holds
    results_url: str  # where the office's published results are


class PosterUnconfigured(Exception):
    """The deployment has no base address, so no poster can say where to go (an operator's fix)."""


def poster(uow: UnitOfWork, base_url: str, unit_id: str, kiosk: bool) -> Poster:
    if not base_url:
        raise PosterUnconfigured
    unit = uow.units.get(unit_id)
    if unit is None:
        raise NotFound("unit_not_found", unit_id=unit_id)
    path = quote(unit.id, safe="-")
    survey = f"{base_url}/survei/{path}" + ("?kiosk=1" if kiosk else "")
    return Poster(unit_id=unit.id, unit_name=unit.name, kiosk=kiosk, survey_url=survey, results_url=f"{base_url}/hasil/{path}")
