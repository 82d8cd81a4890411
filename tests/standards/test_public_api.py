"""The public surface of ``standards`` changes only on purpose."""

from __future__ import annotations

import standards

EXPECTED = {
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
    "FormatRule",
    "IdentityFormatError",
    "MaterialRule",
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
    "formats",
    "format_policy",
    "FormatPolicy",
    "PolicyRow",
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
}


def test_all_is_exactly_the_expected_surface() -> None:
    assert set(standards.__all__) == EXPECTED
    for name in standards.__all__:
        assert getattr(standards, name) is not None
