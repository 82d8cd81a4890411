"""The statistics page, ``GET /api/statistics`` and the annual summary (PDF, XLSX): holdings by
year, 事项, 保管期限, 密级 and department, ingests, refusals by reason and fixity audits over time
— charts drawn on the server as SVG — over what the caller may see."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from earchive.services.statistics import GB, Statistics
from earchive.services.table_files import FORMATS, workbook_bytes
from earchive.web.annual_report import annual_pdf, annual_sections, annual_tables
from earchive.web.charts import bar_chart
from earchive.web.deps import ReportsDep, get_lang
from earchive.web.i18n import translator
from earchive.web.ui import local_time, render
from standards.findings import finding_codes

router = APIRouter()

Year = Annotated[int | None, Query(ge=1900, le=9999, description="年度 of the annual summary")]


def _charts(s: Statistics, lang: str) -> dict[str, object]:
    t = translator(lang)

    def holdings(name: str, title: str, counts: dict[str, int], limit: int = 15) -> object:
        rows = [(k, float(v)) for k, v in list(counts.items())[:limit]]
        return bar_chart(title, f"{t('stats_items')}：{sum(counts.values())}", rows, name=name)

    def reason(code: str) -> str:
        entry = finding_codes().get(code)
        words = (entry.en if lang == "en" else entry.zh) if entry else code
        return f"{words.split('：')[0].split(':')[0]} ({code})"

    fixity_rows = [(m, float(v[0])) for m, v in s.fixity_by_month.items()]
    failures = [(m, float(v[2])) for m, v in s.fixity_by_month.items()]
    return {
        "year": holdings("year", t("stats_by_year"), dict(s.by_year.counts), limit=60),
        "task": holdings("task", t("stats_by_task"), dict(s.by_task.counts)),
        "retention": holdings("retention", t("stats_by_retention"), dict(s.by_retention.counts)),
        "classification": holdings(
            "classification", t("stats_by_classification"), dict(s.by_classification.counts)
        ),
        "department": holdings(
            "department", t("stats_by_department"), dict(s.by_department.counts)
        ),
        "ingests": bar_chart(
            t("stats_ingests"), t("stats_ingests"),
            [(m, float(n)) for m, n in s.ingests_by_month.items()], name="ingests",
        ),
        "refusals": bar_chart(
            t("stats_refusals"),
            t("stats_refusals") if s.refusals_by_reason else t("stats_none"),
            [(reason(c), float(n)) for c, n in list(s.refusals_by_reason.items())[:15]],
            name="refusals", bad=True,
        ),
        "fixity": bar_chart(
            t("stats_fixity"), t("stats_runs"), fixity_rows, name="fixity",
        ),
        "fixity_failed": bar_chart(
            t("stats_failures"), t("stats_failures"), failures, name="fixity-failed", bad=True,
        ),
    }  # fmt: skip


@router.get("/statistics", response_class=HTMLResponse, include_in_schema=False)
def statistics_page(request: Request, reports: ReportsDep, year: Year = None) -> HTMLResponse:
    lang = get_lang(request)
    t = translator(lang)
    found = reports.statistics()
    chosen = year or reports.archive.clock().year
    summary = reports.annual_summary(chosen)
    return render(
        request,
        "statistics.html",
        s=found,
        gb=GB,
        charts=_charts(found, lang),
        storage_wide=reports.storage_wide,
        annual=annual_sections(summary, t, lang),
        annual_year=chosen,
    )


@router.get("/api/statistics", tags=["reports"])
def statistics_api(reports: ReportsDep, year: Year = None) -> JSONResponse:
    """Holdings by year, 事项, 保管期限, 密级 and department (件 and GB), ingests, refusals by
    reason and fixity audits per month, over the archives the caller may see; with ``year``,
    that year's annual summary too."""
    body = reports.statistics().as_dict()
    if year is not None:
        body["annual"] = reports.annual_summary(year).as_dict()
    return JSONResponse(body)


@router.get("/statistics/annual.{fmt}", include_in_schema=False)
def annual_file(
    request: Request, fmt: Literal["pdf", "xlsx"], reports: ReportsDep, year: Year = None
) -> Response:
    """The printable annual summary of ``year`` (default: this year) as PDF or XLSX."""
    lang = get_lang(request)
    t = translator(lang)
    chosen = year or reports.archive.clock().year
    summary = reports.annual_summary(chosen)
    name = quote(f"{t('stats_annual')}-{chosen}.{fmt}")
    disposition = f"filename=annual-{chosen}.{fmt}; filename*=UTF-8''{name}"
    if fmt == "pdf":
        when = local_time(reports.archive.clock())
        data = annual_pdf(summary, t, lang, reports.principal.name, when)
        return Response(data, media_type="application/pdf",
                        headers={"Content-Disposition": f"inline; {disposition}"})  # fmt: skip
    data = workbook_bytes(annual_tables(summary, t, lang))
    return Response(data, media_type=FORMATS["xlsx"],
                    headers={"Content-Disposition": f"attachment; {disposition}"})  # fmt: skip
