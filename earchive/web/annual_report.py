"""The annual summary (档案工作年报) as tables in the reader's language: on the statistics page, as
a PDF to print (``services.table_pdf``) and as an XLSX workbook (one sheet per table)."""

from __future__ import annotations

from collections.abc import Callable

from earchive.services.statistics import AnnualSummary
from earchive.services.table_files import TableFile
from earchive.services.table_pdf import Section, report_pdf
from standards.findings import finding_codes

__all__ = ["annual_pdf", "annual_sections", "annual_tables"]


def _reason(code: str, lang_zh: bool) -> str:
    entry = finding_codes().get(code)
    if entry is None:
        return code
    words = entry.zh if lang_zh else entry.en
    return f"{words.split('：')[0].split(':')[0]} ({code})"


def annual_sections(s: AnnualSummary, t: Callable[[str], str], lang: str) -> list[Section]:
    """The summary's tables, in the order the report prints them."""
    zh = lang != "en"
    items, gb = t("stats_items"), t("stats_gb")
    held = sum(r[3] for r in s.holdings)
    holdings_total = (t("plan_total"), "", "", held, round(sum(r[4] for r in s.holdings), 6))
    return [
        Section(
            t("annual_holdings"),
            (t("facet_year"), t("retention"), t("classification"), items, gb),
            (*s.holdings, holdings_total),
        ),
        Section(t("annual_ingested"), (items, gb), (s.ingested,)),
        Section(t("annual_transferred"), (items, gb), (s.transferred,)),
        Section(t("annual_receipts"), (t("receipt"), t("stats_count")), s.receipts),
        Section(
            t("annual_use"),
            (t("purpose"), t("annual_persons"), t("annual_uses")),
            tuple((p if p != "—" else t("purpose_unstated"), v, n) for p, v, n in s.use_by_purpose),
        ),
        Section(
            t("annual_appraisal"),
            (t("annual_appraised"), t("annual_destroyed")),
            ((s.appraisal_due, s.destroyed),),
        ),
        Section(
            t("annual_fixity"),
            (t("stats_runs"), t("objects"), t("stats_failures")),
            (s.fixity,),
        ),
        Section(
            t("annual_refusals"),
            (t("reasons"), t("stats_count")),
            tuple((_reason(code, zh), n) for code, n in s.refusals),
        ),
    ]


def annual_tables(s: AnnualSummary, t: Callable[[str], str], lang: str) -> list[TableFile]:
    return [TableFile(x.title, x.headers, x.rows) for x in annual_sections(s, t, lang)]


def annual_pdf(s: AnnualSummary, t: Callable[[str], str], lang: str, who: str, when: str) -> bytes:
    lines = [f"{t('stats_annual_year')}：{s.year}", f"{who} · {when}"]
    return report_pdf(
        f"{t('annual_title')} · {s.year}",
        lines,
        annual_sections(s, t, lang),
        empty=t("stats_none"),
    )
