"""The real driver against the simulator over a pty (and TCP): status handling end to end."""

import threading
import time

import cv2
import pytest

from drivers.printer.driver import EscposPrinter
from drivers.printer.port import PrintJob
from drivers.printer.sim_core import PrinterSim
from drivers.printer.simulator import PtyPrinter, SimulatedPrinter, TcpPrinter
from drivers.printer.transport import FileTransport, SerialTransport, TcpTransport
from drivers.registry import create
from drivers.printer.render import ticket_bytes

# a status answer may take a busy machine a while; only the printer that never answers waits this out
FAST = dict(status_timeout_s=1.0, job_timeout_s=3.0)


@pytest.fixture
def printer(tmp_path):
    p = create("printer", f"sim://printer?out={tmp_path}&paper=5&near_end_after=3", **FAST)
    yield p
    p.close()


def job(ticket, age=0.0):
    return PrintJob(ticket, time.monotonic() - age, "job-1")


def decode_qr(png_path):
    img = cv2.imread(str(png_path))
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(img)
    return text


def test_ticket_prints_and_the_png_qr_decodes_to_the_ticket(printer, ticket):
    assert isinstance(printer, SimulatedPrinter)
    r = printer.print_ticket(job(ticket))
    assert (r.outcome, r.issued, r.reason) == ("printed", True, "")
    assert r.status_after.state == "ok" and not r.maintenance_alert
    receipt = printer.sim.receipts[-1]
    assert receipt.complete and receipt.qr_data == [ticket.qr_payload]
    assert decode_qr(receipt.png) == ticket.qr_payload == "TK1:441621:20261126:A012:T20261126-0012"
    text = receipt.text()
    assert "紫金县婚姻登记处" in text and "结婚登记" in text and "A012" in text and "张*丰" in text
    assert "三" not in text and "199005011234" not in text
    assert receipt.rasters == 1  # 李*堃 went as an image


def test_raster_qr_and_58mm_decode_too(tmp_path, ticket):
    p = create("printer", f"sim://printer?out={tmp_path}&paper_mm=58", native_qr=False, **FAST)
    try:
        assert p.print_ticket(job(ticket)).issued
        receipt = p.sim.receipts[-1]
        assert receipt.qr_data == [] and receipt.image().width == 384 + 64
        assert decode_qr(receipt.png) == ticket.qr_payload
    finally:
        p.close()


def test_paper_out_before_the_job_refuses_and_prints_nothing(printer, ticket):
    printer.sim.pull_paper()
    r = printer.print_ticket(job(ticket))
    assert (r.outcome, r.reason, r.issued, r.reprint, r.bytes_sent) == ("refused", "paper_out", False, True, 0)
    printer.sim.load_paper()
    assert printer.print_ticket(job(ticket)).issued
    assert len(printer.sim.receipts) == 1  # no backlog printed after the reload


def test_paper_out_during_the_job_fails_and_leaves_an_incomplete_receipt(printer, ticket):
    printer.sim.run_out_after(lines=8)
    r = printer.print_ticket(job(ticket))
    assert (r.outcome, r.reason, r.issued) == ("failed", "paper_out", False)
    assert r.status_before.state == "ok" and r.status_after.paper_out
    assert r.elapsed_s < 2.5  # noticed by polling, not by waiting out the job timeout
    assert [x.complete for x in printer.sim.receipts] == [False]


def test_the_roll_ends_after_m_tickets_with_near_end_first(printer, ticket):
    outcomes = [printer.print_ticket(job(ticket)) for _ in range(6)]
    assert [r.outcome for r in outcomes] == ["printed"] * 5 + ["failed"]
    assert [r.maintenance_alert for r in outcomes[:5]] == [False, False, True, True, True]
    assert outcomes[5].reason == "paper_out"
    assert printer.print_ticket(job(ticket)).outcome == "refused"


@pytest.mark.parametrize("fault,state", [("cover_open", "cover_open"), ("offline", "offline")])
def test_cover_open_and_offline_refuse(printer, ticket, fault, state):
    printer.sim.set_fault(fault)
    assert printer.status().state == state
    r = printer.print_ticket(job(ticket))
    assert (r.outcome, r.reason, r.bytes_sent) == ("refused", state, 0)
    printer.sim.set_fault(fault, False)
    assert printer.print_ticket(job(ticket)).issued


def fault_mid_job(sim, fault):
    """Set the fault when the QR command arrives (the ticket half printed)."""
    real_feed = sim.feed

    def feed(data):
        at = data.find(b"\x1d(k")
        if at < 0:
            return real_feed(data)
        reply = real_feed(data[:at])
        sim.set_fault(fault)
        return reply + real_feed(data[at:])

    sim.feed = feed


@pytest.mark.parametrize(
    "fault,state", [("cutter_jam", "cutter_error"), ("cover_open", "cover_open"), ("offline", "offline")]
)
def test_fault_during_the_job_fails(printer, ticket, fault, state):
    fault_mid_job(printer.sim, fault)
    r = printer.print_ticket(job(ticket))
    assert (r.outcome, r.reason, r.issued) == ("failed", state, False)
    assert [x.complete for x in printer.sim.receipts] == [False]
    assert printer.print_ticket(job(ticket)).outcome == "refused"


def test_printer_that_answers_nothing(printer, ticket):
    printer.sim.set_fault("mute")
    t0 = time.monotonic()
    assert printer.status().state == "not_responding"
    assert time.monotonic() - t0 < 2 * FAST["status_timeout_s"]  # one wait for the first query, not one per query
    r = printer.print_ticket(job(ticket))
    assert (r.outcome, r.reason) == ("refused", "not_responding") and "not_responding" in r.events


def test_garbage_on_the_status_line(printer, ticket):
    printer.sim.set_fault("garbage")
    assert printer.status().state == "garbage"
    r = printer.print_ticket(job(ticket))
    assert (r.outcome, r.reason) == ("refused", "garbage")


def test_stale_job_is_dropped_never_printed(printer, ticket):
    r = printer.print_ticket(job(ticket, age=61))
    assert (r.outcome, r.reason, r.bytes_sent) == ("dropped", "stale", 0)
    assert printer.sim.receipts == []


class VanishingPty(PtyPrinter):
    """The port disappears (USB cable pulled) once the job has started arriving."""

    def on_receive(self, data):
        super().on_receive(data)
        if self.bytes_in > 300:
            self._close()


def test_port_vanishing_mid_job_is_a_fault(ticket):
    sim = PrinterSim()
    device = VanishingPty(sim)
    events = []
    driver = EscposPrinter(SerialTransport(device.start(), 115200), on_event=lambda e, d: events.append(e), **FAST)
    try:
        r = driver.print_ticket(job(ticket))
        assert (r.outcome, r.reason, r.issued) == ("failed", "disconnected", False)
        assert "fault" in events and "fault" in r.events
        assert driver.status().state == "disconnected"
    finally:
        driver.close()
        device.stop()


def test_missing_port_is_disconnected(ticket):
    driver = create("printer", "/dev/kiosk-no-such-printer", **FAST)
    assert driver.status().state == "disconnected"
    r = driver.print_ticket(job(ticket))
    assert (r.outcome, r.reason) == ("refused", "disconnected")


def test_tcp_9100(ticket):
    sim = PrinterSim()
    server = TcpPrinter(sim, port=0)
    port = server.start()
    driver = create("printer", f"tcp://127.0.0.1:{port}", **FAST)
    try:
        assert isinstance(driver.transport, TcpTransport)
        assert driver.status().state == "ok"
        assert driver.print_ticket(job(ticket)).issued
        assert sim.receipts[-1].qr_data == [ticket.qr_payload]
        sim.set_fault("cover_open")
        assert driver.print_ticket(job(ticket)).reason == "cover_open"
    finally:
        driver.close()
        server.stop()


def test_file_transport_is_unverified(tmp_path, ticket):
    out = tmp_path / "out.bin"
    driver = create("printer", str(out))
    assert isinstance(driver.transport, FileTransport)
    r = driver.print_ticket(job(ticket))
    driver.close()
    assert (r.outcome, r.issued) == ("unverified", False)
    assert out.read_bytes() == ticket_bytes(ticket)


def test_concurrent_jobs_are_serialised(printer, ticket):
    results = []
    threads = [threading.Thread(target=lambda: results.append(printer.print_ticket(job(ticket)))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.outcome for r in results] == ["printed"] * 3
    assert [x.complete for x in printer.sim.receipts] == [True] * 3


def test_firmware_without_gs_r_can_be_judged_by_status_alone(tmp_path, ticket):
    p = create("printer", "sim://printer", confirm_printed=False, settle_s=0.05, **FAST)
    try:
        assert p.print_ticket(job(ticket)).issued
        p.sim.pull_paper()
        assert p.print_ticket(job(ticket)).reason == "paper_out"
    finally:
        p.close()


def test_driver_options_from_the_configured_url(ticket):
    from drivers.printer.driver import split_url_options
    from kiosk.errors import DeviceError

    assert split_url_options("socket://127.0.0.1:9?logging=debug&confirm=0&settle_s=0.5") == (
        "socket://127.0.0.1:9?logging=debug",
        {"confirm_printed": False, "settle_s": 0.5},
    )
    assert split_url_options("/dev/kiosk-printer?baudrate=19200") == ("/dev/kiosk-printer?baudrate=19200", {})
    sim = PrinterSim()
    server = TcpPrinter(sim, port=0)
    port = server.start()
    driver = create("printer", f"tcp://127.0.0.1:{port}?confirm=0&settle_s=0.05", **FAST)
    try:
        assert (driver.confirm_printed, driver.settle_s) == (False, 0.05)
        assert driver.print_ticket(job(ticket)).issued
    finally:
        driver.close()
        server.stop()
    with pytest.raises(DeviceError):
        create("printer", "tcp://127.0.0.1:9?settle_s=soon")


def test_unplugged_and_plugged_back(printer, ticket):
    assert printer.status().state == "ok"
    printer.device.vanish()
    assert printer.status().state == "disconnected"
    assert printer.print_ticket(job(ticket)).reason == "disconnected"
    printer.device.reappear()
    assert printer.status().state == "ok"
    assert printer.print_ticket(job(ticket)).issued


def test_usb_without_pyusb_or_device_is_disconnected(ticket):
    driver = create("printer", "usb://0x0416:0x5011", **FAST)
    assert driver.status().state == "disconnected"
    from kiosk.errors import DeviceNotFound

    with pytest.raises(DeviceNotFound):
        create("printer", "usb://not-hex")


# --- a printer stopped mid-ticket keeps the rest; the driver clears it ---------------------------------------
def test_a_stopped_printer_keeps_what_it_received_and_prints_it_on_recovery_unless_cleared(make_ticket):
    first = make_ticket()
    data = ticket_bytes(first)
    kept = PrinterSim()
    kept.run_out_after(lines=8)
    assert kept.feed(data + b"\x10\x04\x04") == b"\x72"  # real-time status answered while stopped
    assert [r.complete for r in kept.receipts] == [False] and kept.buffered_bytes > 1000
    assert kept.feed(b"\x1dr\x01") == b""  # GS r 1 waits its turn behind the rest
    kept.load_paper()
    assert [r.complete for r in kept.receipts] == [False, True]
    rest = kept.receipts[-1]
    assert rest.qr_data == [first.qr_payload] and "请留意叫号" in rest.text() and "紫金县" not in rest.text()
    assert kept.feed(b"") == b"\x00"  # ... and is answered once the rest is printed

    cleared = PrinterSim()
    cleared.run_out_after(lines=8)
    cleared.feed(data)
    cleared.feed(b"\x10\x05\x02\x1b@")  # DLE ENQ 2 (recover and clear), ESC @
    assert cleared.buffered_bytes <= 2 and cleared.cleared_bytes > 1000
    cleared.load_paper()
    assert [r.complete for r in cleared.receipts] == [False]


@pytest.mark.parametrize("stop", ["paper_out", "cover_open", "offline"])
def test_the_rest_of_a_failed_ticket_never_comes_out_with_the_next_one(printer, make_ticket, stop):
    """Paper runs out (or the cover opens, or the printer goes offline) mid-ticket; the technician fixes it; the
    next applicant's ticket must come out alone, not under the rest of the failed one."""
    first, second = make_ticket(), make_ticket(number="A013", ticket_id="T20261126-0013")
    if stop == "paper_out":
        printer.sim.run_out_after(lines=8)
    else:
        fault_mid_job(printer.sim, stop)
    r = printer.print_ticket(job(first))
    assert (r.outcome, r.reason, r.reprint) == ("failed", stop, True)
    held = printer.sim.buffered_bytes + printer.sim.cleared_bytes
    assert held > 50  # the rest of the ticket stayed in the printer (waiting, or cleared)
    if stop == "paper_out":
        printer.sim.load_paper()
    else:
        del printer.sim.feed
        printer.sim.set_fault(stop, False)
    assert printer.print_ticket(job(second)).issued
    after = printer.sim.receipts[1:]
    assert [x.complete for x in after] == [True], [x.text() for x in after]
    assert after[0].qr_data == [second.qr_payload]
    assert "T20261126-0012" not in after[0].text() and after[0].text().count("紫金县婚姻登记处") == 1


def test_the_clear_is_sent_again_before_the_next_job(printer, ticket):
    printer.sim.run_out_after(lines=8)
    assert printer.print_ticket(job(ticket)).outcome == "failed"
    printer.sim.load_paper()
    seen = []
    real_feed = printer.sim.feed
    printer.sim.feed = lambda data: (seen.append(data), real_feed(data))[1]
    assert printer.print_ticket(job(ticket)).issued
    assert b"\x10\x05\x02\x1b@" in b"".join(seen)
    seen.clear()
    assert printer.print_ticket(job(ticket)).issued
    assert b"\x10\x05" not in b"".join(seen)  # only after a failure
