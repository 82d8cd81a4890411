"""The printable audit report of a period (PDF): the event counts by type, outcome and actor,
the hash-chain verification, and the events themselves with Chinese labels (details masked by
the reader's role). Recorded in the event log as an export of the event list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from earchive.access.listings import Listings
from earchive.services.table_pdf import Section, report_pdf
from earchive.web.i18n import label
from earchive.web.ui import local_time
from preservation.event_query import EventFilter
from preservation.events import Event

__all__ = ["REPORT_EVENTS", "audit_report_pdf", "event_cells"]

#: The most events the report lists one by one (the counts cover them all).
REPORT_EVENTS = 2000


def event_cells(t: Callable[[str], str]) -> Callable[[Event], tuple[str | int | None, ...]]:
    """One event as a row of the event list (page exports and the report): labels in the
    reader's language, details as "key：value" pairs."""

    def cells(e: Event) -> tuple[str | int | None, ...]:
        detail = "；".join(
            f"{label(t, 'detail', k)}：{label(t, 'mode', str(v)) if k == 'mode' else v}"
            for k, v in e.detail.items()
        )
        return (
            e.seq,
            local_time(e.at, "%Y-%m-%d %H:%M:%S"),
            e.agent,
            label(t, "action", e.action),
            e.object,
            label(t, "outcome", e.outcome),
            detail,
        )

    return cells


def audit_report_pdf(
    access: Listings,
    chosen: EventFilter,
    since: date | None,
    until: date | None,
    t: Callable[[str], str],
) -> bytes:
    headers = ("seq", "time", "agent", "action", "object", "outcome", "detail")

    table = access.events_table(chosen, "seq", "pdf", [t(h) for h in headers], event_cells(t))
    actions = Counter(str(r[3]) for r in table.rows)
    outcomes = Counter(str(r[5]) for r in table.rows)
    agents = Counter(str(r[2]) for r in table.rows)
    chain = access.verify_events()
    broken = [f for f in chain if f.status.value == "FAIL"]
    period = f"{since or '…'} — {until or '…'}"
    lines = [
        f"{t('audit_report_range')}：{period}",
        f"{t('events_total')}：{len(table.rows)}",
        f"{t('chain')}：{t('checks_failed') if broken else t('checks_ok')}",
        f"{t('agent')}：{access.principal.name} · {local_time(access.archive.clock())}",
    ]

    def counted(counter: Counter[str], title: str, head: str) -> Section:
        rows = tuple((k, n) for k, n in counter.most_common())
        return Section(title, (head, t("stats_count")), rows)

    sections = [
        counted(actions, t("by_action"), t("action")),
        counted(outcomes, t("by_outcome"), t("outcome")),
        counted(agents, t("agent"), t("agent")),
        Section(
            t("chain"),
            (t("outcome"), "code", t("detail")),
            tuple((f.status.value, f.code, f.message) for f in chain),
        ),
        Section(
            t("event_log"),
            table.headers,
            table.rows[:REPORT_EVENTS],
            note=f"{len(table.rows)} > {REPORT_EVENTS}" if len(table.rows) > REPORT_EVENTS else "",
        ),
    ]
    return report_pdf(t("audit_report_title"), lines, sections, wide=True, empty=t("stats_none"))
