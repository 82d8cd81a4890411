"""Session fixtures of the seal tests: one SM2 root, maker and signers, and an OFD builder."""

from __future__ import annotations

import pytest
from ofd_seal_kit import Builder, Kit, make_kit, ofd_builder


@pytest.fixture(scope="session")
def kit() -> Kit:
    return make_kit()


@pytest.fixture(scope="session")
def build_ofd(kit: Kit) -> Builder:
    """``build_ofd(version=4, valid_start=…, valid_end=…, listed=None, seal=None)`` → OFD bytes."""
    return ofd_builder(kit)
