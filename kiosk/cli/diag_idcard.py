"""kiosk-diag idcard: read one card (fields: docs/devices/idcard.md) or query the SAM module, on any pyserial URL
or device path.

`read` prints the card's fields — masked (names, ID number, address, birth day, pass number) unless --reveal —
plus `photo_bytes` (the length of the WLT photo, an int; --photo-out FILE writes the raw WLT bytes, only with
--reveal). On failure, exit 1 with {"ok": false, "error": code, "reason": text}; codes: no_card, not_found,
timeout, status (with "sw3"), protocol, device.
"""

from __future__ import annotations

import sys

from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json

HELP = "ID card reader: `idcard read --port URL [--timeout S] --json [--reveal]`, `idcard sam --port URL --json`"


def configure(parser):
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    read = sub.add_parser("read", help="wait for a card and read it (find → select → read)")
    read.add_argument("--port", required=True, metavar="URL", help="device path, socket://, loop://, sim://idcard")
    read.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds to wait for a card")
    read.add_argument("--baud", type=int, default=115200)
    read.add_argument("--fingerprints", action="store_true", help="read 30 10 (text + photo + fingerprints)")
    read.add_argument("--reveal", action="store_true", help="print personal data in clear (technician only)")
    read.add_argument("--photo-out", metavar="FILE", help="with --reveal: write the raw WLT photo bytes")
    read.add_argument("--json", action="store_true")
    sam = sub.add_parser("sam", help="SAM module ID and status")
    sam.add_argument("--port", required=True, metavar="URL")
    sam.add_argument("--baud", type=int, default=115200)
    sam.add_argument("--timeout", type=float, default=2.0, metavar="S")
    sam.add_argument("--json", action="store_true")


def card_output(record, reveal: bool) -> dict:
    """The printed fields of a card; masked unless reveal."""
    from kiosk.domain.masking import mask_address, mask_id_for_screen, mask_id_for_ticket, mask_name

    out = record.fields_for_output()
    if record.appended_address:
        out["appended_address"] = record.appended_address
    if not reveal:
        for key, mask in (
            ("name", mask_name),
            ("name_en", mask_name),
            ("id_number", mask_id_for_screen),
            ("address", mask_address),
            ("appended_address", mask_address),
            ("pass_number", mask_id_for_ticket),
        ):
            if out.get(key):
                out[key] = mask(out[key])
        if out.get("birth"):
            out["birth"] = out["birth"][:4] + "-**-**"
    out["photo_bytes"] = len(record.photo)
    if record.fingerprints:
        out["fingerprint_bytes"] = len(record.fingerprints)
    return out


def _failure(e: Exception) -> dict:
    from drivers.idcard.codec import StatusError
    from kiosk.errors import DeviceNotFound, DeviceTimeout, ProtocolError

    if isinstance(e, DeviceTimeout):
        code = "no_card" if "no card" in str(e) else "timeout"
    elif isinstance(e, DeviceNotFound):
        code = "not_found"
    elif isinstance(e, StatusError):
        return {"ok": False, "error": "status", "sw3": f"{e.sw3:02X}", "reason": str(e)}
    elif isinstance(e, ProtocolError):
        code = "protocol"
    else:
        code = "device"
    return {"ok": False, "error": code, "reason": str(e)}


def _open(args):
    from drivers import registry

    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    scheme = registry.scheme_of(args.port)
    if scheme not in ("serial", "file", "sim"):  # "file": any path (a pty, a udev symlink) is a tty here
        raise UsageError(f"--port {args.port}: not a serial port, pyserial URL or sim://idcard")
    options = {"baudrate": args.baud}
    if getattr(args, "fingerprints", False):
        options["read_fingerprints"] = True
    if scheme == "sim":
        options["sam_delay_scale"] = 0.0
    return registry.create("idcard", args.port, **options)


def _print(args, result: dict) -> None:
    if args.json:
        emit_json(result)
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


def run(args) -> int:
    from kiosk.errors import DeviceError

    if getattr(args, "photo_out", None) and not args.reveal:
        raise UsageError("--photo-out needs --reveal (the photo is personal data)")
    reader = _open(args)
    try:
        if args.action == "read":
            record = reader.read_once(args.timeout)
            result = {"ok": True, **card_output(record, args.reveal)}
            if args.photo_out:
                with open(args.photo_out, "wb") as f:
                    f.write(record.photo)
        else:
            reader.link.answer_timeout_s = args.timeout
            result = {"sam_id": reader.sam_id(), **reader.sam_status()}
            if not result["ok"]:
                result["error"], result["reason"] = "status", f"SAM status {result['sw3']} ({result['status']})"
                _print(args, result)
                return EXIT_FAILED
    except DeviceError as e:
        _print(args, _failure(e))
        return EXIT_FAILED
    except OSError as e:
        sys.stderr.write(f"kiosk-diag idcard: {e}\n")
        return EXIT_FAILED
    finally:
        reader.close()
    _print(args, result)
    return EXIT_OK
