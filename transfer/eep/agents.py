"""业务实体块 and 机构人员实体块 out of the case's process record.

Each handling step (收件, 受理, 审核, 办结 …; names from the code table ``step_codes``) is one
业务实体 with 业务状态 ``历史行为``, done by the person who acted (机构人员类型 个人); the archiving
itself is the last one, done by the 立档单位 (单位). Departments are 内设机构; who belongs to which
is a 机构人员实体关系 (关系类型 ``隶属``). 文件标识符 names the 文件实体 by its 电子文件号.
Reads the metadata mapping; writes through an ``EepWriter``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from standards.codes import code_tables

from .entity import required
from .writer import EepWriter

__all__ = ["write_agents", "write_business"]

HISTORY = "历史行为"
BELONGS = "隶属"
UNIT_ID = "A01"


@dataclass(frozen=True)
class _Agent:
    identifier: str
    kind: str  # 单位 | 内设机构 | 个人
    name: str
    belongs_to: str = ""  # 机构人员标识符 of the department or unit


def _agents(m: Mapping[str, Any]) -> tuple[list[_Agent], dict[tuple[str, str], str]]:
    """Every agent, and the 机构人员标识符 of each (person, department) of the process."""
    unit_name = required(m, "fonds_name")
    agents = [_Agent(UNIT_ID, "单位", unit_name)]
    departments: dict[str, str] = {}
    people: dict[tuple[str, str], str] = {}
    for step in _steps(m):
        person, department = step.get("agentName", ""), step.get("department", "")
        if department and department != unit_name and department not in departments:
            departments[department] = f"A{len(agents) + 1:02d}"
            agents.append(_Agent(departments[department], "内设机构", department, UNIT_ID))
        key = (person, department)
        if key not in people:
            above = departments.get(department, UNIT_ID)
            if person:
                people[key] = f"A{len(agents) + 1:02d}"
                agents.append(_Agent(people[key], "个人", person, above))
            else:
                people[key] = above  # a step without a named person: its department acted
    return agents, people


def _steps(m: Mapping[str, Any]) -> Sequence[Mapping[str, str]]:
    return list(m.get("process") or [])


def write_business(w: EepWriter, m: Mapping[str, Any]) -> None:
    """业务实体块: one 业务实体 per handling step, then the archiving."""
    names = code_tables().step_codes
    record = required(m, "electronic_record_code")
    _agents_list, people = _agents(m)
    with w.element("业务实体块"):
        steps = _steps(m)
        for n, step in enumerate(steps, 1):
            code = step.get("activity", "")
            with w.element("业务实体"):
                w.leaf("业务标识符", f"B{n:02d}")
                w.leaf(
                    "机构人员标识符",
                    people[(step.get("agentName", ""), step.get("department", ""))],
                )
                w.leaf("文件标识符", record)
                w.leaf("业务状态", HISTORY)
                w.leaf("业务行为", names.get(code, names.get("99", "其他")))
                w.leaf("行为时间", step.get("actionTime", ""))
                opinion = step.get("actionDescription", "")
                w.leaf(
                    "行为描述", f"办理环节代码 {code}" + (f"；意见：{opinion}" if opinion else "")
                )
        with w.element("业务实体"):
            w.leaf("业务标识符", f"B{len(steps) + 1:02d}")
            w.leaf("机构人员标识符", UNIT_ID)
            w.leaf("文件标识符", record)
            w.leaf("业务状态", HISTORY)
            w.leaf("业务行为", "归档")
            w.leaf("行为时间", required(m, "ingested_at"))
            system = str(m.get("agent") or "")
            w.leaf(
                "行为描述",
                f"档号 {required(m, 'archival_code')}" + (f"，由 {system} 归档" if system else ""),
            )


def write_agents(w: EepWriter, m: Mapping[str, Any]) -> None:
    """机构人员实体块: the 立档单位, the departments and the people of the process."""
    agents, _people = _agents(m)
    with w.element("机构人员实体块"):
        for agent in agents:
            with w.element("机构人员实体"):
                w.leaf("机构人员标识符", agent.identifier)
                w.leaf("机构人员类型", agent.kind)
                w.leaf("机构人员名称", agent.name)
        for agent in agents:
            if agent.belongs_to:
                with w.element("机构人员实体关系"):
                    w.leaf("标识符", agent.identifier)
                    w.leaf("被关联标识符", agent.belongs_to)
                    w.leaf("关系类型", BELONGS)
