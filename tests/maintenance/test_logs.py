import io
import json
import logging

import pytest

from kiosk.maintenance.logs import JsonFormatter, KnownNames, MaskingFilter, RecentLines, mask_text, setup_logging

ID = "44162119900501123X"
HK = "810000199408230021"


@pytest.mark.parametrize(
    "text,gone,kept",
    [
        (f"card {ID} read", ID, "441621********123X"),
        (f"permit {HK}", HK, "810000********0021"),
        ("call 13912345678 now", "13912345678", "139****5678"),
        ("call +86 139 1234 5678", "1234", "139****5678"),
    ],
)
def test_mask_text(text, gone, kept):
    out = mask_text(text)
    assert gone not in out and kept in out


def test_numbers_that_are_not_ids_or_phones_stay():
    text = "ticket A001 took 1234 ms; order 20261126123456789012345; sam 05.01-20200101-0001234567"
    assert mask_text(text) == text


def test_known_names_longest_first():
    names = KnownNames()
    names.add("欧阳娜娜", "欧阳", "x")
    assert mask_text("欧阳娜娜 and 欧阳", names) == "欧**娜 and 欧*"
    names.clear()
    assert mask_text("欧阳娜娜", names) == "欧阳娜娜"


def test_filter_masks_message_args_extras_and_traceback():
    names = KnownNames()
    names.add("张三丰")
    stream = io.StringIO()
    names, recent = setup_logging("DEBUG", names=names, stream=stream, recent=RecentLines(10))
    log = logging.getLogger("kiosk.test.child")
    try:
        try:
            raise ValueError(f"bad card {ID}")
        except ValueError:
            log.exception(
                "read failed for %s (%s)", "张三丰", ID, extra={"phone": "13912345678", "party": {"id_number": ID}}
            )
        log.info("plain %d", 5)
    finally:
        for h in [h for h in logging.getLogger().handlers if getattr(h, "_kiosk_handler", False)]:
            logging.getLogger().removeHandler(h)
    out = stream.getvalue()
    assert ID not in out and "张三丰" not in out and "13912345678" not in out
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["msg"] == "read failed for 张*丰 (441621********123X)"
    assert first["level"] == "error" and first["logger"] == "kiosk.test.child"
    assert first["party"]["id_number"] == "441621********123X" and first["phone"] == "139****5678"
    assert "ValueError: bad card 441621********123X" in first["exc"]
    assert second["msg"] == "plain 5"
    lines = recent.lines()
    assert len(lines) == 2 and "张*丰" in lines[0] and ID not in "".join(lines)


def test_bad_format_string_is_kept_masked():
    rec = logging.LogRecord("x", logging.INFO, __file__, 1, "oops %d %d", (ID,), None)
    MaskingFilter().filter(rec)
    assert ID not in rec.getMessage() and "oops" in rec.getMessage()
    assert json.loads(JsonFormatter().format(rec))["msg"] == rec.getMessage()


def test_journal_priority_prefix():
    rec = logging.LogRecord("x", logging.WARNING, __file__, 1, "hello", None, None)
    assert JsonFormatter(journal=True).format(rec).startswith('<4>{"ts"')
    assert JsonFormatter().format(rec).startswith('{"ts"')


def test_recent_lines_in_china_time_repeats_counted_and_filtered_by_level():
    # The page showed UTC while audit and tickets use China time, and audio warnings pushed everything else out.
    import logging as lg
    from datetime import datetime, timezone

    from kiosk.maintenance.logs import RecentLines

    recent = RecentLines(size=10)
    at = datetime(2026, 11, 26, 2, 5, 7, tzinfo=timezone.utc).timestamp()  # 10:05:07 in China
    for _ in range(50):
        recent.emit(
            lg.makeLogRecord(
                {
                    "name": "kivy",
                    "levelno": lg.WARNING,
                    "levelname": "WARNING",
                    "msg": "audio: no device",
                    "created": at,
                }
            )
        )
    recent.emit(
        lg.makeLogRecord(
            {"name": "kiosk.link", "levelno": lg.ERROR, "levelname": "ERROR", "msg": "office down", "created": at}
        )
    )
    recent.emit(
        lg.makeLogRecord(
            {"name": "kiosk", "levelno": lg.INFO, "levelname": "INFO", "msg": "ticket printed", "created": at}
        )
    )
    assert recent.lines() == [
        "10:05:07 W kivy: audio: no device  (×50)",
        "10:05:07 E kiosk.link: office down",
        "10:05:07 I kiosk: ticket printed",
    ]
    assert recent.lines(min_level=lg.ERROR) == ["10:05:07 E kiosk.link: office down"]


def test_json_lines_carry_china_time():
    import json as js
    import logging as lg
    from datetime import datetime, timezone

    from kiosk.maintenance.logs import JsonFormatter

    at = datetime(2026, 11, 26, 2, 5, 7, tzinfo=timezone.utc).timestamp()
    rec = lg.makeLogRecord({"name": "k", "levelno": lg.INFO, "levelname": "INFO", "msg": "m", "created": at})
    assert js.loads(JsonFormatter().format(rec))["ts"].startswith("2026-11-26T10:05:07.000+08:00")
