"""UI words in Chinese (first) and English, chosen by the ``lang`` cookie."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["LANGUAGES", "MESSAGES", "translator"]

LANGUAGES = ("zh", "en")

#: key → (中文, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "app": ("电子档案", "Electronic archive"),
    "tagline": ("政务服务办件归档 · 单套制", "Government-service case archive · single set"),
    "login": ("登录", "Sign in"),
    "logout": ("退出", "Sign out"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "login_failed": ("用户名或密码错误", "Wrong user name or password"),
    "search": ("检索", "Search"),
    "search_placeholder": ("关键词、电子文件号或档号", "Keyword, record code or archival code"),
    "holdings": ("命中", "Matches"),
    "items": ("件", "archives"),
    "no_hits": ("没有找到符合条件的档案", "No archive matches"),
    "facet_task_name": ("事项", "Service item"),
    "facet_year": ("年度", "Year"),
    "facet_department": ("受理部门", "Department"),
    "facet_result": ("办理结果", "Result"),
    "facet_retention": ("保管期限", "Retention"),
    "facet_security_classification": ("密级", "Classification"),
    "clear_filters": ("清除筛选", "Clear filters"),
    "archival_code": ("档号", "Archival code"),
    "erc": ("电子文件号", "Electronic record code"),
    "task": ("事项", "Service item"),
    "department": ("受理部门", "Department"),
    "accept_number": ("受理编号", "Acceptance number"),
    "result": ("办理结果", "Result"),
    "receive_time": ("受理时间", "Received"),
    "transact_time": ("办结时间", "Completed"),
    "retention": ("保管期限", "Retention"),
    "classification": ("密级", "Classification"),
    "version": ("版本", "Version"),
    "applicant": ("申请人", "Applicant"),
    "applicant_id": ("证件号码", "ID number"),
    "address": ("地址", "Address"),
    "fonds": ("全宗", "Fonds"),
    "sharing": ("共享属性", "Sharing"),
    "masked_note": ("个人信息已按权限脱敏", "Personal data masked for your role"),
    "metadata": ("元数据", "Metadata"),
    "timeline": ("办理过程", "Handling timeline"),
    "step": ("环节", "Step"),
    "actor": ("经办人", "Actor"),
    "time": ("时间", "Time"),
    "opinion": ("意见", "Opinion"),
    "files": ("文件", "Files"),
    "material": ("材料", "Material"),
    "title": ("题名", "Title"),
    "format": ("格式", "Format"),
    "size": ("大小", "Size"),
    "signature": ("签名", "Signature"),
    "signed": ("含签名/签章", "signed"),
    "unsigned": ("无签名", "not signed"),
    "verification_pending": ("验证结果待四性检测", "verification pending (四性 check)"),
    "seal_intact": ("未篡改", "intact"),
    "seal_valid": ("签名有效", "valid"),
    "seal_trusted": ("可信", "trusted"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "undecided": ("待人工", "manual review"),
    "preview": ("预览", "Preview"),
    "download": ("下载", "Download"),
    "close": ("关闭", "Close"),
    "versions": ("版本历史", "Version history"),
    "created": ("形成时间", "Created"),
    "purpose": ("查档目的", "Purpose of access"),
    "export": ("导出 BagIt", "Export BagIt"),
    "console": ("档案员工作台", "Archivist console"),
    "upload": ("上传办件包", "Upload case packages"),
    "upload_hint": ("选择一个或多个 ZIP 办件包", "Choose one or more case package ZIPs"),
    "start_upload": ("开始上传", "Upload"),
    "quarantine": ("隔离区（被拒收的办件包）", "Quarantine (refused packages)"),
    "refused_at": ("拒收时间", "Refused at"),
    "reasons": ("拒收原因", "Reasons"),
    "empty_quarantine": ("隔离区为空", "The quarantine is empty"),
    "audit": ("审计", "Audit"),
    "event_log": ("事件日志", "Event log"),
    "chain": ("哈希链校验", "Hash chain verification"),
    "seq": ("序号", "Seq"),
    "agent": ("主体", "Agent"),
    "action": ("动作", "Action"),
    "object": ("对象", "Object"),
    "outcome": ("结果", "Outcome"),
    "detail": ("详情", "Detail"),
    "filter": ("筛选", "Filter"),
    "not_found": ("未找到", "Not found"),
    "forbidden": ("无权访问", "Forbidden"),
    "error": ("出错了", "Something went wrong"),
    "back": ("返回检索", "Back to search"),
    "role": ("角色", "Role"),
    "role_admin": ("管理员", "Administrator"),
    "role_archivist": ("档案员", "Archivist"),
    "role_department": ("业务部门", "Department"),
    "role_auditor": ("审计人员", "Auditor"),
    "role_bureau": ("档案馆", "Archive bureau"),
    "role_submitter": ("报送系统", "Submitting system"),
    "step_1": ("收件", "Received"),
    "step_2": ("受理", "Accepted"),
    "step_3": ("审核", "Reviewed"),
    "step_4": ("办结", "Completed"),
    "step_11": ("补齐补正", "Correction"),
    "step_12": ("挂起", "Suspended"),
    "step_99": ("其他", "Other"),
}


def translator(lang: str) -> Callable[[str], str]:
    """``t(key)`` in ``lang`` (``zh`` unless ``en``); an unknown key comes back unchanged."""
    column = 1 if lang == "en" else 0

    def t(key: str) -> str:
        entry = MESSAGES.get(key)
        return entry[column] if entry else key

    return t
