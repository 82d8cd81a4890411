"""Assembling case plans: item, applicant, process steps and times, result, the file list.

``plan_cases`` is pure: the same ``(n, seed, items)`` always gives the same plans. Electronic
record codes are ``<region>-<fonds>-<item>-<year>-<serial>``, serials counted per fonds and
year in completion order, starting at a seed-dependent offset.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

from standards.case import Applicant, Certificate, Step

from .catalog import MaterialRule, ServiceItem
from .people import Organization, Person, make_organization, make_person
from .plan import CasePlan, FileSpec

__all__ = ["REGION_CODE", "plan_cases"]

REGION_CODE = "310115"
CST = timezone(timedelta(hours=8))
SOURCE_SYSTEM = "上海市浦江区一网通办政务服务办理系统"
INTAKE_DEPARTMENT = "上海市浦江区行政服务中心"
MARKET_REGULATOR = "上海市浦江区市场监督管理局"
# (title keyword, rendering kind, format); first match wins; A-folder fallback is text_pdf.
KIND_RULES: tuple[tuple[str, str, str], ...] = (
    ("(调用)", "called_licence", "PDF"),
    ("身份证", "id_scan", "JPEG"),
    ("照片", "photo", "JPEG"),
    ("平面图", "plan_scan", "JPEG"),
    ("界址", "plan_scan", "JPEG"),
    ("居住证明", "letter_scan", "JPEG"),
    ("住所使用证明", "letter_scan", "JPEG"),
    ("申请书", "form", "PDF"),
    ("申请表", "form", "PDF"),
    ("登记表", "form", "PDF"),
)
FIXED_KINDS = {
    "B1": "receipt",
    "B13": "completion",
    "B14": "refusal",
    "B17": "approval",
    "B18": "correction",
    "C1": "decision",
    "C2": "licence",
}
FIXED_FORMATS = {"C2": "OFD"}  # 准予 licences are issued as sealed OFD files, the rest as PDF
SEALED_KINDS = frozenset({"completion", "refusal", "decision", "licence", "called_licence"})
XML_FORM_ITEMS = frozenset({"JZ-BL-003", "SB-CB-007"})
EXTENSIONS = {
    "PDF": "pdf",
    "JPEG": "jpg",
    "XML": "xml",
    "OFD": "ofd",
    "DOCX": "docx",
    "XLSX": "xlsx",
    "PNG": "png",
}
# Attachments that take the preservation paths (samples/office.py): office documents that get a
# PDF/A copy and a scan whose known text only OCR reads. The extra A5 material of a case that was
# not corrected (about one case in twelve) is one of these, drawn from a random stream of its
# own so the other files of every seed stay as they were.
OFFICE_KINDS = (("office_docx", "DOCX"), ("office_xlsx", "XLSX"), ("text_scan", "PNG"))
EXTRA_TITLES = ("授权委托书", "其他补充材料", "情况说明")
BLOCK, REFUSED, CORRECTED = 20, 0.10, 0.15  # shares of refusals and 补齐补正 per block of cases


def _kind(rule: MaterialRule, item: ServiceItem) -> tuple[str, str]:
    if rule.code in FIXED_KINDS:
        return FIXED_KINDS[rule.code], FIXED_FORMATS.get(rule.code, "PDF")
    for keyword, kind, fmt in KIND_RULES:
        if keyword in rule.title:
            if kind == "form" and item.task_code in XML_FORM_ITEMS:
                return "form_xml", "XML"
            return kind, fmt
    return "text_pdf", "PDF"


def _work_time(day: date, rng: random.Random, earliest: time = time(9, 0)) -> datetime:
    """A time during office hours on ``day`` (moved to Monday if it falls on a weekend)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = earliest.hour * 3600 + earliest.minute * 60
    seconds = rng.randint(max(start, 9 * 3600), 16 * 3600 + 50 * 60)
    return datetime.combine(day, time(0), CST) + timedelta(seconds=seconds)


def _later(when: datetime, rng: random.Random, days: tuple[int, int]) -> datetime:
    gap = rng.randint(*days)
    if gap == 0:
        later = min(
            when + timedelta(minutes=rng.randint(20, 240)), when.replace(hour=17, minute=20)
        )
        return max(later, when + timedelta(minutes=5))
    return _work_time(when.date() + timedelta(days=gap), rng)


def _licence(rng: random.Random, item: ServiceItem, org: Organization | None, year: int) -> str:
    t = item.licence_type
    if t == "营业执照" and org is not None:
        return org.credit_code
    if t == "食品经营许可证":
        return (
            f"JY{rng.choice('123')}{REGION_CODE}{rng.randint(0, 10**7 - 1):07d}{rng.randint(0, 9)}"
        )
    if t == "居住证":
        return f"31{rng.randint(0, 10**16 - 1):016d}"
    if t == "出生医学证明":
        return f"{rng.choice('NOPQ')}{rng.randint(0, 10**9 - 1):09d}"
    if t == "不动产权证书":
        return f"沪({year})浦江区不动产权第{rng.randint(1, 99999):06d}号"
    if t == "建设工程规划许可证":
        return f"建字第{REGION_CODE}{year}{rng.randint(1, 9999):05d}号"
    return f"{item.organization_code}{year}{rng.randint(1, 99999):05d}"


def _applicant(
    rng: random.Random, item: ServiceItem, on: date
) -> tuple[Applicant, Person | None, Organization | None]:
    kind = rng.choice(item.applicant_types)
    if kind == "法人":
        industry = {"SP-JY-002": "餐饮", "JS-GH-006": "建筑"}.get(item.task_code, "")
        org = make_organization(rng, on, REGION_CODE, industry)
        rep = org.legal_representative
        applicant = Applicant(
            org.name, "法人", "统一社会信用代码", org.credit_code, org.address, rep.name
        )
        return applicant, rep, org
    if item.task_code == "CS-YX-004":
        person = make_person(rng, on, min_age=22, max_age=42)
    else:
        person = make_person(rng, on)
    return (
        Applicant(person.name, "自然人", "居民身份证", person.id_number, person.address),
        person,
        None,
    )


def _steps(
    rng: random.Random, item: ServiceItem, received: datetime, refused: bool, corrected: bool
) -> tuple[Step, ...]:
    def clerk() -> str:
        return make_person(rng, received.date()).name

    dept = item.fonds_name
    steps = [
        Step(
            "1",
            clerk(),
            INTAKE_DEPARTMENT,
            received - timedelta(minutes=rng.randint(3, 40)),
            "收到申请材料，已出具收件凭证。",
        ),
        Step("2", clerk(), dept, received, "申请材料齐全，符合法定形式，予以受理。"),
    ]
    at = received
    if corrected:
        at = _later(at, rng, (1, 2))
        steps.append(Step("11", clerk(), dept, at, "申请材料需补齐补正，已一次性告知申请人。"))
        at = _later(at, rng, (2, 4))
    at = _later(at, rng, (0, 4))
    review = (
        "经审查，申请材料不符合法定条件，拟不予许可。"
        if refused
        else "经审查，申请材料真实、齐全，符合法定条件，拟同意。"
    )
    steps.append(Step("3", clerk(), dept, at, review))
    at = _later(at, rng, (0, 3))
    final = "不予许可，已出具告知书。" if refused else f"准予办理，{item.task_name}办结。"
    steps.append(Step("4", clerk(), dept, at, final))
    return tuple(steps)


def _files(
    rng: random.Random,
    item: ServiceItem,
    steps: tuple[Step, ...],
    result: str,
    org: Organization | None,
    corrected: bool,
    office: random.Random,
) -> tuple[FileSpec, ...]:
    times = {s.code: s.time for s in steps}
    received, finished = times["2"], times["4"]
    rules = [m for m in item.materials if m.required_when in ("always", result)]
    if corrected:
        rules.append(MaterialRule("B18", "补齐补正通知书", "always"))
        rules.append(MaterialRule("A5", "补正材料", "always"))
    elif rng.random() < 0.2:
        rules.append(MaterialRule("A5", rng.choice(EXTRA_TITLES), "always"))
    rules.sort(key=lambda m: ("ABC".index(m.folder), int(m.code[1:])))
    specs: list[FileSpec] = []
    for n, rule in enumerate(rules):
        kind, fmt = _kind(rule, item)
        if rule.code == "A5":
            kind, fmt = ("letter_scan", "JPEG") if rng.random() < 0.4 else ("text_pdf", "PDF")
            if not corrected:
                kind, fmt = office.choice(OFFICE_KINDS)
        if rule.code == "A5" and corrected:
            created = times["11"] + timedelta(days=1, minutes=rng.randint(0, 300))
        elif rule.code in ("B17",):
            created = times["3"] + timedelta(seconds=rng.randint(5, 120))
        elif rule.code == "B18":
            created = times["11"] + timedelta(seconds=rng.randint(5, 120))
        elif rule.folder == "C" or rule.code in ("B13", "B14"):
            created = finished - timedelta(seconds=rng.randint(30, 600))
        else:
            created = received + timedelta(seconds=20 + 17 * n + rng.randint(0, 15))
        created = min(max(created, received), finished)
        licence = None
        if kind == "called_licence" and org is not None:
            licence = Certificate("营业执照", org.credit_code, MARKET_REGULATOR)
        sealed_by = ""
        if kind in SEALED_KINDS:
            sealed_by = MARKET_REGULATOR if kind == "called_licence" else item.fonds_name
        path = f"{rule.folder}/{rule.code}-{rule.title}.{EXTENSIONS[fmt]}"
        specs.append(FileSpec(path, rule.code, rule.title, kind, fmt, created, sealed_by, licence))
    return tuple(specs)


def _plan_one(
    seed: int,
    index: int,
    item: ServiceItem,
    start: date,
    days: int,
    refused: bool,
    corrected: bool,
) -> CasePlan:
    rng = random.Random(f"earchive-samples/{seed}/case/{index}")
    received = _work_time(start + timedelta(days=rng.randint(0, days)), rng, time(9, 30))
    applicant, person, org = _applicant(rng, item, received.date())
    steps = _steps(rng, item, received, refused, corrected)
    finished = steps[-1].time
    result = "不予" if refused else "准予"
    certificate = None
    if result == "准予" and item.licence_type:
        number = _licence(rng, item, org, finished.year)
        certificate = Certificate(item.licence_type, number, item.fonds_name)
    return CasePlan(
        seed=seed,
        index=index,
        item=item,
        electronic_record_code="",
        region_code=REGION_CODE,
        project_id=f"{REGION_CODE}{received:%Y%m%d%H%M%S}{rng.randint(0, 999999):06d}",
        project_name=f"{applicant.name}{item.task_name}",
        accept_number=f"{item.organization_code}{received:%Y%m%d}{rng.randint(1, 9999):04d}",
        applicant=applicant,
        person=person,
        organization=org,
        receive_department=item.fonds_name,
        receive_time=received,
        transact_time=finished,
        result=result,
        result_certificate=certificate,
        security_classification="内部" if rng.random() < 0.15 else "公开",
        sharing=rng.choices(("01", "02", "03"), weights=(5, 4, 1))[0],
        source_system=SOURCE_SYSTEM,
        submitted_at=finished + timedelta(hours=rng.randint(2, 72), minutes=rng.randint(0, 59)),
        process=steps,
        files=_files(
            rng,
            item,
            steps,
            result,
            org,
            corrected,
            random.Random(f"earchive-samples/{seed}/office/{index}"),
        ),
        corrected=corrected,
    )


def plan_cases(n: int, seed: int, items: tuple[ServiceItem, ...]) -> tuple[CasePlan, ...]:
    """``n`` case plans, items spread evenly (shuffled round-robin), in completion order."""
    if n < 0:
        raise ValueError("n must not be negative")
    rng = random.Random(f"earchive-samples/{seed}")
    year = rng.choice((2022, 2023, 2024))
    start, days = date(year, 1, 3), 340
    order: list[ServiceItem] = []
    while len(order) < n:
        round_ = list(items)
        rng.shuffle(round_)
        order.extend(round_)
    refused: set[int] = set()
    corrected: set[int] = set()
    for first in range(0, n, BLOCK):  # quotas per block, so every 20 cases have some of each
        block = range(first, min(n, first + BLOCK))
        refusable = [i for i in block if order[i].can_refuse]
        refused.update(rng.sample(refusable, min(len(refusable), round(len(block) * REFUSED))))
        corrected.update(rng.sample(list(block), round(len(block) * CORRECTED)))
    plans = [
        _plan_one(seed, i, order[i], start, days, i in refused, i in corrected) for i in range(n)
    ]
    plans.sort(key=lambda p: (p.transact_time, p.index))
    serials: dict[tuple[str, int], int] = {}
    base = rng.randint(1, 400)
    coded: list[CasePlan] = []
    for plan in plans:
        key = (plan.item.fonds_identifier, plan.transact_time.year)
        serials[key] = serials.get(key, base) + rng.randint(1, 3)
        code = "-".join(
            (REGION_CODE, key[0], plan.item.short_code, str(key[1]), f"{serials[key]:06d}")
        )
        coded.append(replace(plan, electronic_record_code=code))
    return tuple(coded)
