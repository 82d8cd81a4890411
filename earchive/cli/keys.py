"""``earchive keys import|list|trust|roots``: the signing identities of the archive and its
立档单位, and the trust roots signatures are judged by.

``import OWNER`` (``archive`` or a 全宗号) takes a CA-issued certificate and its private key —
``--cert`` and ``--key`` PEM files, or ``--p12`` with its password in the environment variable
``--p12-password-env`` names — checks that they belong together and that the certificate is
valid now, stores the key encrypted (``EARCHIVE_KEY_PASSPHRASE``) and shows the subject. Keys
are never exported. ``trust CERT…`` adds CA certificates (PEM) to the trust store that seal,
signature and transfer-package checks use (a bureau adds the CA that certifies the 移交单位 it
receives from); ``roots`` lists them. Exit codes: 0 done, 2 refused (usage or configuration).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from earchive.cli.support import Commands, JsonOpt, UsageError, emit, initialised, out
from package.certificates import certificates_in, load_certificate
from package.errors import CertificateError

if TYPE_CHECKING:
    from earchive.core.keyring import IdentityInfo

__all__ = ["register"]

keys_app = Commands(no_args_is_help=True, help="Signing identities: certificates and their keys.")


def _show(info: IdentityInfo, as_json: bool) -> None:
    row = {
        "owner": info.owner,
        "subject": info.subject,
        "issuer": info.issuer,
        "serial": str(info.serial),
        "not_before": info.not_before.isoformat(),
        "not_after": info.not_after.isoformat(),
        "chain": info.chain,
    }
    if as_json:
        emit(row)
    else:
        out.print(
            f"{info.owner}: {info.subject} (issuer {info.issuer}; valid "
            f"{info.not_before:%Y-%m-%d} to {info.not_after:%Y-%m-%d}; chain {info.chain})"
        )


@keys_app.command("import")
def import_cmd(
    owner: Annotated[str, typer.Argument(help="archive, or the 全宗号 of a 立档单位.")],
    cert: Annotated[
        Path | None, typer.Option(help="Certificate chain (PEM), the holder's first.")
    ] = None,
    key: Annotated[Path | None, typer.Option(help="Its private key (PKCS#8 PEM).")] = None,
    p12: Annotated[Path | None, typer.Option(help="A PKCS#12 bundle instead.")] = None,
    p12_password_env: Annotated[
        str, typer.Option(help="Environment variable holding the bundle's password.")
    ] = "EARCHIVE_P12_PASSWORD",
    as_json: JsonOpt = False,
) -> None:
    """Import a CA-issued certificate and its key (stored encrypted, never exported)."""
    from earchive.services.keys import import_identity, read_pkcs12

    archive = initialised()
    if p12 is not None:
        certs, private = read_pkcs12(p12, os.environ.get(p12_password_env, ""))
    elif cert is not None and key is not None:
        certs, private = cert.read_bytes(), key.read_bytes()
    else:
        raise UsageError("give --cert and --key, or --p12")
    _show(import_identity(archive, owner, certs, private, archive.settings.agent), as_json)


@keys_app.command("list")
def list_cmd(as_json: JsonOpt = False) -> None:
    """The imported identities (certificates only)."""
    keyring = initialised().keyring
    for owner in keyring.owners():
        info = keyring.info(owner)
        if info is not None:
            _show(info, as_json)


@keys_app.command("trust")
def trust_cmd(
    certs: Annotated[list[Path], typer.Argument(help="CA certificates (PEM).")],
    as_json: JsonOpt = False,
) -> None:
    """Add trust roots (certificates only; a file with a private key is refused)."""
    archive = initialised()
    for cert in certs:
        try:
            certificates_in(cert.read_bytes())
        except (OSError, CertificateError) as exc:
            raise UsageError(f"cannot read {cert}: {exc}") from exc
    for path in archive.trust(certs):
        _root(path.name, path.read_bytes(), as_json)


@keys_app.command("roots")
def roots_cmd(as_json: JsonOpt = False) -> None:
    """The trust roots: subject and validity of each."""
    archive = initialised()
    folder = archive.settings.trust_path
    for path in sorted(folder.glob("*.pem")) if folder.is_dir() else ():
        _root(path.name, path.read_bytes(), as_json)


def _root(name: str, data: bytes, as_json: bool) -> None:
    for der in certificates_in(data):
        try:
            cert = load_certificate(der)
        except CertificateError as exc:
            out.print(f"{name}: unreadable ({exc})")
            continue
        row = {
            "file": name,
            "subject": cert.subject,
            "not_before": cert.not_before.isoformat(),
            "not_after": cert.not_after.isoformat(),
        }
        if as_json:
            emit(row)
        else:
            out.print(
                f"{name}: {cert.subject} (valid {cert.not_before:%Y-%m-%d} to "
                f"{cert.not_after:%Y-%m-%d})"
            )


def register(app: typer.Typer) -> None:
    """Add ``keys`` to the ``earchive`` command line."""
    app.add_typer(keys_app, name="keys")
