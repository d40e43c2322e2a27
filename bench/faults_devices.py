"""Fault trials on the serial devices and the printer, through the simulators' handles (`registry.create(kind,
"sim://…")` gives a real driver over a pty; `.sim` injects the fault). Each trial: inject, then time until the
device does its job right again (recovered) — or not within the limit."""

from __future__ import annotations

import queue
import statistics
import time

from drivers.registry import create

LIMIT_S = 10.0
QR = "HYMR1:441621:ABCDEFGHJKLMNPQR"


class Tally:
    """Per fault: injected, recovered, recovery times."""

    def __init__(self):
        self.rows: dict[str, dict] = {}
        self.notes: list[str] = []

    def add(self, fault: str, recovered: bool, seconds: float | None, **extra) -> None:
        row = self.rows.setdefault(fault, {"injected": 0, "recovered": 0, "times": []})
        row["injected"] += 1
        row["recovered"] += bool(recovered)
        if recovered and seconds is not None:
            row["times"].append(seconds)
        for k, v in extra.items():
            row[k] = row.get(k, 0) + v

    def figures(self) -> dict:
        out = {}
        for fault, row in self.rows.items():
            times = row.pop("times")
            out[fault] = {
                **row,
                "recover_ms_median": round(1000 * statistics.median(times), 1) if times else None,
                "recover_ms_max": round(1000 * max(times), 1) if times else None,
            }
        return out


class Events:
    def __init__(self):
        self.q: queue.Queue = queue.Queue()

    def __call__(self, event) -> None:
        self.q.put(event)

    def wait_for(self, kind: str, timeout: float = LIMIT_S, test=None):
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.q.get(timeout=left)
            except queue.Empty:
                return None
            if type(event).__name__ == kind and (test is None or test(event)):
                return event
        return None

    def clear(self) -> None:
        while not self.q.empty():
            self.q.get_nowait()


def unplug(sim, events: Events, device: str) -> tuple[bool, float, bool]:
    """Pull the cable, then plug it back: (fault reported, replugged at, recovery reported)."""
    events.clear()
    sim.vanish()
    seen_fault = events.wait_for(f"{device}Fault", 5) is not None
    t0 = time.monotonic()
    sim.reappear()
    return seen_fault, t0, events.wait_for(f"{device}Recovered") is not None


def _card():
    from datetime import date

    from office.seed import card_fields, seeded_bookings

    day = date(2026, 11, 26)
    return card_fields(seeded_bookings("441621", day)[0]["parties"][0], day)


# --- ID card reader -------------------------------------------------------------------------------------------
def idcard_trials(rounds: int) -> dict:
    from drivers.idcard import codec

    card = _card()
    reader = create(
        "idcard", "sim://idcard", model_timing=False, poll_interval_s=0.02, backoff_s=(0.05, 0.5), answer_timeout_s=0.15
    )
    sim, events, tally = reader.sim, Events(), Tally()
    reader.start(events)
    try:
        sim.present(card)
        assert events.wait_for("CardRead"), "the reader never read the card"
        faults = [
            ("garbage 40 B", "garbage", 40, None),
            ("garbage 300 B", "garbage", 300, None),
            ("half frame (read reply)", "half", None, codec.READ_TEXT_PHOTO),
            ("half frame (first reply)", "half", None, None),
            ("bad checksum (read reply)", "checksum", None, codec.READ_TEXT_PHOTO),
            ("bytes dropped mid-frame", "drop", 7, None),
        ]
        for r in range(rounds):
            for label, kind, arg, command in faults:
                sim.remove()
                events.wait_for("CardRemoved", 2)
                events.clear()
                t0 = time.monotonic()
                sim.inject(kind, arg, command)
                sim.present(card)
                got = events.wait_for("CardRead")
                ok = got is not None and got.record.id_number == card["id_number"]
                tally.add(f"idcard {label}", ok, time.monotonic() - t0, wrong_reads=int(got is not None and not ok))
            # unplug/replug (during a read on odd rounds)
            sim.remove()
            events.wait_for("CardRemoved", 2)
            if r % 2:
                sim.present(card)
            seen_fault, t0, back = unplug(sim, events, "Reader")
            if not r % 2:
                sim.present(card)
            got = events.wait_for("CardRead") if back else None
            tally.add("idcard unplug/replug", bool(seen_fault and got), time.monotonic() - t0)
    finally:
        reader.stop()
    return tally.figures()


# --- QR scanner ---------------------------------------------------------------------------------------------------
def scanner_trials(rounds: int) -> dict:
    import os

    from kiosk.domain.appointment_qr import make_appointment_qr

    good = make_appointment_qr("441621", "ABCDEFGHJKMNPQRS")
    scanner = create("scanner", "sim://scanner", model_timing=False, backoff_s=(0.05, 0.5))
    sim, events, tally = scanner.sim, Events(), Tally()
    scanner.start(events)
    try:
        sim.scan(good)
        assert events.wait_for("Scan"), "the scanner never delivered a scan"
        bad_check = good[:-1] + ("A" if good[-1] != "A" else "B")
        for r in range(rounds):
            for name, data in (
                ("garbage", os.urandom(64) + b"\r"),
                ("half frame", good[:20].encode()),
                ("bad check", bad_check.encode() + b"\r"),
                ("runaway", b"x" * 5000),
            ):
                events.clear()
                sim.raw(data)
                time.sleep(0.2)  # let the idle flush end a half code
                t0 = time.monotonic()
                sim.scan(good)
                got = events.wait_for("Scan", test=lambda e: e.payload == good)
                tally.add(f"scanner {name}", got is not None, time.monotonic() - t0)
            seen_fault, t0, back = unplug(sim, events, "Scanner")
            got = None
            if back:
                deadline = time.monotonic() + LIMIT_S
                while got is None and time.monotonic() < deadline:  # the port may reopen a moment later
                    sim.scan(good)
                    got = events.wait_for("Scan", 0.3, test=lambda e: e.payload == good)
            tally.add("scanner unplug/replug", bool(seen_fault and got), time.monotonic() - t0)
    finally:
        scanner.stop()
    return tally.figures()


# --- fingerprint sensor ---------------------------------------------------------------------------------------------
def fingerprint_trials(rounds: int) -> dict:
    import os

    from kiosk.errors import DeviceError

    sensor = create("fingerprint", "sim://fingerprint", answer_timeout_s=0.3)
    sim, tally = sensor.sim, Tally()
    sim.start_behind_link()
    sim.put_finger("441622199608200022:right_thumb")
    plan: list = []
    real_send = sim.send

    def faulty_send(data: bytes, start_at=None):  # damages the next reply as planned
        if plan:
            kind = plan.pop(0)
            if kind == "garbage":
                data = os.urandom(32).replace(b"\xef\x01", b"\x00\x00") + data
            elif kind == "half":
                data = data[: len(data) // 2]
            elif kind == "checksum":
                data = data[:-1] + bytes([data[-1] ^ 0x5A])
        return real_send(data, start_at)

    sim.send = faulty_send

    def capture_until_ok(t0: float) -> bool:
        while time.monotonic() - t0 < LIMIT_S:
            try:
                if sensor.capture_feature(1) is not None:
                    return True
            except DeviceError:
                time.sleep(0.05)
        return False

    try:
        assert sensor.capture_feature(1) is not None
        for _ in range(rounds):
            for kind in ("garbage", "half", "checksum"):
                t0 = time.monotonic()
                plan.append(kind)
                tally.add(f"fingerprint {kind}", capture_until_ok(t0), time.monotonic() - t0)
            sim.vanish()
            try:
                sensor.capture_feature(0.3)
                seen = False
            except DeviceError:
                seen = True
            t0 = time.monotonic()
            sim.reappear()
            tally.add("fingerprint unplug/replug", seen and capture_until_ok(t0), time.monotonic() - t0)
    finally:
        sensor.close()
    return tally.figures()


# --- printer ------------------------------------------------------------------------------------------------------
def _ticket(n: int):
    from datetime import datetime

    from kiosk.config import load_offices, load_policy
    from kiosk.domain.ticket import build_ticket
    from kiosk.services.backend_status import CHINA

    office = load_offices()["441621"]
    policy = load_policy("heyuan-citywide-2021")
    return build_ticket(
        office=office,
        policy=policy,
        business="marriage",
        number=f"A{n:03d}",
        ticket_id=f"T{n:05d}",
        issued_at=datetime(2026, 11, 26, 10, 5, tzinfo=CHINA),
        waiting_ahead=n % 7,
        priority=True,
        parties=[("陈伟强", "441621199001011234")],
        offline=False,
    )


def printer_trials(rounds: int) -> dict:
    import threading

    from drivers.printer.port import PrintJob

    printer = create("printer", "sim://printer", max_job_age_s=60)
    sim, tally = printer.sim, Tally()
    counter = iter(range(1, 10**6))

    def job(age_s: float = 0.0):
        n = next(counter)
        return PrintJob(_ticket(n), time.monotonic() - age_s, f"T{n:05d}")

    def recover(name: str, failed, clear) -> None:
        """After the failed job: clear the fault, then the next job must print, and nothing else comes out."""
        cut_before = sim.cut_count
        wrong = int(failed.issued)
        t0 = time.monotonic()
        clear()
        result = None
        while time.monotonic() - t0 < LIMIT_S:
            result = printer.print_ticket(job())
            if result.issued:
                break
            time.sleep(0.05)
        ok = result is not None and result.issued
        stale = max(0, sim.cut_count - cut_before - 1)  # tickets cut besides the recovery job
        tally.add(
            f"printer {name}",
            ok and not wrong and not stale,
            time.monotonic() - t0,
            counted_as_issued=wrong,
            flagged_for_reprint=int(failed.reprint),
            stale_prints=stale,
        )

    try:
        assert printer.print_ticket(job()).issued
        for _ in range(rounds):
            sim.pull_paper()
            recover("paper out before job", printer.print_ticket(job()), sim.load_paper)
            sim.run_out_after(12)
            recover("paper out mid-job", printer.print_ticket(job()), sim.load_paper)
            sim.set_fault("cover_open")
            recover("cover open", printer.print_ticket(job()), lambda: sim.set_fault("cover_open", False))
            sim.set_fault("offline")
            recover("offline", printer.print_ticket(job()), lambda: sim.set_fault("offline", False))
            box: dict = {}
            worker = threading.Thread(target=lambda: box.setdefault("r", printer.print_ticket(job())))
            worker.start()
            time.sleep(0.005)
            printer.device.vanish()
            worker.join(30)
            recover("port vanished mid-job", box["r"], printer.device.reappear)
            stale = printer.print_ticket(job(age_s=61))
            tally.add(
                "printer stale job (queued too long)",
                stale.outcome == "dropped",
                0.0,
                stale_prints=int(stale.outcome != "dropped"),
            )
    finally:
        printer.close()
    return tally.figures()
