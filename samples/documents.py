"""PDF documents of a case: application forms, supporting texts, notices, decisions, licences.

Each renderer draws one document with :class:`PdfSheet` and returns its bytes and, for
documents that carry a seal, where the seal goes. Wording is generic and fictional.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from .pdfwriter import PdfSheet, SealBox
from .plan import CasePlan, FileSpec
from .profile import SizeProfile

__all__ = ["PDF_KINDS", "licence_rows", "render_pdf"]

Renderer = Callable[[PdfSheet, CasePlan, FileSpec, random.Random, SizeProfile], SealBox | None]

STEP_NAMES = {"1": "收件", "2": "受理", "3": "审核", "4": "办结", "11": "补齐补正"}
CHAPTERS = ("总则", "一般规定", "管理要求", "权利和义务", "附则")
CLAUSES = (
    "申请人应当对所提交材料的真实性、合法性和有效性负责，并承担相应的法律责任。",
    "本材料所载事项与实际情况一致，如有变更，申请人应当及时向原受理部门申请变更。",
    "相关各方应当遵守国家法律、法规和规章的规定，遵守社会公德、商业道德，诚实守信。",
    "涉及的场所、设施和人员应当符合有关标准和规范的要求，并接受主管部门的监督检查。",
    "因不可抗力或者政策调整导致本材料所载事项无法履行的，各方应当及时协商处理。",
    "本文件一式三份，各方各执一份，另一份报主管部门备案，各份具有同等法律效力。",
    "申请人已知悉并同意有关部门通过政务数据共享方式核验相关信息。",
    "各项管理制度应当落实到岗到人，建立台账，定期开展自查，发现问题及时整改。",
    "未尽事宜，依照有关法律、法规和规章的规定执行；法律法规另有规定的，从其规定。",
    "上述事项经各方确认无误，自签署之日起生效。",
)


def _date(when: date) -> str:
    return f"{when.year}年{when.month}月{when.day}日"


def _applicant_rows(plan: CasePlan) -> list[list[str]]:
    a = plan.applicant
    rows = [["申请人", a.name], ["证件类型", a.id_type], ["证件号码", a.id_number]]
    rows.append(["住所（地址）", a.address])
    if a.legal_representative:
        rows.append(["法定代表人", a.legal_representative])
    if plan.person is not None:
        rows.append(["联系电话", plan.person.phone])
    return rows


def _item_rows(plan: CasePlan, rng: random.Random) -> list[list[str]]:
    org = plan.organization
    code = plan.item.task_code
    if code == "QY-SL-001" and org is not None:
        return [
            ["注册资本", f"{org.registered_capital}万元人民币"],
            ["经营范围", f"{org.industry}领域内的技术开发、技术咨询、技术服务；销售相关产品。"],
        ]
    if code == "SP-JY-002":
        return [
            ["主体业态", rng.choice(("餐饮服务经营者", "食品销售经营者", "单位食堂"))],
            ["经营项目", "热食类食品制售；冷食类食品制售；预包装食品销售"],
        ]
    if code == "BDC-DJ-005":
        return [
            ["不动产坐落", plan.applicant.address],
            ["面积", f"{rng.randint(45, 180)}.{rng.randint(10, 99)}平方米"],
            ["登记类型", rng.choice(("首次登记", "转移登记", "变更登记"))],
        ]
    if code == "JS-GH-006":
        return [
            [
                "项目名称",
                f"浦江区{rng.choice(('科创', '商业', '住宅', '产业'))}"
                f"{rng.randint(1, 40)}号地块项目",
            ],
            ["建设规模", f"总建筑面积{rng.randint(3000, 90000)}平方米"],
        ]
    if code == "CS-YX-004":
        return [["新生儿性别", rng.choice(("男", "女"))], ["出生地点", "上海市浦江区妇幼保健院"]]
    return [["申请类别", "新办"]]


def _form(
    sheet: PdfSheet, plan: CasePlan, spec: FileSpec, rng: random.Random, profile: SizeProfile
) -> SealBox | None:
    sheet.title(spec.title)
    sheet.line(f"事项名称：{plan.item.task_name}　　受理编号：{plan.accept_number}", 10)
    sheet.table(_applicant_rows(plan) + _item_rows(plan, rng), (0.28, 0.72))
    sheet.paragraph("申请人声明：" + rng.choice(CLAUSES[:3]) + CLAUSES[6])
    sheet.line(f"申请人（签字或盖章）：{plan.applicant.name}", 11)
    sheet.line(f"申请日期：{_date(plan.receive_time)}", 11)
    return None


def _text(
    sheet: PdfSheet, plan: CasePlan, spec: FileSpec, rng: random.Random, profile: SizeProfile
) -> SealBox | None:
    pages = rng.randint(*profile.text_pages)
    sheet.title(spec.title)
    sheet.line(f"{plan.applicant.name}　　{_date(spec.created)}", 10, align="center")
    article = 0
    while sheet.page < pages - 1 or (article < 4):
        article += 1
        if article % 8 == 1:
            chapter = rng.choice(CHAPTERS)
            sheet.line(f"第{(article + 7) // 8}章　{chapter}", 13, align="center")
        body = "".join(rng.sample(CLAUSES, k=rng.randint(2, 4)))
        sheet.paragraph(f"第{article}条　{plan.applicant.name}{body}")
        if sheet.page >= pages:
            break
    sheet.line(f"{plan.applicant.name}（盖章）", 11, align="right")
    return None


def licence_rows(plan: CasePlan, spec: FileSpec) -> list[list[str]]:
    cert = spec.licence or plan.result_certificate
    number = cert.number if cert else ""
    rows = [
        ["证照编号", number],
        ["持证主体", plan.applicant.name],
        [plan.applicant.id_type, plan.applicant.id_number],
        ["住所", plan.applicant.address],
    ]
    if plan.applicant.legal_representative:
        rows.append(["法定代表人", plan.applicant.legal_representative])
    if spec.kind == "called_licence" and plan.organization is not None:
        rows.append(["成立日期", _date(plan.organization.established)])
        rows.append(["注册资本", f"{plan.organization.registered_capital}万元人民币"])
    else:
        rows.append(
            [
                "有效期",
                f"{_date(spec.created)}至{spec.created.year + 5}年"
                f"{spec.created.month}月{spec.created.day}日",
            ]
        )
    return rows


def _licence(
    sheet: PdfSheet, plan: CasePlan, spec: FileSpec, rng: random.Random, profile: SizeProfile
) -> SealBox | None:
    kind = spec.licence.type if spec.licence else spec.title
    sheet.title(kind, 26, 10)
    sheet.line("（电子证照）" if spec.kind == "licence" else "（电子证照　调用件）", 11, "center")
    sheet.space(10)
    sheet.table(licence_rows(plan, spec), (0.3, 0.7), 11)
    issuer = spec.licence.issuer if spec.licence else plan.item.fonds_name
    sheet.paragraph(f"本证照由{issuer}签发，可通过国家政务服务平台电子证照系统核验。", 9)
    return sheet.seal_block(issuer, spec.created)


def _notice(
    sheet: PdfSheet, plan: CasePlan, spec: FileSpec, rng: random.Random, profile: SizeProfile
) -> SealBox | None:
    year = spec.created.year
    sheet.title(spec.title)
    sheet.line(
        f"沪浦{plan.item.organization_code}字〔{year}〕第{rng.randint(1, 99999):06d}号",
        10,
        align="center",
    )
    sheet.line(f"{plan.applicant.name}：", 12)
    start = (
        f"你（单位）于{_date(plan.receive_time)}提出的{plan.item.task_name}申请"
        f"（受理编号：{plan.accept_number}），"
    )
    if spec.kind == "refusal":
        sheet.paragraph(
            start + "经审查，申请材料不符合法定条件和标准，根据有关法律法规规定，决定不予许可。"
        )
        sheet.paragraph(
            "如不服本决定，可以自收到本通知书之日起六十日内依法申请行政复议，"
            "或者在六个月内依法向人民法院提起行政诉讼。"
        )
    elif spec.kind == "decision":
        sheet.paragraph(
            start + "经审查，申请材料齐全、符合法定形式，符合法定条件和标准，决定准予行政许可。"
        )
        if plan.result_certificate is not None:
            sheet.paragraph(
                f"核发{plan.result_certificate.type}，证号：{plan.result_certificate.number}。"
            )
    elif spec.kind == "completion":
        sheet.paragraph(start + "已办理完毕，办理结果：准予。相关信息已同步至政务服务平台。")
    else:  # correction
        sheet.paragraph(
            start + "经审查，申请材料不齐全或者不符合法定形式，请于五个工作日内补齐补正以下材料："
        )
        for n, f in enumerate((f for f in plan.files if f.material_code.startswith("A")), 1):
            if n <= 2:
                sheet.paragraph(f"{n}. {f.title}（需提供清晰完整的材料）", indent=False)
    sheet.table(
        [
            ["办理事项", plan.item.task_name],
            ["经办部门", plan.item.fonds_name],
            ["业务流水号", plan.project_id],
        ],
        (0.3, 0.7),
    )
    if spec.kind == "correction":
        sheet.line(f"{plan.item.fonds_name}　{_date(spec.created)}", 11, align="right")
        return None
    return sheet.seal_block(plan.item.fonds_name, spec.created)


def _receipt(
    sheet: PdfSheet, plan: CasePlan, spec: FileSpec, rng: random.Random, profile: SizeProfile
) -> SealBox | None:
    sheet.title(spec.title)
    sheet.table(
        [
            ["业务流水号", plan.project_id],
            ["受理编号", plan.accept_number],
            ["申请人", plan.applicant.name],
            ["办理事项", plan.item.task_name],
            ["收件时间", plan.process[0].time.strftime("%Y-%m-%d %H:%M:%S")],
        ],
        (0.3, 0.7),
    )
    rows = [["序号", "材料编号", "材料名称", "形式"]]
    for n, f in enumerate((f for f in plan.files if f.material_code.startswith("A")), 1):
        rows.append([str(n), f.material_code, f.title, "电子"])
    sheet.table(rows, (0.12, 0.16, 0.52, 0.2))
    sheet.paragraph(
        "以上材料已收取，本凭证不作为受理依据。可凭业务流水号在一网通办平台查询办理进度。", 10
    )
    sheet.line(f"经办人：{plan.process[0].actor}　　{plan.process[0].department}", 10, "right")
    return None


def _approval(
    sheet: PdfSheet, plan: CasePlan, spec: FileSpec, rng: random.Random, profile: SizeProfile
) -> SealBox | None:
    sheet.title(spec.title)
    sheet.table(
        [
            ["办件名称", plan.project_name],
            ["事项编码", plan.item.task_code],
            ["受理编号", plan.accept_number],
            ["承办部门", plan.item.fonds_name],
        ],
        (0.3, 0.7),
    )
    rows = [["环节", "经办人", "时间", "意见"]]
    for step in plan.process:
        if step.time <= spec.created:
            rows.append(
                [
                    STEP_NAMES.get(step.code, step.code),
                    step.actor,
                    step.time.strftime("%Y-%m-%d %H:%M"),
                    step.opinion,
                ]
            )
    sheet.table(rows, (0.12, 0.14, 0.24, 0.5))
    return None


PDF_KINDS: dict[str, Renderer] = {
    "form": _form,
    "text_pdf": _text,
    "called_licence": _licence,
    "licence": _licence,
    "refusal": _notice,
    "decision": _notice,
    "completion": _notice,
    "correction": _notice,
    "receipt": _receipt,
    "approval": _approval,
}


def render_pdf(
    font: str, plan: CasePlan, spec: FileSpec, rng: random.Random, profile: SizeProfile
) -> tuple[bytes, SealBox | None]:
    """The PDF bytes of ``spec`` and the seal box (``None`` if the document has no seal)."""
    sheet = PdfSheet(font, title=spec.title, author=plan.item.fonds_name, created=spec.created)
    seal = PDF_KINDS[spec.kind](sheet, plan, spec, rng, profile)
    return sheet.finish(), seal
