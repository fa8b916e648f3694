"""HTTP: documents. The SKM publication report (JSON for the printable page, and PDF), and
results as XLSX and CSV for the people who work in spreadsheets."""

from __future__ import annotations

from typing import Literal

import functions_framework
from pydantic import ConfigDict, Field

from common.api.http import Api, ApiError, Call, Reply, Route
from common.domain.clock import WIB
from common.domain.ikm import PERIOD_SPEC_PATTERN
from common.domain.model import Model
from common.domain.period import Period, period_of
from common.services import results
from common.services.skm_report import SkmReport, skm_report
from common.services.surveys import months_for


class SkmQuery(Model):
    model_config = ConfigDict(extra="forbid")

    period: str | None = Field(default=None, json_schema_extra={"pattern": PERIOD_SPEC_PATTERN}, description="YYYY-MM, YYYY-Qn, YYYY-Sn or YYYY; default this month")


class PosterQuery(Model):
    model_config = ConfigDict(extra="forbid")

    kiosk: bool = Field(default=False, description="1: the code opens the kiosk mode of the form (it empties itself after each respondent)")


class PeriodQuery(Model):
    model_config = ConfigDict(extra="forbid")

    period: Period


SEPARATORS = {"semicolon": ";", "comma": ","}


class CsvQuery(PeriodQuery):
    separator: Literal["semicolon", "comma"] = Field(
        default="semicolon", description="semicolon (default): `;` with decimal commas, as Excel in the id-ID locale reads it; "
        "comma: `,` with decimal points")


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


def poster(kind: str):
    def handler(call: Call) -> Reply:
        from common.adapters.posters import poster_pdf, poster_svg
        from common.services.posters import PosterUnconfigured
        from common.services.posters import poster as make

        try:
            data = make(call.deps.uow, call.deps.settings.base_url, call.path["unit_id"], call.query.kiosk)
        except PosterUnconfigured:
            raise ApiError(503, "poster_unconfigured") from None
        name = f"poster-survei-{data.unit_id}{'-kiosk' if data.kiosk else ''}.{kind}"
        headers = {"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "public, max-age=3600"}
        if kind == "svg":  # opened on its own, an SVG is a document: it may run nothing and load nothing
            headers["Content-Security-Policy"] = "default-src 'none'"
            return Reply(poster_svg(data), 200, headers, mimetype="image/svg+xml")
        return Reply(poster_pdf(data), 200, headers, mimetype="application/pdf")

    return handler


def _sheet(call: Call, rows, title: str, name: str, kind: str, summary=None) -> Reply:
    from common.adapters.documents import results_csv, results_xlsx
    from common.api.messages import with_reasons

    rows = [with_reasons(r, call.lang) for r in rows]

    if kind == "csv":
        separator = SEPARATORS[call.query.separator]
        return Reply(results_csv(rows, separator), 200, {"Content-Disposition": f'attachment; filename="{name}.csv"'},
                     mimetype="text/csv")
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
_POSTER = ("For the office's counter, in Bahasa Indonesia: the office's name, the QR code of its survey address "
           "(PANTAU_BASE_URL/survei/{unit_id}, with ?kiosk=1 for the kiosk variant), the address written out, and a line "
           "on anonymity. 503 when the deployment has no PANTAU_BASE_URL.")
_SHEET = "Each employee: outcome, lateness, capaian, ratings, predikat and the reasons."
_CSV = (" UTF-8 with a BOM. By default `;`-separated with decimal commas (Capaian 111,1), which Excel in the id-ID locale opens "
        "as columns; separator=comma gives `,` and decimal points. "
        "The XLSX is the better choice for Excel; the CSV is for other tools.")

api = Api(
    "api_exports",
    [
        Route("GET", "/api/public/units/{unit_id}/skm", skm_json, "The SKM publication report (data)",
              operation_id="getSkmReport", query=SkmQuery,
              response=SkmReport, auth=False, errors=(404, 422), tags=("reports",),
              description="Respondents, NRR per unsur, IKM, mutu, the weakest unsur and the follow-up plan, for the printable page."),
        Route("GET", "/api/public/units/{unit_id}/skm.pdf", skm_pdf, "The SKM publication report (PDF)",
              operation_id="getSkmReportPdf", query=SkmQuery,
              auth=False, errors=(404, 422), tags=("reports",), produces="application/pdf"),
        Route("GET", "/api/public/units/{unit_id}/poster.pdf", poster("pdf"), "The QR poster of an office's survey (A4 PDF)",
              operation_id="getPosterPdf",
              query=PosterQuery, auth=False, errors=(404, 422), tags=("reports",), produces="application/pdf", description=_POSTER),
        Route("GET", "/api/public/units/{unit_id}/poster.svg", poster("svg"), "The QR poster of an office's survey (A4 SVG)",
              operation_id="getPosterSvg",
              query=PosterQuery, auth=False, errors=(404, 422), tags=("reports",), produces="image/svg+xml", description=_POSTER),
        Route("GET", "/api/units/{unit_id}/results.xlsx", unit_sheet("xlsx"), "A unit's results as XLSX",
              operation_id="getUnitResultsXlsx", query=PeriodQuery,
              errors=(401, 403, 404, 422), tags=("reports",), produces=XLSX, description=_SHEET),
        Route("GET", "/api/units/{unit_id}/results.csv", unit_sheet("csv"), "A unit's results as CSV",
              operation_id="getUnitResultsCsv", query=CsvQuery,
              errors=(401, 403, 404, 422), tags=("reports",), produces="text/csv", description=_SHEET + _CSV),
        Route("GET", "/api/team/results.xlsx", team_sheet("xlsx"), "My team's results as XLSX",
              operation_id="getTeamResultsXlsx", query=PeriodQuery,
              errors=(401, 403, 422), tags=("reports",), produces=XLSX, description=_SHEET),
        Route("GET", "/api/team/results.csv", team_sheet("csv"), "My team's results as CSV",
              operation_id="getTeamResultsCsv", query=CsvQuery,
              errors=(401, 403, 422), tags=("reports",), produces="text/csv", description=_SHEET + _CSV),
    ],
)


@functions_framework.http
def api_exports(request):
    return api.handle(request)
