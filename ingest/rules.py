"""Semantic rules of the case package contract: what XML Schema 1.0 cannot say.

Reads: the parsed ``CaseRecord``, the files under ``root`` (listing; measuring those not in
``measured``) and the code tables of ``standards``. Writes: nothing. Raises: nothing for bad
input; every problem is a finding (FAIL refuses, WARN does not).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path

from ingest.measure import PACKAGE_FOLDERS, Measured, MeasureError, list_files, measure
from preservation.formats import declared_matches
from standards.case import CaseRecord, FileEntry
from standards.codes import code_tables, find_task, formats, material_rules
from standards.digits import is_ascii_digits
from standards.errors import UnsafePathError
from standards.finding import Finding, Status
from standards.findings import make
from standards.identity import is_valid_resident_id, is_valid_uscc
from standards.paths import check_relative_path

__all__ = ["check_case"]

_RESULT_GRANTED = "准予"
_STEP_RECEIVE, _STEP_TRANSACT = "2", "4"
# Steps that may happen before 受理: 收件, 补齐补正 (补正 before acceptance), 挂起, 其他.
_STEPS_BEFORE_RECEIVE_OK = frozenset({"1", "11", "12", "99"})


def check_case(
    case: CaseRecord,
    root: Path,
    measured: Mapping[str, Measured],
    package_name: str | None = None,
) -> tuple[Finding, ...]:
    """Run every semantic rule on a schema-valid case and return all findings.

    ``measured`` holds measurements by relative path (``ingest.measure.measure_all``); any
    declared file on disk that is missing from it is measured here. ``package_name`` is the
    ZIP stem or directory name, None to skip that rule.
    """
    findings: list[Finding] = []
    if package_name is not None and package_name != case.electronic_record_code:
        findings.append(
            make("PKG_NAME_MISMATCH", expected=case.electronic_record_code, found=package_name)
        )
    findings.extend(_policy(case))
    findings.extend(_applicant(case))
    findings.extend(_times(case))
    findings.extend(_steps(case))
    findings.extend(_files(case, root, measured))
    findings.extend(_materials(case))
    return tuple(findings)


def _policy(case: CaseRecord) -> Iterator[Finding]:
    tables = code_tables()
    if case.security_classification in tables.security_refused:
        yield make(
            "SECURITY_REFUSED",
            found=case.security_classification,
            level=case.security_classification,
        )
    task = find_task(case.task_code)
    if task is None:
        yield make("TASK_UNKNOWN", found=case.task_code, task=case.task_code)
        return
    if case.result == _RESULT_GRANTED and task.issues_licence and case.result_certificate is None:
        yield make("CERTIFICATE_REQUIRED", expected=task.licence_type, task=case.task_code)


def _id_kind(id_type: str, applicant_type: str, number: str) -> str | None:
    if "身份证" in id_type:
        return "resident ID"
    if "统一社会信用代码" in id_type or id_type.upper() == "USCC":
        return "unified social credit code"
    if len(number) != 18:
        return None
    if applicant_type == "自然人" and is_ascii_digits(number[:17]):
        return "resident ID"
    if applicant_type in ("法人", "其他组织"):
        return "unified social credit code"
    return None


def _applicant(case: CaseRecord) -> Iterator[Finding]:
    person = case.applicant
    kind = _id_kind(person.id_type, person.type, person.id_number)
    if kind is None:
        return
    valid = is_valid_resident_id if kind == "resident ID" else is_valid_uscc
    if not valid(person.id_number):
        yield make("ID_NUMBER_INVALID", found=person.id_number, kind=kind, number=person.id_number)


def _times(case: CaseRecord) -> Iterator[Finding]:
    if case.transact_time < case.receive_time:
        yield make(
            "TIME_ORDER",
            expected=case.receive_time.isoformat(),
            found=case.transact_time.isoformat(),
        )
    if case.submitted_at < case.transact_time:
        yield make(
            "SUBMITTED_BEFORE_TRANSACT",
            expected=case.transact_time.isoformat(),
            found=case.submitted_at.isoformat(),
        )
    for step in case.process:
        early = step.time < case.receive_time and step.code not in _STEPS_BEFORE_RECEIVE_OK
        if early or step.time > case.transact_time:
            yield make("STEP_TIME_OUTSIDE", step=step.code, time=step.time.isoformat())


def _steps(case: CaseRecord) -> Iterator[Finding]:
    names = code_tables().step_codes
    codes = [step.code for step in case.process]
    for required in code_tables().required_steps:
        if required not in codes:
            yield make("STEP_REQUIRED_MISSING", step=required, name=names.get(required, ""))
    for before, after in zip(case.process, case.process[1:], strict=False):
        if after.time < before.time:
            yield make(
                "STEP_ORDER",
                detail=f"step {after.code} at {after.time.isoformat()} follows "
                f"step {before.code} at {before.time.isoformat()}",
            )
    receive = [s.time for s in case.process if s.code == _STEP_RECEIVE]
    transact = [s.time for s in case.process if s.code == _STEP_TRANSACT]
    if receive and transact and max(transact) < min(receive):
        last, first = max(transact).isoformat(), min(receive).isoformat()
        yield make("STEP_ORDER", detail=f"办结 at {last} precedes 受理 at {first}")


def _declared_path_problem(entry: FileEntry) -> str | None:
    try:
        check_relative_path(entry.path)
    except UnsafePathError as exc:
        return exc.reason
    if entry.path.endswith("/"):
        return "directory, not a file"
    if entry.path.split("/", 1)[0] not in PACKAGE_FOLDERS:
        return "not under A/, B/ or C/"
    return None


def _files(case: CaseRecord, root: Path, measured: Mapping[str, Measured]) -> Iterator[Finding]:
    on_disk = list_files(root)
    counts = Counter(entry.path for entry in case.files)
    if not case.declared_file_count == len(case.files) == len(on_disk):
        yield make(
            "FILE_COUNT_MISMATCH",
            expected=str(case.declared_file_count),
            found=str(len(on_disk)),
            declared=case.declared_file_count,
            listed=len(case.files),
            on_disk=len(on_disk),
        )
    for path, count in sorted(counts.items()):
        if count > 1:
            yield make("DUPLICATE_PATH", path=path, found=str(count))
    present = set(on_disk)
    for path in on_disk:
        if path not in counts:
            yield make("FILE_UNDECLARED", path=path)
    seen: set[str] = set()
    for entry in case.files:
        if entry.path in seen:
            continue
        seen.add(entry.path)
        problem = _declared_path_problem(entry)
        if problem is not None:
            yield make("FILE_PATH_INVALID", path=entry.path, reason=problem)
            continue
        folder = entry.path.split("/", 1)[0]
        if entry.material_code[:1] != folder:
            yield make(
                "MATERIAL_FOLDER_MISMATCH",
                path=entry.path,
                expected=folder,
                found=entry.material_code,
                material=entry.material_code,
                folder=folder,
            )
        if entry.path not in present:
            yield make("FILE_MISSING", path=entry.path)
            continue
        found = measured.get(entry.path)
        if found is None:
            try:
                found = measure(root, entry.path)
            except MeasureError as exc:
                yield make("PKG_UNREADABLE", path=entry.path, error=str(exc))
                continue
        yield from _measured(entry, found)


def _measured(entry: FileEntry, found: Measured) -> Iterator[Finding]:
    if found.size == 0:
        yield make("FILE_EMPTY", path=entry.path, expected=str(entry.size), found="0")
    if found.size != entry.size:
        yield make(
            "FILE_SIZE_MISMATCH", path=entry.path, expected=str(entry.size), found=str(found.size)
        )
    if found.sm3 != entry.sm3.lower():
        yield make("FILE_SM3_MISMATCH", path=entry.path, expected=entry.sm3, found=found.sm3)
    if entry.sha256 and found.sha256 != entry.sha256.lower():
        yield make(
            "FILE_SHA256_MISMATCH", path=entry.path, expected=entry.sha256, found=found.sha256
        )
    if found.size == 0:
        return
    accepted = {rule.family for rule in formats().values()}
    if found.format.family not in accepted:
        yield make(
            "FILE_FORMAT_UNACCEPTED",
            path=entry.path,
            expected=entry.format,
            found=found.format.name,
            format=found.format.name,
            tool="preservation.formats",
        )
    elif not declared_matches(entry.format, found.format):
        yield make(
            "FILE_FORMAT_MISMATCH",
            path=entry.path,
            expected=entry.format,
            found=found.format.name,
            tool="preservation.formats",
        )


def _materials(case: CaseRecord) -> Iterator[Finding]:
    present = {entry.material_code for entry in case.files}
    for rule in material_rules(case.task_code):
        if rule.required_for(case.result) and rule.material_code not in present:
            yield make(
                "MATERIAL_REQUIRED_MISSING",
                Status.WARN,
                expected=rule.material_code,
                material=rule.material_code,
                title=rule.title,
                task=case.task_code,
            )
