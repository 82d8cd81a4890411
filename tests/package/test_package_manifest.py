"""manifest.txt format (strict parser, comparison) and the manifest signature record."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from package import (
    Digests,
    ManifestDifference,
    ManifestError,
    SignatureError,
    Signer,
    check_signature,
    compare_manifests,
    digest_bytes,
    manifest_bytes,
    parse_manifest,
    parse_signature,
    sign_manifest,
    signature_json,
)

WHEN = datetime(2024, 5, 10, 12, 0, tzinfo=timezone(timedelta(hours=8)))
FILES = {
    "original/case.xml": digest_bytes(b"<case/>"),
    "original/A/申请表.pdf": digest_bytes(b"%PDF a"),
    "metadata/archival.xml": digest_bytes(b"<x/>"),
}


def test_format_is_exact() -> None:
    data = manifest_bytes(FILES)
    lines = data.decode("utf-8").split("\n")
    assert lines[-1] == ""
    paths = [line.split("  ")[3] for line in lines[:-1]]
    assert paths == sorted(FILES)
    d = FILES["original/case.xml"]
    assert f"{d.sm3}  {d.sha256}  {d.size}  original/case.xml\n".encode() in data


def test_round_trip() -> None:
    assert parse_manifest(manifest_bytes(FILES)) == FILES


safe_names = st.text(
    alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters="-_."),
    min_size=1,
    max_size=12,
).filter(lambda s: s not in (".", "..") and s.strip(".") != "")


@given(
    st.dictionaries(
        st.lists(safe_names, min_size=1, max_size=3).map("/".join),
        st.binary(max_size=64),
        min_size=1,
        max_size=8,
    )
)
def test_round_trip_property(contents: dict[str, bytes]) -> None:
    import unicodedata

    files = {}
    for path, data in contents.items():
        if unicodedata.normalize("NFC", path) != path:
            return
        if unicodedata.normalize("NFKC", path) != path:
            return
        files[path] = digest_bytes(data)
    assert parse_manifest(manifest_bytes(files)) == files


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b: b[:-1],  # no final newline
        lambda b: b"\xef\xbb\xbf" + b,  # BOM
        lambda b: b.replace(b"\n", b"\r\n"),
        lambda b: b.replace(b"  ", b" ", 1),
        lambda b: b.upper(),
        lambda b: b + b.split(b"\n")[0] + b"\n",  # duplicate / out of order
        lambda b: b"\n".join(reversed(b.rstrip(b"\n").split(b"\n"))) + b"\n",
        lambda b: b.replace(b"original/case.xml", b"../case.xml"),
        lambda b: b"\xff" + b,
    ],
)
def test_strict_parser_refuses(mutate: object) -> None:
    assert callable(mutate)
    with pytest.raises(ManifestError):
        parse_manifest(mutate(manifest_bytes(FILES)))


def test_manifest_cannot_list_itself() -> None:
    with pytest.raises(ManifestError):
        manifest_bytes({"metadata/manifest.txt": digest_bytes(b"")})


def test_compare_reports_each_difference() -> None:
    found = dict(FILES)
    del found["original/case.xml"]
    found["extra.txt"] = digest_bytes(b"x")
    old = FILES["original/A/申请表.pdf"]
    found["original/A/申请表.pdf"] = Digests(old.sm3, "0" * 64, old.size)
    diffs = compare_manifests(FILES, found)
    assert diffs == (
        ManifestDifference(
            "extra",
            "extra.txt",
            found=f"sm3={found['extra.txt'].sm3} sha256={found['extra.txt'].sha256} size=1",
        ),
        ManifestDifference("sha256", "original/A/申请表.pdf", expected=old.sha256, found="0" * 64),
        ManifestDifference(
            "missing",
            "original/case.xml",
            expected=f"sm3={FILES['original/case.xml'].sm3} "
            f"sha256={FILES['original/case.xml'].sha256} size=7",
        ),
    )
    assert compare_manifests(FILES, FILES) == ()


def test_signature_record_round_trip_and_check(sm2_signer: Signer) -> None:
    manifest = manifest_bytes(FILES)
    record = sign_manifest(manifest, sm2_signer, WHEN)
    parsed = parse_signature(signature_json(record))
    assert parsed == record
    check = check_signature(parsed, manifest)
    assert (check.intact, check.valid, check.trusted) == (True, True, None)
    assert check.key_id == sm2_signer.key_id


def test_signature_check_separates_verdicts(sm2_signer: Signer, ecdsa_signer: Signer) -> None:
    manifest = manifest_bytes(FILES)
    record = sign_manifest(manifest, sm2_signer, WHEN)
    untrusted = check_signature(record, manifest, ecdsa_signer.public_key_pem)
    assert (untrusted.intact, untrusted.valid, untrusted.trusted) == (True, True, False)
    trusted = check_signature(record, manifest, sm2_signer.public_key_pem)
    assert trusted.trusted is True
    edited = check_signature(record, manifest.replace(b"original", b"0riginal", 1))
    assert (edited.intact, edited.valid) == (False, False)


def test_signature_key_id_must_match_key(sm2_signer: Signer, ecdsa_signer: Signer) -> None:
    manifest = manifest_bytes(FILES)
    record = sign_manifest(manifest, sm2_signer, WHEN)
    from dataclasses import replace

    lying = replace(record, key_id=ecdsa_signer.key_id)
    check = check_signature(lying, manifest)
    assert check.intact and not check.valid
    assert "key_id" in check.problem


@pytest.mark.parametrize("body", [b"", b"[]", b'{"algorithm": "SM2-with-SM3"}', b"\xff"])
def test_malformed_signature_file(body: bytes) -> None:
    with pytest.raises(SignatureError):
        parse_signature(body)


def test_naive_signing_time_refused(sm2_signer: Signer) -> None:
    with pytest.raises(SignatureError):
        sign_manifest(b"", sm2_signer, datetime(2024, 1, 1))
