"""Case packages of one applicant in several fonds and years (for identity-key tests)."""

from __future__ import annotations

from pathlib import Path

from standards.identity import resident_id_check_char
from tests.ingest.case_package_builder import CasePackage


def resident_id(body: str) -> str:
    """``body`` (17 digits) with its check character."""
    return body + resident_id_check_char(body)


def resident_id_ending_in_x(prefix: str = "31011519850101") -> str:
    """A valid resident ID whose check character is ``X`` (to exercise normalisation)."""
    for serial in range(1000):
        number = resident_id(f"{prefix}{serial:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no serial gives an X check character")


def person_package(
    dest: Path,
    *,
    fonds: str,
    year: int,
    serial: int,
    name: str,
    id_number: str,
    applicant_type: str = "自然人",
    id_type: str = "居民身份证",
    classification: str = "公开",
    certificate: dict[str, str] | None = None,
) -> Path:
    """A ZIP case package of ``name`` (``id_number``) archived in ``fonds`` for ``year``."""
    pkg = CasePackage()
    fields = pkg.fields
    fields["electronic_record_code"] = f"310115-{fonds}-SBCB-{year}-{serial:06d}"
    fields["fonds_identifier"] = fonds
    fields["project_name"] = f"{name}社会保险参保登记"
    fields["applicant"] = {
        "name": name,
        "type": applicant_type,
        "id_type": id_type,
        "id_number": id_number,
        "address": "上海市浦江区某路2号",
    }
    for key in ("receive_time", "transact_time", "submitted_at"):
        fields[key] = fields[key].replace("2024", str(year))
    for step in fields["process"]:
        step["time"] = step["time"].replace("2024", str(year))
    fields["security_classification"] = classification
    fields["result_certificate"] = certificate
    dest.mkdir(parents=True, exist_ok=True)
    return pkg.write_zip(dest)
