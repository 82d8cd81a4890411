"""The 四性 check engine (DA/T 70-2018): data-driven items, one function per item, all findings.

``run_checks(ctx, tools)`` runs the catalogue items of ``ctx.stage`` on one archive version and
returns a ``CheckRun``; reports render it as JSON, HTML and a Chinese PDF; ``RunStore`` keeps
runs and the batch registration forms in the catalog database.
"""

from .context import CheckContext, CheckContextError, FileFacts
from .engine import Check, CheckRun, ItemFinding, UnknownItemError, registry, run_checks
from .registration import FORM_NAME, RegistrationEntry, RegistrationError, RegistrationForm
from .report_html import report_html, report_json
from .runs import RunStore, RunStoreError
from .tools import tool_versions

__all__ = [
    "FORM_NAME",
    "Check",
    "CheckContext",
    "CheckContextError",
    "CheckRun",
    "FileFacts",
    "ItemFinding",
    "RegistrationEntry",
    "RegistrationError",
    "RegistrationForm",
    "ReportError",
    "RunStore",
    "RunStoreError",
    "UnknownItemError",
    "registry",
    "report_html",
    "report_json",
    "run_checks",
    "tool_versions",
    "write_report_pdf",
]


def __getattr__(name: str) -> object:
    """The PDF report (reportlab) loads on first use: most commands never render one."""
    if name in ("ReportError", "write_report_pdf"):
        from . import report_pdf

        return getattr(report_pdf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
