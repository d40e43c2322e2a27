"""Deterministic demo bookings: for a given office and day, the same people, tokens and codes every time.

`seeded_bookings(office, day, now)` is also what the kiosk demo uses to build simulated ID cards that match
the server's bookings. The first three bookings (one per couple business) are "walk-through" bookings whose
slot is the current half hour when `now` falls on `day`, so a demo can check in at any time of day; their
people do not depend on `now`.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from kiosk.domain.appointment_qr import make_appointment_qr
from kiosk.domain.checkin import normalise_phone
from kiosk.domain.divisions import HEYUAN_COUNTIES
from kiosk.domain.idnumber import check_character

_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TOWNS = {
    "441602": ("上城街道", "新江街道", "东埔街道", "埔前镇"),
    "441621": ("紫城镇", "龙窝镇", "九和镇", "古竹镇"),
    "441622": ("老隆镇", "佗城镇", "鹤市镇", "车田镇"),
    "441623": ("元善镇", "忠信镇", "隆街镇"),
    "441624": ("阳明镇", "林寨镇", "东水镇"),
    "441625": ("仙塘镇", "船塘镇", "义合镇"),
}
# Places outside Heyuan: division code of first registration, address prefix.
_OUTSIDE = {
    "guangzhou": ("440106", "广东省广州市天河区天河路"),
    "changsha": ("430102", "湖南省长沙市芙蓉区五一大道"),
    "meizhou": ("441402", "广东省梅州市梅江区江南路"),
}
_SURNAMES = "陈李黄张刘钟曾叶邱赖罗谢杨朱温"
_GIVEN = {
    "male": ("伟强", "志明", "俊杰", "家豪", "建华", "文斌", "永康", "子轩", "国栋", "晓东"),
    "female": ("丽华", "美玲", "晓燕", "思琪", "雅婷", "秀英", "嘉欣", "慧敏", "春梅", "静怡"),
}
_FALLBACK_HOURS = ["08:30-12:00", "14:30-17:30"]
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# (business, party 1 origin, party 2 origin, label); origin: "here", "other" (another Heyuan county),
# "military" (here, active duty), "moved" (number from Meizhou, hukou here) or a key of _OUTSIDE; None = no party.
_PLAN = (
    ("marriage", "here", "here", "local"),
    ("divorce_application", "here", "here", "local"),
    ("divorce_certificate", "here", "here", "local"),
    ("marriage", "here", "other", "other_county"),
    ("marriage", "other", "other", "other_county"),
    ("marriage", "here", "guangzhou", "outside_city"),
    ("marriage", "changsha", "other", "outside_city"),
    ("marriage", "military", "here", "military"),
    ("divorce_application", "other", "other", "other_county"),
    ("divorce_certificate", "other", "meizhou", "outside_city"),
    ("reissue_certificate", "here", None, "reissue"),
    ("marriage", "moved", "here", "moved"),
)
WALK_THROUGH = 3


def _rng(office: str, day: date) -> random.Random:
    return random.Random(f"heyuan-demo:{office}:{day.isoformat()}")


def _id_number(rng: random.Random, division: str, birth: date, sex: str) -> str:
    seq = rng.randrange(1, 499) * 2 + (1 if sex == "male" else 0)
    body = f"{division}{birth:%Y%m%d}{seq:03d}"
    return body + check_character(body)


def _birth(rng: random.Random, day: date, youngest: int, oldest: int) -> date:
    return day - timedelta(days=rng.randint(youngest * 366, oldest * 365))


def _party(rng: random.Random, office: str, origin: str, sex: str, day: date, business: str) -> dict:
    others = [c for c in HEYUAN_COUNTIES if c != office]
    if origin in _OUTSIDE:
        division, prefix = _OUTSIDE[origin]
        address = f"{prefix}{rng.randint(1, 300)}号"
    else:
        county = rng.choice(others) if origin == "other" else office
        division = "441402" if origin == "moved" else county
        address = (
            f"广东省河源市{HEYUAN_COUNTIES[county]}{rng.choice(_TOWNS[county])}"
            f"{rng.choice('东南西北')}村{rng.randint(1, 120)}号"
        )
    youngest, oldest = ((22 if sex == "male" else 20) + 2, 38) if business == "marriage" else (28, 55)
    birth = _birth(rng, day, youngest, oldest)
    return {
        "document": "resident_id",
        "id_number": _id_number(rng, division, birth, sex),
        "name": rng.choice(_SURNAMES) + rng.choice(_GIVEN[sex]),
        "sex": sex,
        "birth": birth.isoformat(),
        "address": address,
        "military": origin == "military",
    }


def _slots(hours: dict[str, list[str]], day: date) -> list[str]:
    spans = hours.get(_WEEKDAYS[day.weekday()]) or _FALLBACK_HOURS  # demo: closed days use weekday hours
    out = []
    for span in spans:
        start, end = (datetime.combine(day, datetime.strptime(t, "%H:%M").time()) for t in span.split("-"))
        while start < end:
            out.append(start.strftime("%H:%M"))
            start += timedelta(minutes=30)
    return out


def _current_slot(now: datetime) -> str:
    return f"{now.hour:02d}:{0 if now.minute < 30 else 30:02d}"


def seeded_bookings(
    office: str, day: date, now: datetime | None = None, opening_hours: dict[str, list[str]] | None = None
) -> list[dict]:
    """The demo bookings of `office` on `day` (deterministic). `now` places the walk-through slots."""
    rng = _rng(office, day)
    slots = _slots(opening_hours or {}, day)
    later = [slots[(i * len(slots)) // (len(_PLAN) - WALK_THROUGH)] for i in range(len(_PLAN) - WALK_THROUGH)]
    walk_slot = _current_slot(now) if now is not None and now.date() == day else slots[0]
    bookings = []
    for i, (business, first, second, label) in enumerate(_PLAN):
        sexes = ("male", "female") if business == "marriage" else rng.choice((("male", "female"), ("female", "male")))
        parties = [_party(rng, office, first, sexes[0], day, business)]
        if second:
            parties.append(_party(rng, office, second, sexes[1], day, business))
        token = "".join(rng.choice(_B32) for _ in range(16))
        extra: dict = {"label": label}
        if business == "divorce_certificate":
            # Applied 41–59 days ago: inside the window to collect the certificate even when the cooling-off's
            # 30th day fell in a long holiday and moved (by up to 9 days, Civil Code art. 203).
            ago = 41 + (rng.randint(31, 55) - 31) * 18 // 24
            extra["divorce_application"] = {"date": (day - timedelta(days=ago)).isoformat(), "office": office}
        if business == "reissue_certificate":
            extra["certificate_lost"] = True
        bookings.append(
            {
                "appointment_id": f"AP{office}{day:%Y%m%d}{i + 1:02d}",
                "office": office,
                "date": day.isoformat(),
                "slot": walk_slot if i < WALK_THROUGH else later[i - WALK_THROUGH],
                "business": business,
                "token": token,
                "qr": make_appointment_qr(office, token),
                "phone": "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9)),
                "code": f"{rng.randrange(10**6):06d}",
                "parties": parties,
                "extra": extra,
            }
        )
    return bookings


def card_fields(party: dict, day: date) -> dict:
    """A party as the fields an ID card reader returns (see the card fixture format in tests/fixtures/cards)."""
    birth = date.fromisoformat(party["birth"])
    age = (day - birth).days // 365
    issued = day - timedelta(days=400)
    years = 10 if age < 26 else 20
    county = party["address"][6:9] if party["address"].startswith("广东省河源市") else party["address"][3:6]
    return {
        "card_type": "resident_id",
        "name": party["name"],
        "sex": party["sex"],
        "nation": "汉",
        "nation_code": "01",
        "birth": party["birth"],
        "address": party["address"],
        "id_number": party["id_number"],
        "authority": f"{county}公安局",
        "valid_from": issued.isoformat(),
        "valid_until": "long_term" if age >= 46 else issued.replace(year=issued.year + years).isoformat(),
        "photo_bytes": 1024,
    }


def export_cards(office: str, day: date, out_dir, opening_hours: dict | None = None) -> list:
    """Write each demo party as a card fixture (`<appointment id>-<n>.json`) for `kiosk-sim idcard --card`."""
    import json
    from pathlib import Path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for b in seeded_bookings(office, day, None, opening_hours):
        for n, party in enumerate(b["parties"], 1):
            path = out / f"{b['appointment_id']}-{n}.json"
            path.write_text(json.dumps(card_fields(party, day), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m office.seed", description="export demo parties as card fixtures")
    parser.add_argument("--office", required=True)
    parser.add_argument("--date", required=True, type=date.fromisoformat)
    parser.add_argument("--out", required=True)
    a = parser.parse_args()
    print("\n".join(str(p) for p in export_cards(a.office, a.date, a.out)))


def store_bookings(conn, bookings: list[dict]) -> int:
    """Insert bookings (existing ones are left alone, so re-seeding on restart is harmless)."""
    import json

    added = 0
    for b in bookings:
        cur = conn.execute(
            "INSERT OR IGNORE INTO appointments (appointment_id, office, day, slot, business, token, phone, code,"
            " extra) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                b["appointment_id"],
                b["office"],
                b["date"],
                b["slot"],
                b["business"],
                b["token"],
                normalise_phone(b["phone"]),
                b["code"],
                json.dumps(b["extra"], ensure_ascii=False),
            ),
        )
        if cur.rowcount:
            added += 1
            conn.executemany(
                "INSERT INTO parties (appointment_id, seq, id_number, name, sex, birth, address, document, military)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (
                        b["appointment_id"],
                        n,
                        p["id_number"],
                        p["name"],
                        p["sex"],
                        p["birth"],
                        p["address"],
                        p["document"],
                        int(p["military"]),
                    )
                    for n, p in enumerate(b["parties"])
                ],
            )
    return added
