"""Code tables loaded from standards/data."""

from __future__ import annotations

from standards.codes import code_tables, find_task, formats, material_rules, tasks


def test_tasks_and_licences() -> None:
    assert len(tasks()) == 7
    item = find_task("QY-SL-001")
    assert item is not None and item.issues_licence and item.licence_type == "营业执照"
    social = find_task("SB-CB-007")
    assert social is not None and not social.issues_licence
    assert find_task("NOPE") is None


def test_material_rules_by_result() -> None:
    rules = {r.material_code: r for r in material_rules("QY-SL-001")}
    assert rules["A1"].required_for("不予")
    assert rules["C2"].required_for("准予") and not rules["C2"].required_for("不予")
    assert material_rules("NOPE") == ()


def test_contract_enumerations() -> None:
    tables = code_tables()
    assert tables.step_codes["2"] == "受理" and tables.step_codes["4"] == "办结"
    assert tables.required_steps == ("2", "4")
    assert tables.process_materials["B14"] == "不予许可通知书"
    assert tables.security_allowed == ("公开", "内部", "秘密")
    assert tables.security_refused == ("机密", "绝密")
    assert set(tables.sharing) == {"01", "02", "03"}
    assert list(tables.folders) == ["A", "B", "C"]
    assert len(tables.task_types) == 7 and "公共服务" in tables.task_types
    assert tables.results == ("准予", "不予", "退回", "撤回", "其他")


def test_formats() -> None:
    table = formats()
    archival = {"PDF", "PDF/A-1b", "PDF/A-2b", "OFD", "JPEG", "TIFF", "PNG", "XML"}
    office = {"DOC", "DOCX", "WPS", "RTF", "XLS", "XLSX", "ET"}  # the contract's extension
    assert set(table) == archival | office
    assert not any(table[name].long_term for name in office)
    assert table["PDF/A-2b"].long_term and table["PDF/A-2b"].family == "PDF"
    assert not table["PDF"].long_term
