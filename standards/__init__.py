"""The codified standards: code tables, schemas, finding codes, 档号 and retention rules.

Pure data and small functions; the only I/O is reading ``standards/data``.
"""

from standards.archival_code import (
    ArchivalCodeParts,
    ArchivalCodeRule,
    class_key,
    format_code,
    is_well_formed,
    parse_code,
)
from standards.case import Applicant, CaseRecord, Certificate, FileEntry, Step
from standards.codes import (
    CodeTables,
    FormatRule,
    MaterialRule,
    TaskItem,
    code_tables,
    find_task,
    formats,
    material_rules,
    tasks,
)
from standards.errors import (
    ArchivalCodeError,
    DataFileError,
    FindingTemplateError,
    IdentityFormatError,
    RetentionTableError,
    StandardsError,
    UnknownFindingCodeError,
    UnsafePathError,
)
from standards.finding import Finding, Status, any_failed
from standards.findings import FindingCode, finding_code, finding_codes, make
from standards.format_policy import FormatPolicy, PolicyRow, format_policy
from standards.identity import (
    is_valid_resident_id,
    is_valid_uscc,
    resident_id_check_char,
    uscc_check_char,
)
from standards.paths import check_relative_path
from standards.retention import RetentionDecision, RetentionRule, RetentionTable, retention_years
from standards.schemas import CASE_NAMESPACE, case_schema, load_schema, schema_path

__all__ = [
    "CASE_NAMESPACE",
    "Applicant",
    "ArchivalCodeError",
    "ArchivalCodeParts",
    "ArchivalCodeRule",
    "CaseRecord",
    "Certificate",
    "CodeTables",
    "DataFileError",
    "FileEntry",
    "Finding",
    "FindingCode",
    "FindingTemplateError",
    "FormatPolicy",
    "FormatRule",
    "IdentityFormatError",
    "MaterialRule",
    "PolicyRow",
    "RetentionDecision",
    "RetentionRule",
    "RetentionTable",
    "RetentionTableError",
    "StandardsError",
    "Status",
    "Step",
    "TaskItem",
    "UnknownFindingCodeError",
    "UnsafePathError",
    "any_failed",
    "case_schema",
    "check_relative_path",
    "class_key",
    "code_tables",
    "find_task",
    "finding_code",
    "finding_codes",
    "format_code",
    "format_policy",
    "formats",
    "is_valid_resident_id",
    "is_valid_uscc",
    "is_well_formed",
    "load_schema",
    "make",
    "material_rules",
    "parse_code",
    "resident_id_check_char",
    "retention_years",
    "schema_path",
    "tasks",
    "uscc_check_char",
]
