"""Delivery over HTTP(S) to the bureau's receiving API, ending with its signed receipt.

``HttpDelivery(base_url, token).deliver(package_dir)``:

1. ``GET  {base}/api/bureau/transfers/{batch}`` — what the bureau holds already, with digests;
2. ``PUT  {base}/api/bureau/transfers/{batch}/files/{path}`` for every file of the signed
   manifest it does not hold with the manifest's digests (streamed, ``X-Content-SM3`` and
   ``X-Content-SHA256`` headers; the bureau refuses bytes that do not match), manifest and
   signature last;
3. ``POST {base}/api/bureau/transfers/{batch}/complete`` — the bureau verifies the package and
   answers its signed ``receipt.json``, whose signature is checked here (by
   ``receiver_key_pem`` when given).

The batch is the package directory's name. Connection errors, timeouts and 5xx answers are
retried with backoff (``retry.retrying``); 4xx answers are not. Raises ``DeliveryError`` (and
``ReceiptError`` for a receipt that does not verify).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from .delivery import DeliveryResult
from .delivery_s3 import package_listing
from .errors import DeliveryError
from .receipt import verify_receipt
from .retry import DeliveryEvent, Progress, RetryPolicy, TransientError, no_progress, retrying

__all__ = ["SHA256_HEADER", "SM3_HEADER", "HttpDelivery"]

SM3_HEADER = "X-Content-SM3"
SHA256_HEADER = "X-Content-SHA256"
_BLOCK = 1 << 20


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fp:
        while block := fp.read(_BLOCK):
            yield block


@dataclass(frozen=True)
class HttpDelivery:
    """Deliver a package to the receiving API at ``base_url`` with the bearer ``token``."""

    base_url: str
    token: str
    receiver_key_pem: str | None = None
    timeout: float = 60.0
    verify: bool | str = True  # TLS: True, False (never in production) or a CA bundle path
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    progress: Progress = no_progress

    def _url(self, batch: str, *parts: str) -> str:
        tail = "/".join(quote(p, safe="/") for p in parts)
        return f"{self.base_url.rstrip('/')}/api/bureau/transfers/{quote(batch, safe='')}" + (
            f"/{tail}" if tail else ""
        )

    def _call(self, client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
        what = f"{method} {url}"
        try:
            response = client.request(method, url, **kwargs)
        except (httpx.TransportError, OSError) as exc:  # connection refused/reset, timeouts
            raise TransientError(f"{what}: {exc}") from exc
        if response.status_code >= 500:
            raise TransientError(f"{what}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise DeliveryError(f"{what}: HTTP {response.status_code} {response.text[:300]}")
        return response

    def _held(self, client: httpx.Client, batch: str) -> dict[str, tuple[str, str]]:
        response = retrying(
            f"list {batch}",
            lambda: self._call(client, "GET", self._url(batch)),
            self.retry,
            self.progress,
        )
        try:
            files = response.json()["files"]
            return {str(p): (str(d["sm3"]), str(d["sha256"])) for p, d in files.items()}
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise DeliveryError(f"the receiving API's listing is malformed: {exc}") from exc

    def _put(
        self, client: httpx.Client, batch: str, source: Path, path: str, digests: tuple[str, str]
    ) -> None:
        headers = {
            SM3_HEADER: digests[0],
            SHA256_HEADER: digests[1],
            "Content-Type": "application/octet-stream",
            "Content-Length": str(source.stat().st_size),
        }
        retrying(
            f"put {path}",
            lambda: self._call(
                client,
                "PUT",
                self._url(batch, "files", path),
                content=_chunks(source),
                headers=headers,
            ),
            self.retry,
            self.progress,
        )

    def deliver(self, package_dir: Path) -> DeliveryResult:
        """Send ``package_dir`` and return the result with the bureau's verified receipt."""
        listing = package_listing(package_dir)
        batch = package_dir.name
        copied: list[str] = []
        skipped: list[str] = []
        auth = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(headers=auth, timeout=self.timeout, verify=self.verify) as client:
            held = self._held(client, batch)
            for path, digests in listing.items():
                if held.get(path) == digests:
                    skipped.append(path)
                    self.progress(DeliveryEvent("skipped", path))
                    continue
                self._put(client, batch, package_dir / path, path, digests)
                copied.append(path)
                self.progress(DeliveryEvent("file", path, detail={"sm3": digests[0]}))
            self.progress(
                DeliveryEvent(
                    "batch", detail={"copied": str(len(copied)), "skipped": str(len(skipped))}
                )
            )
            response = retrying(
                f"complete {batch}",
                lambda: self._call(client, "POST", self._url(batch, "complete")),
                self.retry,
                self.progress,
            )
        receipt = verify_receipt(response.content, self.receiver_key_pem)
        target = self._url(batch)
        self.progress(DeliveryEvent("completed", target, detail={"receipt": receipt.code}))
        return DeliveryResult(target, tuple(copied), tuple(skipped), response.content)
