"""Sealing the event log into storage, so the audit trail survives losing the database.

Each seal is a new version of one OCFL object (``urn:earchive:event-log``) in its own storage
root: the events since the previous seal as a JSON-lines segment, plus ``seal.json`` naming the
head event (sequence number and chain hash) and every segment's SHA-256, signed by the archive's
key. ``verify_sealed`` then proves three things: the database chain is intact, every sealed event
is still in the database unchanged (so deleting the newest entries is found too), and the seal
signatures hold. Reads/writes: the event log and the log's storage root.
"""

from __future__ import annotations

import base64
import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from package import verify_signature
from package.ocfl import inventory_bytes, new_inventory, next_inventory, stored_paths
from package.signature import Signer
from package.trusted_keys import is_trusted
from standards.finding import Finding, Status

from .events import Event, EventLog, event_hash, verify_chain
from .ocfl_root import OcflRoot

__all__ = ["LOG_OBJECT_ID", "SealResult", "seal_events", "verify_sealed"]

LOG_OBJECT_ID = "urn:earchive:event-log"
SEAL = "seal.json"
DAT70 = "BC-4-3"


@dataclass(frozen=True)
class SealResult:
    version: str
    first_seq: int
    head_seq: int
    head_hash: str


def _event_line(ev: Event) -> dict[str, Any]:
    return {
        "seq": ev.seq,
        "at": ev.at.isoformat(),
        "agent": ev.agent,
        "action": ev.action,
        "object": ev.object,
        "outcome": ev.outcome,
        "detail": dict(ev.detail),
        "prev_hash": ev.prev_hash,
        "hash": ev.hash,
    }


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _read(storage: OcflRoot, logical: str) -> bytes:
    with storage.open_file(LOG_OBJECT_ID, logical) as fh:
        return fh.read()


def seal_events(
    storage: OcflRoot, log: EventLog, signer: Signer, clock: Callable[[], datetime], agent: str
) -> SealResult | None:
    """Write the events not yet sealed as a new signed version; None when nothing is new."""
    head = storage.read_inventory(LOG_OBJECT_ID)
    state: dict[str, str] = storage.version_state(LOG_OBJECT_ID) if head else {}
    last = json.loads(_read(storage, SEAL))["head_seq"] if head else 0
    with tempfile.TemporaryDirectory(prefix="earchive-seal-") as tmp:
        staged = Path(tmp)
        (staged / "events").mkdir()
        partial = staged / "events" / "segment.partial"
        span = _write_segment(log.iter_events(after_seq=int(last)), partial)
        if span is None:
            return None
        first, final, head_hash, digest = span
        segment = f"events/{first:012d}-{final:012d}.jsonl"
        partial.rename(staged / segment)
        segments = {p: d for p, d in state.items() if p.startswith("events/")}
        segments[segment] = digest
        now = clock()
        body = {
            "object": LOG_OBJECT_ID,
            "head_seq": final,
            "head_hash": head_hash,
            "segments": dict(sorted(segments.items())),
            "sealed_at": now.isoformat(),
            "algorithm": signer.algorithm,
            "key_id": signer.key_id,
            "public_key_pem": signer.public_key_pem,
        }
        seal = dict(body, signature=base64.b64encode(signer.sign(_canonical(body))).decode())
        seal_bytes = json.dumps(seal, ensure_ascii=False, indent=2, sort_keys=True).encode()
        new_state = dict(segments, **{SEAL: hashlib.sha256(seal_bytes).hexdigest()})
        message = f"event log sealed up to {final}"
        if head is None:
            inventory = new_inventory(
                LOG_OBJECT_ID, new_state, now, message, agent, "urn:earchive:agent"
            )
        else:
            inventory, _ = next_inventory(
                head, new_state, now, message, agent, "urn:earchive:agent"
            )
        version = str(inventory["head"])
        (staged / SEAL).write_bytes(seal_bytes)
        raw, _ = inventory_bytes(inventory)
        storage.write_version(LOG_OBJECT_ID, staged, raw, version, stored_paths(inventory, version))
    return SealResult(version, first, final, head_hash)


def _write_segment(events: Iterator[Event], dest: Path) -> tuple[int, int, str, str] | None:
    """Stream ``events`` as canonical JSON lines into ``dest`` (one event in memory at a time);
    first and last sequence number, the last chain hash and the segment's SHA-256, or None."""
    digest = hashlib.sha256()
    first = final = None
    with dest.open("wb") as fh:
        for ev in events:
            line = _canonical(_event_line(ev)) + b"\n"
            fh.write(line)
            digest.update(line)
            first = ev if first is None else first
            final = ev
    if first is None or final is None:
        return None
    return first.seq, final.seq, final.hash, digest.hexdigest()


def _finding(code: str, status: Status, message: str, **evidence: str) -> Finding:
    return Finding(code=code, status=status, message=message, dat70=DAT70, **evidence)


def verify_sealed(
    storage: OcflRoot, log: EventLog, trusted_key_pem: str | None = None
) -> list[Finding]:
    """The chain in the database, the seals in storage, and that the two agree."""
    db_events = list(log.iter_events())
    findings = verify_chain(db_events)
    if storage.read_inventory(LOG_OBJECT_ID) is None:
        findings.append(
            _finding("EVENT_LOG_UNSEALED", Status.WARN, "the event log was never sealed to storage")
        )
        return findings
    seal = json.loads(_read(storage, SEAL))
    body = {k: v for k, v in seal.items() if k != "signature"}
    signature = base64.b64decode(seal["signature"])
    if not verify_signature(seal["algorithm"], seal["public_key_pem"], _canonical(body), signature):
        findings.append(
            _finding("EVENT_LOG_SEAL_INVALID", Status.FAIL, "the seal's signature fails")
        )
    elif trusted_key_pem is not None and not is_trusted(seal["public_key_pem"], trusted_key_pem):
        findings.append(
            _finding("EVENT_LOG_SEAL_UNTRUSTED", Status.MANUAL_REVIEW, "sealed by another key")
        )
    by_seq = {ev.seq: ev for ev in db_events}
    sealed: list[Event] = []
    for path, digest in seal["segments"].items():
        data = _read(storage, path)
        if hashlib.sha256(data).hexdigest() != digest:
            findings.append(
                _finding(
                    "EVENT_LOG_SEGMENT_ALTERED",
                    Status.FAIL,
                    f"{path} differs from its seal",
                    path=path,
                    expected=digest,
                    found=hashlib.sha256(data).hexdigest(),
                )
            )
            continue
        for line in data.splitlines():
            item = json.loads(line)
            ev = by_seq.get(int(item["seq"]))
            sealed.append(Event(**{**item, "at": datetime.fromisoformat(item["at"])}))
            # the database row's content, hashed again, must give what was sealed
            now = None if ev is None else event_hash(ev.prev_hash, ev)
            if now != item["hash"] or (ev is not None and ev.hash != item["hash"]):
                found = "missing" if now is None else now
                state = "gone" if ev is None else "changed"
                findings.append(
                    _finding(
                        "EVENT_LOG_DIFFERS_FROM_SEAL",
                        Status.FAIL,
                        f"event {item['seq']} was sealed but is {state}",
                        expected=str(item["hash"]),
                        found=found,
                    )
                )
    if sealed and sealed[-1].hash != seal["head_hash"]:
        findings.append(
            _finding("EVENT_LOG_SEAL_INVALID", Status.FAIL, "seal head is not its last event")
        )
    if not any(f.status is Status.FAIL for f in findings):
        findings.append(
            _finding(
                "EVENT_LOG_SEALED",
                Status.PASS,
                f"{len(sealed)} events sealed up to {seal['head_seq']}; database agrees",
                found=str(seal["head_hash"]),
            )
        )
    return findings
