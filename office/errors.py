"""API errors: an HTTP status, a stable machine code and a message in both languages."""

from __future__ import annotations

from kiosk.domain.checkin import MESSAGES as CHECKIN_MESSAGES

MESSAGES: dict[str, dict[str, str]] = {
    **CHECKIN_MESSAGES,
    "idempotency_key_invalid": {
        "zh": "Idempotency-Key 须为 1–200 个字符。",
        "en": "The Idempotency-Key header must be 1–200 characters.",
    },
    "idempotency_conflict": {
        "zh": "同一 Idempotency-Key 已用于不同的请求。",
        "en": "This Idempotency-Key was already used with a different request.",
    },
    "superseded": {"zh": "该请求已被离线取号记录取代。", "en": "This request was superseded by an offline ticket."},
    "unknown_office": {"zh": "没有这个婚姻登记处。", "en": "No such office."},
    "unknown_business": {"zh": "没有这项业务。", "en": "No such business."},
    "appointment_not_found": {"zh": "没有找到预约。", "en": "No appointment was found."},
    "other_office": {"zh": "该预约属于其他婚姻登记处。", "en": "This appointment is for another office."},
    "business_mismatch": {"zh": "业务类型与预约不一致。", "en": "The business does not match the appointment."},
    "not_checked_in": {"zh": "预约尚未签到。", "en": "The appointment has not been checked in."},
    "ticket_already_issued": {"zh": "该预约已取过号。", "en": "A ticket was already issued for this appointment."},
    "quota_exhausted": {
        "zh": "今日现场取号名额已满，请预约后再来。",
        "en": "Today's walk-in tickets are all gone; please book an appointment.",
    },
    "range_exhausted": {"zh": "今日该业务号码已发完。", "en": "All of today's numbers for this business are used."},
    "offline_number_invalid": {
        "zh": "离线号码不在离线号段内。",
        "en": "The offline number is outside the offline range.",
    },
    "offline_number_taken": {"zh": "该离线号码已登记。", "en": "This offline number is already recorded."},
    "offline_implausible": {
        "zh": "该离线号码不可能由这台终端在离线时发出，不予登记。",
        "en": "This kiosk cannot have issued that offline number while offline; it is not recorded.",
    },
    "too_many_attempts": {
        "zh": "验证码错误次数过多，请稍后再试。",
        "en": "Too many wrong codes; please try again later.",
    },
    "call_not_found": {"zh": "没有这个呼叫。", "en": "No such call for staff."},
    "queue_empty": {"zh": "没有等候中的号码。", "en": "Nobody is waiting."},
    "window_busy": {"zh": "请先办结或处理本窗口的当前号码。", "en": "Finish the ticket at this window first."},
    "window_paused": {"zh": "本窗口已暂停服务。", "en": "This window is paused."},
    "not_at_window": {"zh": "该号码不在本窗口。", "en": "This ticket is not at this window."},
    "unknown_window": {"zh": "没有这个窗口。", "en": "No such window at this office."},
    "already_serving": {"zh": "该号码已开始办理。", "en": "This ticket is already being served."},
    "recall_first": {
        "zh": "请先重呼，达到次数后才能记为未到。",
        "en": "Recall the number first; no-show is allowed after the set number of recalls.",
    },
    "invalid_range": {"zh": "日期范围无效。", "en": "The date range is invalid."},
    "invalid_request": {"zh": "请求格式不正确。", "en": "The request is not valid."},
    "office_closed": {
        "zh": "现在不是本处的取号时间。",
        "en": "This office is not issuing numbers at this time.",
    },
    "bad_time": {"zh": "时间不正确。", "en": "The time given is not plausible."},
    "not_found": {"zh": "没有这个地址。", "en": "No such path."},
    "internal_error": {"zh": "服务器内部错误。", "en": "Internal server error."},
    "storage_full": {
        "zh": "服务器存储空间已满，未保存任何内容，请稍后重试。",
        "en": "The server's disk is full; nothing was stored. Try again later.",
    },
    "certificate_required": {
        "zh": "需要本登记处签发的客户端证书。",
        "en": "A client certificate from the office's CA is required.",
    },
    "certificate_revoked": {"zh": "该证书已被吊销。", "en": "This certificate has been revoked."},
    "forbidden_role": {"zh": "该证书的角色无权进行此操作。", "en": "This certificate's role may not do this."},
    "forbidden_office": {
        "zh": "该证书只能用于其所属的婚姻登记处。",
        "en": "This certificate may act only for its own office.",
    },
    "kiosk_id_mismatch": {"zh": "kiosk_id 与证书不一致。", "en": "kiosk_id does not match the client certificate."},
    "date_not_allowed": {
        "zh": "只能获取今天（截止时间后可含明天）的预约。",
        "en": "Only today's bookings (and tomorrow's after the cut-off hour) may be fetched.",
    },
    "body_too_large": {"zh": "请求内容过大。", "en": "The request body is too large."},
    "unsupported_media_type": {"zh": "请求须为 application/json。", "en": "The request must be application/json."},
    "host_not_allowed": {"zh": "Host 不是本服务器的名称。", "en": "The Host header does not name this server."},
    "method_not_allowed": {"zh": "不支持该方法。", "en": "Method not allowed."},
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, **extra):
        self.status, self.code, self.extra = status, code, extra
        super().__init__(code)

    def body(self) -> dict:
        message = MESSAGES.get(self.code, {"zh": self.code, "en": self.code})
        return {"error": self.code, "message": message, **self.extra}


RETRY_FULL_S = 60  # Retry-After of a 503 storage_full


def storage_failure(e: BaseException) -> bool:
    """SQLite could not write for want of space (SQLITE_FULL) or an I/O error (SQLITE_IOERR): a 503, not a 500."""
    import sqlite3

    code = getattr(e, "sqlite_errorcode", None) if isinstance(e, sqlite3.Error) else None
    return code is not None and code & 0xFF in (13, 10) or (isinstance(e, sqlite3.Error) and "disk is full" in str(e))


def trim(text: object, limit: int = 200) -> str:
    """Error details never echo much of what a client sent."""
    text = str(text).encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else text[:limit] + "…"
