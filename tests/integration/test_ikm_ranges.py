"""IKM over long ranges on the Firestore emulator: an "in" filter takes at most 30 months, so
ten years of months (120) are split into several queries whose counts and sums add up."""

from __future__ import annotations

from datetime import date, datetime, timezone

import requests

from common.domain.organisation import ServiceType
from common.domain.survey import Answers, Source, SurveyResponse
from common.services import administration
from tests import factories as f
from tests.patience import patiently

# Months in four different slices of 30 (2015-01.., 2017-07.., 2020-01.., 2022-07..), and one outside the range;
# each month has five respondents, the least a month is published for.
SPREAD = {"2015-01": 4, "2017-08": 3, "2020-03": 2, "2024-12": 1, "2025-01": 1}
PER_MONTH = 5


def _response(unit_id: str, period: str, score: int, i: int) -> SurveyResponse:
    year, month = int(period[:4]), int(period[5:])
    return SurveyResponse(
        receipt=f"SKM-{unit_id}-{period}-{i}", unit_id=unit_id, service_id="sk-domisili", service_date=date(year, month, 10),
        period=period, submitted_at=datetime(year, month, 10, 3, tzinfo=timezone.utc), source=Source.PAPER,
        answers=Answers(**{f"U{k}": score for k in range(1, 10)}), complaint=score == 1, lowest_score=score,
    )


def test_ten_years_of_months_add_up_across_queries(stack, uow, unique):
    unit_id = f"kel-ikm-{unique}"
    administration.load_units(uow, [f.unit(unit_id, services=[ServiceType(id="sk-domisili", name="Surat keterangan domisili", standard_days=1)])])
    for i, (period, score) in enumerate(SPREAD.items()):
        for k in range(PER_MONTH):
            uow.surveys.create(_response(unit_id, period, score, i * PER_MONTH + k))

    response = requests.get(f"{stack.api}/api/public/units/{unit_id}/ikm", params={"from": "2015-01", "to": "2024-12"}, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["period"]["months"]) == 120
    result = body["result"]
    assert result["n"] == 4 * PER_MONTH  # 2025-01 is outside the range
    assert result["ikm"] == round((4 + 3 + 2 + 1) / 4 * 25, 2)  # every unsur alike: IKM = mean score x 25
    service = body["services"][0]
    assert service["service_id"] == "sk-domisili" and service["result"]["n"] == 4 * PER_MONTH

    years = requests.get(f"{stack.api}/api/public/units/{unit_id}/ikm", params={"from": "2014-12", "to": "2024-12"}, headers={"Accept-Language": "en"}, timeout=30)
    assert years.status_code == 422 and years.json()["error"]["code"] == "ikm_range_too_long"


def test_the_skm_report_of_a_year_counts_its_respondents(stack, uow, unique):
    unit_id = f"kel-skm-{unique}"
    administration.load_units(uow, [f.unit(unit_id, services=[ServiceType(id="sk-domisili", name="Surat keterangan domisili", standard_days=1)])])
    for i, period in enumerate(["2024-01", "2024-06", "2024-12"]):
        for k in range(PER_MONTH):
            uow.surveys.create(_response(unit_id, period, 3, i * PER_MONTH + k))
    response = patiently(lambda: requests.get(f"{stack.api}/api/public/units/{unit_id}/skm", params={"period": "2024"}, timeout=30))
    assert response.status_code == 200, response.text
    assert response.json()["result"]["n"] == 3 * PER_MONTH
