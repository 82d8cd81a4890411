"""Rendering the server-side UI: Jinja2 templates with the language, the user and ``t``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from earchive.auth import Permission, Principal
from earchive.web.i18n import LANGUAGES, label, translator
from ingest.casexml import DEFAULT_TZ
from standards.codes import code_tables

__all__ = ["STATIC_DIR", "TEMPLATES", "TEMPLATE_DIR", "query_string", "render", "render_error"]

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATES = Jinja2Templates(directory=str(TEMPLATE_DIR))
STATIC_DIR = Path(__file__).parent / "static"


def query_string(params: Mapping[str, object], **changes: object) -> str:
    """``params`` updated with ``changes`` as a query string, empty values left out."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in ("", None)})


def local_time(value: datetime | str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware time (or ISO string) shown in China Standard Time, like the case's own times."""
    if isinstance(value, str):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        when = value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(DEFAULT_TZ).strftime(fmt)


def sharing_name(code: str) -> str:
    """共享属性 code → its name (01 无条件共享 …), the code itself when unknown."""
    name = code_tables().sharing.get(code)
    return f"{code} {name}" if name else code


TEMPLATES.env.filters["query_string"] = query_string
TEMPLATES.env.filters["local_time"] = local_time
TEMPLATES.env.filters["sharing_name"] = sharing_name
TEMPLATES.env.globals["label"] = label


def _lang(request: Request) -> str:
    lang = request.cookies.get("lang", "zh")
    return lang if lang in LANGUAGES else "zh"


def render(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
    """Render ``name`` with ``t``, ``lang``, ``me`` (the principal or None) and ``can``."""
    lang = _lang(request)
    me: Principal | None = getattr(request.state, "principal", None)

    def can(permission: str) -> bool:
        return me is not None and me.can(Permission(permission))

    return TEMPLATES.TemplateResponse(
        request,
        name,
        {"t": translator(lang), "lang": lang, "me": me, "can": can, **context},
        status_code=status,
    )


def render_error(request: Request, status: int, title: str, detail: str) -> Response:
    """The HTML error page (used by the error table for UI paths)."""
    return render(
        request, "error.html", status=status, status_code=status, title=title, detail=detail
    )
