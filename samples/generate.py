"""The entry point: ``generate(n, dest)`` writes ``n`` realistic case packages.

Writes ``<dest>/<electronic_record_code>.zip`` (or a directory of that name) per case and the
seal roots to ``<trust_dir or dest>/trust/`` (``seal-root.pem`` for the PAdES PDFs,
``seal-root-sm2.pem`` for the SM2 seals of the OFD licences). Everything is reproducible from the
seed except signing keys and signature bytes (so the size/sm3/sha256 of files with
``signed="true"`` differ between runs). Raises ``FontNotFoundError``, ``CatalogError`` or
``SealAuthorityError`` (all ``RuntimeError``) when the environment cannot support generation.
"""

from __future__ import annotations

import multiprocessing
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from preservation.fonts import CjkFont, find_cjk_font

from .casegen import plan_cases
from .catalog import load_items
from .container import move_directory, write_zip
from .plan import CasePlan
from .profile import DEFAULT_PROFILE, SizeProfile
from .render import CaseRenderer
from .seal_authority import SealAuthority, open_authority
from .sm2_authority import Sm2SealAuthority, open_sm2_authority

__all__ = ["GenerateResult", "generate"]

TRUST_FOLDER = "trust"


@dataclass(frozen=True)
class GenerateResult:
    """What ``generate`` wrote: the packages (in completion order) and the trust roots (ECDSA
    for the PAdES PDFs, SM2 for the OFD seals)."""

    packages: tuple[Path, ...]
    trust_root: Path
    seed: int
    sm2_trust_root: Path | None = None


@dataclass(frozen=True)
class _Job:
    plans: tuple[CasePlan, ...]
    dest: Path
    as_zip: bool
    font: CjkFont
    profile: SizeProfile
    authority: SealAuthority
    sm2_authority: Sm2SealAuthority


def _run(job: _Job) -> list[Path]:
    """Render a batch of cases (one renderer, so fonts, seals and signers load once)."""
    renderer = CaseRenderer(job.font, job.profile, job.authority, job.sm2_authority)
    written: list[Path] = []
    for plan in job.plans:
        code = plan.electronic_record_code
        staging = job.dest / f".{code}.partial"
        if staging.exists():
            shutil.rmtree(staging)
        try:
            renderer.write_case(plan, staging)
            if job.as_zip:
                written.append(write_zip(staging, job.dest / f"{code}.zip", plan.submitted_at))
            else:
                written.append(move_directory(staging, job.dest / code))
        finally:
            if staging.exists():
                shutil.rmtree(staging)
    return written


def _batches(plans: Sequence[CasePlan], workers: int) -> list[tuple[CasePlan, ...]]:
    size = max(1, min(25, -(-len(plans) // (workers * 4))))
    return [tuple(plans[i : i + size]) for i in range(0, len(plans), size)]


def generate(
    n: int,
    dest: Path,
    *,
    seed: int = 0,
    size_profile: SizeProfile = DEFAULT_PROFILE,
    as_zip: bool = True,
    trust_dir: Path | None = None,
    workers: int = 1,
    on_case: Callable[[Path], None] | None = None,
    font_path: Path | None = None,
) -> GenerateResult:
    """Write ``n`` case packages into ``dest`` following the case-package contract.

    ``workers`` > 1 renders in that many processes; ``on_case`` is called with each package
    path as it is written (in the calling process). Existing packages of the same name are
    replaced; the seal root in ``<trust_dir or dest>/trust/`` is reused when present.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    dest.mkdir(parents=True, exist_ok=True)
    plans = plan_cases(n, seed, load_items())
    font = find_cjk_font(font_path)
    departments = {p.item.fonds_name for p in plans} | {
        f.sealed_by for p in plans for f in p.files if f.sealed_by
    }
    authority = open_authority((trust_dir or dest) / TRUST_FOLDER, departments)
    sm2_authority = open_sm2_authority((trust_dir or dest) / TRUST_FOLDER, departments)
    jobs = [
        _Job(batch, dest, as_zip, font, size_profile, authority, sm2_authority)
        for batch in _batches(plans, max(1, workers))
    ]
    written: list[Path] = []

    def collect(paths: list[Path]) -> None:
        written.extend(paths)
        if on_case is not None:
            for path in paths:
                on_case(path)

    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            collect(_run(job))
    else:
        # fork where available: children inherit the imported modules, so they do not depend on
        # sys.path resolving ``earchive`` the same way again (under pytest it may not).
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for future in as_completed([pool.submit(_run, job) for job in jobs]):
                collect(future.result())
    order = {p.electronic_record_code: i for i, p in enumerate(plans)}
    written.sort(key=lambda path: order.get(path.name.removesuffix(".zip"), len(order)))
    return GenerateResult(
        packages=tuple(written),
        trust_root=authority.root_path,
        seed=seed,
        sm2_trust_root=sm2_authority.root_path,
    )
