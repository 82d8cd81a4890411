"""Trusted signing keys as one PEM text: the public keys an archive has signed with — its
current key and those it signed with before an administrator imported a new identity — so a
signature made before a key change is still the archive's own.

Reads and writes nothing. ``is_trusted`` never raises: text that holds no readable key trusts
nothing.
"""

from __future__ import annotations

from asn1crypto import pem

__all__ = ["is_trusted", "key_bundle", "spki_set"]


def spki_set(pem_text: str) -> frozenset[bytes]:
    """The DER SubjectPublicKeyInfo of every PUBLIC KEY block in ``pem_text``."""
    data = pem_text.strip().encode("ascii", errors="replace")
    if not pem.detect(data):
        return frozenset()
    try:
        blocks = list(pem.unarmor(data, multiple=True))
    except ValueError:
        return frozenset()
    return frozenset(bytes(der) for kind, _, der in blocks if kind == "PUBLIC KEY")


def is_trusted(public_key_pem: str, trusted_pem: str) -> bool:
    """Whether the key of ``public_key_pem`` is one of the keys in ``trusted_pem``."""
    found = spki_set(public_key_pem)
    return bool(found) and bool(found & spki_set(trusted_pem))


def key_bundle(keys: list[str] | tuple[str, ...]) -> str:
    """One PEM text holding each distinct key of ``keys`` once, in order."""
    seen: set[bytes] = set()
    out = []
    for key in keys:
        der = spki_set(key)
        if der and not der <= seen:
            seen |= der
            out.append(key.strip())
    return "\n".join(out) + "\n"
