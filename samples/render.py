"""Rendering one case to a folder: every file of its plan, then ``case.xml``.

Writes ``<root>/A|B|C/…`` and ``<root>/case.xml``; sizes and digests in ``case.xml`` are
measured from the files as written (signed PDFs after signing).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from package.digest import Digests, digest_file
from preservation.fonts import CjkFont, reportlab_font_name
from standards.case import CaseRecord

from .casexml import case_record, case_xml
from .dataxml import render_xml
from .documents import render_pdf
from .licence_ofd import OfdLicenceSealer
from .office import OFFICE_FORMATS, render_office
from .plan import CasePlan, FileSpec
from .profile import SizeProfile
from .scans import render_jpeg
from .seal_authority import PdfSealer, SealAuthority
from .sm2_authority import Sm2SealAuthority

__all__ = ["CaseRenderer"]

FOLDERS = ("A", "B", "C")


@dataclass
class CaseRenderer:
    """Renders cases with one font, size profile and the seal authorities (ECDSA for PDFs, SM2
    for OFD licences); reuse it for many cases."""

    font: CjkFont
    profile: SizeProfile
    authority: SealAuthority
    sm2_authority: Sm2SealAuthority
    _sealer: PdfSealer = field(init=False)
    _ofd_sealer: OfdLicenceSealer = field(init=False)
    _font_name: str = field(init=False)

    def __post_init__(self) -> None:
        self._sealer = PdfSealer(self.authority, self.font)
        self._ofd_sealer = OfdLicenceSealer(self.sm2_authority, self.font)
        self._font_name = reportlab_font_name(self.font)

    def render_file(self, plan: CasePlan, spec: FileSpec) -> bytes:
        """The final bytes of one file (signing, when the file is sealed, is the last step)."""
        rng = random.Random(f"{plan.file_seed}/{spec.path}")
        if spec.format == "JPEG":
            return render_jpeg(self.font, plan, spec, rng, self.profile)
        if spec.format == "XML":
            return render_xml(plan, spec, rng)
        if spec.format == "OFD":
            return self._ofd_sealer.render(plan, spec)
        if spec.format in OFFICE_FORMATS:
            return render_office(plan, spec)
        data, seal = render_pdf(self._font_name, plan, spec, rng, self.profile)
        if spec.sealed_by and seal is not None:
            data = self._sealer.sign(data, spec.sealed_by, seal, spec.title, spec.created)
        return data

    def write_case(self, plan: CasePlan, root: Path) -> CaseRecord:
        """Write the case into the empty or missing folder ``root``; return its record."""
        for folder in FOLDERS:
            (root / folder).mkdir(parents=True, exist_ok=True)
        measured: dict[str, Digests] = {}
        for spec in plan.files:
            target = root / spec.path
            target.write_bytes(self.render_file(plan, spec))
            measured[spec.path] = digest_file(target)
        record = case_record(plan, measured)
        (root / "case.xml").write_bytes(case_xml(record))
        return record
