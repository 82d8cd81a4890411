"""Build one DA/T 48-2009 EEP (电子文件封装包, 原始型) for one archive version, and sign it.

Every file goes inside as Base64 (文档 → 文档数据 → 编码 → 编码数据); the package is written as a
stream and never held whole. ``被签名对象`` is written in its canonical form (``writer``) and its
exact bytes are hashed while they are written (SM3(Z ‖ M) for SM2, SHA-256 for ECDSA), then the
digest is signed: that is the 电子签名. ``锁定签名`` signs, the same way, the bytes of that one
电子签名 (its 被锁定签名标识符 names it). 签名规则 states both precisely; 证书块 carries the
立档单位's certificate chain (Base64 DER, the signer's first) and 签名人 its name.

Reads: the documents' streams. Writes: ``dest`` (through ``.<name>.partial`` beside it, renamed
when complete, fsync'd). Raises ``EepError``.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from package.certificates import load_certificate
from package.errors import CertificateError, KeyFormatError, PackageError
from package.signature import Signer, key_id_from_pem, message_hasher

from ..errors import EepError
from .agents import write_agents, write_business
from .common import (
    ALGORITHM_OIDS,
    EEP_VERSION,
    ORIGINAL_TYPE,
    SIGNATURE_ID,
    signature_rule,
    standard_texts,
)
from .documents import ORIGINAL_PREFIX, write_file_data
from .entity import write_description
from .source import BuiltEep, EepOptions, EepSource
from .writer import EepWriter, eep_writer

__all__ = ["build_eep"]


def _base64_lines(data: bytes) -> str:
    return "\n" + base64.encodebytes(data).decode("ascii")


def _check_options(options: EepOptions, signer: Signer) -> None:
    if options.created.tzinfo is None or options.created.utcoffset() is None:
        raise EepError("created must be timezone-aware")
    if not options.signer_name.strip() or not options.unit.strip():
        raise EepError("signer_name (签名人) and unit (封装包创建单位) are required")
    if signer.algorithm not in ALGORITHM_OIDS:
        raise EepError(f"no OID for the signature algorithm {signer.algorithm!r}")
    if not options.certificates or not all(isinstance(c, bytes) for c in options.certificates):
        raise EepError("certificates: the signer's DER certificate (then its issuers) is required")
    try:
        chain = [load_certificate(der) for der in options.certificates]
        key = key_id_from_pem(signer.algorithm, chain[0].public_key_pem)
    except (CertificateError, KeyFormatError) as exc:
        raise EepError(f"certificates: {exc}") from exc
    if key != signer.key_id:
        raise EepError("the first certificate does not hold the signing key")


def _signature_fields(
    w: EepWriter, options: EepOptions, signer: Signer, value: bytes, target: str
) -> None:
    """签名规则 … 签名算法标识 of a 电子签名 or 锁定签名."""
    w.leaf("签名规则", signature_rule(signer.algorithm, target))
    w.leaf("签名时间", options.created.isoformat())
    w.leaf("签名人", options.signer_name)
    with w.element("签名结果"):
        w.text(_base64_lines(value))
    with w.element("证书块"):
        for der in options.certificates:
            with w.element("证书"):
                w.text(_base64_lines(der))
    w.leaf("签名算法标识", ALGORITHM_OIDS[signer.algorithm])


def _write(w: EepWriter, source: EepSource, signer: Signer, options: EepOptions) -> None:
    texts = standard_texts()
    m = source.metadata
    originals = sum(d.path.startswith(ORIGINAL_PREFIX) for d in source.documents)
    with w.element("电子文件封装包", declare=True):
        w.leaf("封装包格式描述", texts.format_description)
        w.leaf("版本", EEP_VERSION)
        signed = message_hasher(signer.algorithm, signer.public_key_pem)
        with w.signed("被签名对象", signed, {"eep版本": EEP_VERSION}):
            w.leaf("封装包类型", ORIGINAL_TYPE)
            w.leaf("封装包类型描述", texts.type_description)
            w.leaf("封装包创建时间", options.created.isoformat())
            w.leaf("封装包创建单位", options.unit)
            with w.element("封装内容"):
                with w.element("文件实体块"), w.element("文件实体"):
                    write_description(w, m, options, originals)
                    write_file_data(w, source)
                write_business(w, m)
                write_agents(w, m)
        locked = message_hasher(signer.algorithm, signer.public_key_pem)
        with w.element("电子签名块"), w.signed("电子签名", locked):
            w.leaf("签名标识符", SIGNATURE_ID)
            _signature_fields(w, options, signer, signer.sign_digest(signed.digest()), "被签名对象")
        with w.element("锁定签名"):
            w.leaf("被锁定签名标识符", SIGNATURE_ID)
            _signature_fields(w, options, signer, signer.sign_digest(locked.digest()), "电子签名")


def build_eep(source: EepSource, signer: Signer, dest: Path, options: EepOptions) -> BuiltEep:
    """Write the signed EEP of ``source`` to ``dest`` (``…/<档号>.eep.xml``); return its facts.

    ``signer`` signs with the key of ``options.certificates[0]``. Raises ``EepError`` when
    ``dest`` exists, an option or a required metadata value is missing, a document cannot be
    read or differs from its recorded size or digests, or signing fails.
    """
    _check_options(options, signer)
    if dest.exists():
        raise EepError(f"EEP exists already, not overwritten: {dest.name}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        with open(partial, "wb") as out:
            with eep_writer(out) as (w, tap):
                _write(w, source, signer, options)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, dest)
    except (OSError, PackageError, EepError) as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, EepError):
            raise
        raise EepError(f"cannot write {dest.name}: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BuiltEep(dest, tap.digests(), len(source.documents))
