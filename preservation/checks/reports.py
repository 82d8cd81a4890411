"""四性检测报告 as JSON and HTML: a summary, per-item status and evidence, who, when, tools.

One report covers one run (an archive) or several (a batch); the registration forms of the
batch are rendered as a table. Reads/writes: nothing (returns text).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from standards.dat70 import dat70_items

from .engine import CheckRun
from .registration import FORM_NAME, RegistrationForm

__all__ = ["STATUS_ZH", "report_html", "report_json"]

STATUS_ZH = {
    "PASS": "通过",
    "FAIL": "不通过",
    "WARN": "警告",
    "MANUAL_REVIEW": "需人工检测",
    "NOT_APPLICABLE": "不适用",
}
STAGE_ZH = {"GD": "归档", "YJ": "移交与接收", "BC": "长期保存"}


def report_json(
    runs: Sequence[CheckRun], forms: Sequence[RegistrationForm] = (), *, who: str = ""
) -> str:
    body = {
        "title": "电子档案四性检测报告",
        "who": who,
        "runs": [run.as_dict() for run in runs],
        "registration_forms": [form.as_dict() for form in forms],
        "summary": _totals(runs),
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def _totals(runs: Sequence[CheckRun]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for run in runs:
        for status, n in run.summary().items():
            totals[status] = totals.get(status, 0) + n
    totals["archives"] = len(runs)
    totals["failed_archives"] = sum(1 for r in runs if r.failed)
    return totals


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], cls: str = "") -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _run_html(run: CheckRun) -> str:
    items = dat70_items()
    worst = run.item_status()
    summary = ", ".join(f"{STATUS_ZH[k]} {v}" for k, v in run.summary().items() if v)
    rows = []
    for r in run.results:
        f = r.finding
        evidence = "; ".join(
            part
            for part in (
                f"期望 {f.expected}" if f.expected else "",
                f"实际 {f.found}" if f.found else "",
                f.path,
            )
            if part
        )
        name = items[r.item].name_zh if r.item in items else ""
        rows.append(
            (
                r.item,
                name,
                STATUS_ZH[worst[r.item].value],
                f.code,
                STATUS_ZH[f.status.value],
                f.detail.get("zh", f.message),
                evidence,
                f.tool,
            )
        )
    head = ("检测项", "名称", "项结论", "结果代码", "状态", "说明", "证据", "工具")
    tools = "; ".join(f"{k} {v}" for k, v in run.tools.items())
    return (
        f"<section><h2>{escape(run.archive_id)} — {STAGE_ZH.get(run.stage, run.stage)}检测"
        f"（{escape(run.stage)}，版本 v{run.version}）</h2>"
        f"<p>检测时间：{escape(run.started.isoformat())} 至 {escape(run.finished.isoformat())}；"
        f"检测人/系统：{escape(run.agent)}</p>"
        f"<p>结论：{'不通过' if run.failed else '未发现不通过项'}"
        f"（{escape(summary)}）</p><p class=tools>工具版本：{escape(tools)}</p>"
        + _table(head, rows, "findings")
        + "</section>"
    )


def _form_html(form: RegistrationForm) -> str:
    head = ("序号", "档号", "题名", "版本", "文件数", "字节数")
    return (
        f"<section><h2>{escape(FORM_NAME)}（批次 {escape(form.batch_id)}）</h2>"
        f"<p>归档单位：{escape(form.unit)}；归档时间：{escape(form.created_at.isoformat())}；"
        f"载体：{escape(form.carrier)}；合计 {len(form.entries)} 件，{form.total_files} 个文件，"
        f"{form.total_bytes} 字节（{form.total_bytes / 1e9:.3f} GB）</p>"
        + _table(head, form.rows(), "form")
        + "</section>"
    )


def report_html(
    runs: Sequence[CheckRun], forms: Sequence[RegistrationForm] = (), *, who: str = ""
) -> str:
    totals = _totals(runs)
    summary = "，".join(f"{STATUS_ZH[k]} {v}" for k, v in totals.items() if k in STATUS_ZH and v)
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #999;padding:2px 4px;font-size:12px;vertical-align:top}"
        "th{background:#eee}"
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>电子档案四性检测报告</title><style>{style}</style></head><body>"
        f"<h1>电子档案四性检测报告</h1><p>检测对象：{totals['archives']} 件档案，"
        f"其中 {totals['failed_archives']} 件有不通过项；结果：{escape(summary)}</p>"
        f"<p>报告人：{escape(who)}</p>"
        + "".join(_form_html(f) for f in forms)
        + "".join(_run_html(r) for r in runs)
        + "</body></html>\n"
    )
