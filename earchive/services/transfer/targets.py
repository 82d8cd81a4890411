"""Which delivery adapter a transfer target names, with credentials from the settings.

``DIR`` (a directory: shared folder, removable media) → ``DirectoryDelivery``;
``s3://bucket/prefix`` → ``S3Delivery`` on ``EARCHIVE_TRANSFER_S3_ENDPOINT`` with
``EARCHIVE_TRANSFER_S3_ACCESS_KEY``/``_SECRET_KEY``; ``http(s)://host/…`` → ``HttpDelivery``
with ``EARCHIVE_TRANSFER_TOKENS[endpoint]`` or ``EARCHIVE_TRANSFER_TOKEN``. Credentials never
come from the target itself. ``s3_location`` splits an ``s3://`` address for the bureau's
fetch. Raises ``ConfigurationError``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from earchive.core.errors import ConfigurationError
from earchive.settings import Settings
from transfer import Delivery, DirectoryDelivery
from transfer.retry import Progress, RetryPolicy, no_progress

if TYPE_CHECKING:
    from minio import Minio

__all__ = ["check_target", "delivery_for", "s3_client", "s3_location"]


def s3_location(target: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → ``("bucket", "some/prefix")``."""
    parts = urlsplit(target)
    if parts.scheme != "s3" or not parts.netloc or "@" in parts.netloc:
        raise ConfigurationError(f"not an s3://bucket/prefix address: {target!r}")
    return parts.netloc, parts.path.strip("/")


def s3_client(settings: Settings) -> Minio:
    """The client of the transfer bucket's S3 endpoint (the bureau's, seen from the sender)."""
    if not (settings.transfer_s3_endpoint and settings.transfer_s3_access_key):
        raise ConfigurationError(
            "set EARCHIVE_TRANSFER_S3_ENDPOINT, _ACCESS_KEY and _SECRET_KEY for s3:// targets"
        )
    from minio import Minio

    return Minio(
        settings.transfer_s3_endpoint,
        access_key=settings.transfer_s3_access_key,
        secret_key=settings.transfer_s3_secret_key,
        secure=settings.transfer_s3_secure,
    )


def delivery_for(
    settings: Settings,
    to: Path | str,
    *,
    endpoint: str = "",
    progress: Progress = no_progress,
    retry: RetryPolicy | None = None,
    receiver_key_pem: str | None = None,
) -> Delivery:
    """The adapter delivering to ``to`` (see the module docstring)."""
    policy = retry or RetryPolicy(attempts=max(1, settings.transfer_retry_attempts))
    text = str(to)
    if text.startswith("s3://"):
        bucket, prefix = s3_location(text)
        from transfer.delivery_s3 import S3Delivery

        return S3Delivery(s3_client(settings), bucket, prefix, retry=policy, progress=progress)
    if text.startswith(("http://", "https://")):
        if "@" in urlsplit(text).netloc:
            raise ConfigurationError("no credentials in the target address: use the settings")
        token = settings.transfer_tokens.get(endpoint, "") or settings.transfer_token
        if not token:
            raise ConfigurationError("set EARCHIVE_TRANSFER_TOKEN for http(s):// targets")
        from transfer.delivery_http import HttpDelivery

        return HttpDelivery(
            text, token, receiver_key_pem=receiver_key_pem, retry=policy, progress=progress
        )
    if "://" in text:
        raise ConfigurationError(f"unknown transfer target {text!r}: DIR, s3:// or https://")
    return DirectoryDelivery(Path(text))


def check_target(settings: Settings, to: Path | str, *, endpoint: str = "") -> None:
    """Raise ``ConfigurationError`` now if ``to`` cannot be delivered to (unknown scheme, missing
    credentials), before any package is built; connects to nothing."""
    delivery_for(settings, to, endpoint=endpoint)
