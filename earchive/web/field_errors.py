"""A validation error as the person who filled the form reads it: each wrong field by its name in
the user's language (``每页条数 (size)``) and what it accepts, so the page says what to fix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from earchive.web.i18n import MESSAGES, translator

__all__ = ["field_errors"]

#: pydantic's message → what to write instead, in Chinese (the English one is kept after it).
_HINTS_ZH = (
    ("Input should be", "应为"),
    ("greater than or equal to", "不小于"),
    ("less than or equal to", "不大于"),
    ("valid integer", "整数"),
    ("String should have at most", "最多"),
    ("String should have at least", "至少"),
    ("Field required", "必填"),
    ("String should match pattern", "格式不符"),
)


def _hint_zh(message: str) -> str:
    out = message
    for english, chinese in _HINTS_ZH:
        out = out.replace(english, chinese)
    return out


def field_errors(lang: str, errors: Sequence[Mapping[str, object]]) -> str:
    """One line per wrong field: its name, then what it accepts (Chinese unless ``lang`` is
    ``en``)."""
    t = translator(lang)
    lines = []
    for error in errors:
        where = error.get("loc", ())
        loc = [str(p) for p in where] if isinstance(where, list | tuple) else []
        name = loc[-1] if loc else ""
        key = f"field_{name}"
        shown = f"{t(key)} ({name})" if key in MESSAGES else name
        message = str(error.get("msg", ""))
        if lang != "en":
            message = (
                f"{_hint_zh(message)}（{message}）" if _hint_zh(message) != message else message
            )
        lines.append(f"{shown}: {message}")
    return "；".join(lines) if lang != "en" else "; ".join(lines)
