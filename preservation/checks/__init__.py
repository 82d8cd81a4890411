"""The 四性 check engine (DA/T 70-2018): data-driven items, one function per item, all findings.

``run_checks(ctx, tools)`` runs the catalogue items of ``ctx.stage`` on one archive version and
returns a ``CheckRun``; reports render it as JSON, HTML and a Chinese PDF; ``RunStore`` keeps
runs and the batch registration forms in the catalog database.
"""

from importlib import import_module
from typing import TYPE_CHECKING

from .registration import FORM_NAME, RegistrationEntry, RegistrationError, RegistrationForm
from .runs import RunStore, RunStoreError

if TYPE_CHECKING:
    from .context import CheckContext, CheckContextError, FileFacts
    from .engine import Check, CheckRun, ItemFinding, UnknownItemError, registry, run_checks
    from .report_pdf import ReportError, write_report_pdf
    from .reports import report_html, report_json
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


# The engine (its items, PIL, pikepdf's PDF/A reader…) and the reports load on first use: an
# ingest only registers its batch (``registration``, ``runs``), most commands never render a PDF
_LAZY = {
    "CheckContext": "context",
    "CheckContextError": "context",
    "FileFacts": "context",
    "Check": "engine",
    "CheckRun": "engine",
    "ItemFinding": "engine",
    "UnknownItemError": "engine",
    "registry": "engine",
    "run_checks": "engine",
    "report_html": "reports",
    "report_json": "reports",
    "ReportError": "report_pdf",
    "write_report_pdf": "report_pdf",
    "tool_versions": "tools",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
