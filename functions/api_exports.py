"""HTTP: documents. The SKM publication report (JSON for the printable page, and PDF), and
results as XLSX and CSV for the people who work in spreadsheets."""

from __future__ import annotations

import functions_framework
from pydantic import BaseModel, ConfigDict, Field

from common.api.http import Api, Call, Reply, Route
from common.domain.clock import WIB
from common.domain.ikm import PERIOD_SPEC_PATTERN
from common.domain.period import Period, period_of
from common.services import results
from common.services.skm_report import SkmReport, skm_report
from common.services.surveys import months_for


class SkmQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str | None = Field(default=None, json_schema_extra={"pattern": PERIOD_SPEC_PATTERN}, description="YYYY-MM, YYYY-Qn, YYYY-Sn or YYYY; default this month")


class PeriodQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Period


def _skm(call: Call) -> SkmReport:
    label = call.query.period if call.query.period is not None else period_of(call.deps.now(), WIB)  # "" is a 422
    return skm_report(call.deps.uow, call.path["unit_id"], label, months_for(label), call.deps.now(), call.deps.settings.survey_min_respondents,
                      call.deps.settings.survey_population_basis)


def skm_json(call: Call) -> Reply:
    return Reply(_skm(call), 200, {"Cache-Control": "public, max-age=300"})


def skm_pdf(call: Call) -> Reply:
    from common.adapters.documents import skm_pdf as render

    report = _skm(call)
    name = f"SKM-{report.unit_id}-{report.period}.pdf"
    return Reply(render(report), 200, {"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "public, max-age=300"},
                 mimetype="application/pdf")


def _sheet(call: Call, rows, title: str, name: str, kind: str, summary=None) -> Reply:
    from common.adapters.documents import results_csv, results_xlsx
    from common.api.messages import with_reasons

    rows = [with_reasons(r, call.lang) for r in rows]

    if kind == "csv":
        return Reply(results_csv(rows), 200, {"Content-Disposition": f'attachment; filename="{name}.csv"'}, mimetype="text/csv")
    return Reply(results_xlsx(rows, title, summary), 200, {"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
                 mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def unit_sheet(kind: str):
    def handler(call: Call) -> Reply:
        data = results.unit_results(call.deps.uow, call.caller, call.path["unit_id"], call.query.period)
        unit = data.unit
        summary = [("Predikat unit", unit.predikat.value if unit and unit.predikat else "-"),
                   ("Tepat waktu", unit.on_time_share if unit else None), ("Rata-rata capaian", unit.mean_capaian if unit else None)]
        return _sheet(call, data.results, f"Hasil {call.path['unit_id']} {call.query.period}", f"hasil-{call.path['unit_id']}-{call.query.period}", kind, summary)

    return handler


def team_sheet(kind: str):
    def handler(call: Call) -> Reply:
        data = results.team_results(call.deps.uow, call.caller, call.query.period)
        return _sheet(call, data.results, f"Hasil tim {call.query.period}", f"hasil-tim-{call.query.period}", kind)

    return handler


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET = "Each employee: outcome, lateness, capaian, ratings, predikat and the reasons."

api = Api(
    "api_exports",
    [
        Route("GET", "/api/public/units/{unit_id}/skm", skm_json, "The SKM publication report (data)", query=SkmQuery,
              response=SkmReport, auth=False, errors=(404, 422), tags=("reports",),
              description="Respondents, NRR per unsur, IKM, mutu, the weakest unsur and the follow-up plan, for the printable page."),
        Route("GET", "/api/public/units/{unit_id}/skm.pdf", skm_pdf, "The SKM publication report (PDF)", query=SkmQuery,
              auth=False, errors=(404, 422), tags=("reports",), produces="application/pdf"),
        Route("GET", "/api/units/{unit_id}/results.xlsx", unit_sheet("xlsx"), "A unit's results as XLSX", query=PeriodQuery,
              errors=(401, 403, 404, 422), tags=("reports",), produces=XLSX, description=_SHEET),
        Route("GET", "/api/units/{unit_id}/results.csv", unit_sheet("csv"), "A unit's results as CSV", query=PeriodQuery,
              errors=(401, 403, 404, 422), tags=("reports",), produces="text/csv", description=_SHEET),
        Route("GET", "/api/team/results.xlsx", team_sheet("xlsx"), "My team's results as XLSX", query=PeriodQuery,
              errors=(401, 403, 422), tags=("reports",), produces=XLSX, description=_SHEET),
        Route("GET", "/api/team/results.csv", team_sheet("csv"), "My team's results as CSV", query=PeriodQuery,
              errors=(401, 403, 422), tags=("reports",), produces="text/csv", description=_SHEET),
    ],
)


@functions_framework.http
def api_exports(request):
    return api.handle(request)
