"""The signatures and seals found in a file — PDF signatures (read with pyHanko) and OFD seals
and signatures (``seals.facts``) — as the DA/T 46 电子签名 groups the archival metadata records.

Read, not judged: validity, trust and coverage are the 四性 checks' business. Reads the file;
writes nothing; never raises (an unreadable signature is left out and the checks report it).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from package.certificates import holder_name
from package.metadata import SignatureFacts

from .seals.facts import ofd_signature_facts

__all__ = ["signature_facts"]

_PDF_ERRORS = (PdfError, ValueError, KeyError, IndexError, TypeError, OSError, EOFError)


def _pdf(path: Path) -> tuple[SignatureFacts, ...]:
    data = path.read_bytes()
    if b"/ByteRange" not in data:  # no signature dictionary: nothing to parse
        return ()
    found = []
    with warnings.catch_warnings(), path.open("rb") as fh:
        warnings.simplefilter("ignore")
        reader = PdfFileReader(fh, strict=False)
        for embedded in reader.embedded_signatures:
            try:
                der = embedded.signer_cert.dump()
                info = embedded.signer_info
                subfilter = str(embedded.sig_object.get("/SubFilter", "")).lstrip("/")
                found.append(
                    SignatureFacts(
                        rule=f"PDF 数字签名（{subfilter}），签名域 {embedded.field_name}",
                        signed_at=embedded.self_reported_timestamp,
                        signer=holder_name(der),
                        value=bytes(info["signature"].native),
                        certificate=der,
                        reference=f"{embedded.signer_cert.issuer.human_friendly}; serial "
                        f"{embedded.signer_cert.serial_number}",
                        algorithm=info["signature_algorithm"]["algorithm"].dotted,
                    )
                )
            except _PDF_ERRORS:
                continue
    return tuple(found)


def signature_facts(path: Path, file_format: str) -> tuple[SignatureFacts, ...]:
    """Every readable signature or seal of the file at ``path`` (its declared ``file_format``
    or its suffix decides how it is read); empty for other formats."""
    kind = file_format.upper()
    try:
        if kind == "OFD" or path.suffix.lower() == ".ofd":
            return ofd_signature_facts(path)
        if kind.startswith("PDF") or path.suffix.lower() == ".pdf":
            return _pdf(path)
    except _PDF_ERRORS:
        return ()
    except Exception:  # a hostile file must not stop the archiving of the rest
        return ()
    return ()
