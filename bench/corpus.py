"""Synthetic index documents shaped like ingested cases, for index and scaling benchmarks.

Built from the generator's service items, word lists and clause wording: each document has the
real identifier formats (电子文件号, 档号), filter fields, and a body of about the size the real
ingest produces (~7,000 characters: case metadata, step opinions, form fields, clauses).
Deterministic for a seed. Reads the sample catalog; writes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from samples import wordlists as w
from samples.catalog import ServiceItem, load_items
from samples.documents import CLAUSES
from search import IndexDocument

YEARS = (2021, 2022, 2023, 2024)
RESULTS = ("准予", "准予", "准予", "不予")
RETENTION = {"QY-SL-001": "Y", "BDC-DJ-005": "Y", "JS-GH-006": "Y", "CS-YX-004": "Y"}
OPINIONS = (
    "收到申请材料，已出具收件凭证。",
    "申请材料齐全，符合法定形式，予以受理。",
    "经审查，申请材料真实、齐全，符合法定条件，拟同意。",
    "申请材料需补齐补正，已一次性告知申请人。",
    "经现场核查，与申请材料一致。",
)
FORM_WORDS = (
    "业务流水号", "受理编号", "申请人", "办理事项", "收件时间", "材料编号", "材料名称", "形式",
    "电子", "经办人", "联系电话", "证照编号", "持证主体", "有效期", "住所", "法定代表人",
    "统一社会信用代码", "经营范围", "注册资本", "承诺", "签发", "核验", "第1页",
)  # fmt: skip


def _person(rng: random.Random) -> str:
    given = rng.choice((w.GIVEN_MALE, w.GIVEN_FEMALE))
    return rng.choice(w.SURNAMES) + "".join(rng.choice(given) for _ in range(rng.randint(1, 2)))


def _address(rng: random.Random) -> str:
    return (
        f"上海市浦江区{rng.choice(w.TOWNS)}{rng.choice(w.ROADS)}{rng.randint(1, 3999)}弄"
        f"{rng.randint(1, 99)}号{rng.randint(101, 2208)}室"
    )


def _company(rng: random.Random) -> str:
    suffix, _sector = rng.choice(w.INDUSTRIES)
    return f"上海{rng.choice(w.TRADE_NAMES)}{suffix}有限公司"


def _body(rng: random.Random, item: ServiceItem, applicant: str, year: int) -> str:
    lines = [f"{applicant}{item.task_name}", item.task_name, applicant, _address(rng)]
    lines += [item.fonds_name, rng.choice(RESULTS)]
    for opinion in OPINIONS[: rng.randint(3, 5)]:
        lines += [_person(rng), item.fonds_name, opinion]
    lines += [m.title for m in item.materials]
    for material in item.materials:  # one "document" per material: title, form fields, clauses
        lines.append(material.title)
        for word in rng.sample(FORM_WORDS, 12):
            if rng.random() < 0.4:
                value = str(rng.randint(10**8, 10**12))
            else:
                value = rng.choice((applicant, item.task_name, _address(rng), f"{year}年"))
            lines += [word, "", value]
        lines += rng.choices(CLAUSES, k=rng.randint(10, 20))
        lines.append(f"{item.fonds_name}\n{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日")
    return "\n".join(lines)


def documents(n: int, seed: int = 7, start: int = 0) -> Iterator[IndexDocument]:
    """``n`` documents, the ``start``-th onwards of the sequence for ``seed``."""
    items = load_items()
    for i in range(start, start + n):
        rng = random.Random(f"{seed}-{i}")
        item = items[i % len(items)]
        year = YEARS[(i // len(items)) % len(YEARS)]
        legal = item.applicant_types == ("法人",)
        applicant = _company(rng) if legal else _person(rng)
        retention = RETENTION.get(item.task_code, "D30" if legal else "D10")
        erc = f"310115-{item.fonds_identifier}-{item.short_code}-{year}-{i:06d}"
        code = f"{item.fonds_identifier}-WS·{year}-{retention}-{item.organization_code}-{i + 1:06d}"
        yield IndexDocument(
            archive_id=f"{item.fonds_identifier}-{erc}",
            electronic_record_code=erc,
            archival_code=code,
            title=f"{applicant}{item.task_name}",
            task_code=item.task_code,
            task_name=item.task_name,
            year=year,
            department=item.fonds_name,
            result=rng.choice(RESULTS),
            retention=retention,
            security_classification="公开",
            fonds_identifier=item.fonds_identifier,
            applicant_name=applicant,
            text=_body(rng, item, applicant, year),
        )
