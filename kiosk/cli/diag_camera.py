"""kiosk-diag camera snapshot / fps: is the camera there, what does it see, how fast does it deliver?"""

from __future__ import annotations

from typing import Any

from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json

HELP = (
    "camera: `camera snapshot --out FILE` saves one frame (a technician's file: delete it after use, it may "
    "show a person), `camera fps` measures the frame rate"
)


def configure(parser):
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (
        ("snapshot", "save the newest frame to FILE (.png or .jpg)"),
        ("fps", "count frames delivered for a few seconds"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument(
            "--device",
            default=None,
            help="camera URL: 0, /dev/video0, rtsp://…, a video or image file, sim://camera "
            "(default: devices.camera from the config)",
        )
        p.add_argument("--config", default=None, help="kiosk config file (for the default device)")
        p.add_argument("--width", type=int, default=None)
        p.add_argument("--height", type=int, default=None)
        p.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for the camera")
        p.add_argument("--json", action="store_true")
        if name == "snapshot":
            p.add_argument("--out", required=True, metavar="FILE")
        else:
            p.add_argument("--seconds", type=float, default=3.0)


def _device(args) -> str:
    if args.device:
        return args.device
    from kiosk.config import DEFAULT_CONFIG, ConfigError, load_kiosk_config

    try:
        return load_kiosk_config(args.config or DEFAULT_CONFIG).devices.camera
    except ConfigError as e:
        raise UsageError(str(e)) from None


def _start(url: str, args):
    from drivers import registry
    from drivers.camera.capture import CaptureThread
    from kiosk.errors import DeviceError

    options = {k: v for k, v in (("width", args.width), ("height", args.height)) if v}
    try:
        registry.create("camera", url, **options)  # fail fast on an unknown scheme
    except DeviceError as e:
        raise UsageError(str(e)) from None
    except (TypeError, ValueError) as e:
        raise UsageError(f"{url}: {e}") from None
    events: list[Any] = []
    capture = CaptureThread(lambda: registry.create("camera", url, **options), on_event=events.append).start()
    return capture, events


def run(args) -> int:
    import time

    if args.action == "snapshot" and not args.out.lower().endswith((".png", ".jpg", ".jpeg")):
        raise UsageError("--out must end in .png, .jpg or .jpeg")
    if args.action == "fps" and not 0 < args.seconds <= 120:
        raise UsageError("--seconds must be between 0 and 120")
    url = _device(args)
    capture, events = _start(url, args)
    try:
        first = capture.wait_newer(0, args.timeout)
        if first is None:
            problem = events[-1] if events else None
            out = {
                "ok": False,
                "device": url,
                "error": problem.code if problem else "no_frames",
                "detail": problem.detail if problem else f"no frame within {args.timeout} s",
            }
            _emit(args, out, f"{url}: {out['error']} {out['detail']}")
            return EXIT_FAILED
        h, w = first.image.shape[:2]
        if args.action == "snapshot":
            return _snapshot(args, url, capture, first)
        start, seq0 = time.monotonic(), first.seq
        time.sleep(args.seconds)
        last = capture.latest()
        elapsed = time.monotonic() - start
        fps = round((last.seq - seq0) / elapsed, 2)
        status = capture.status
        out = {
            "ok": status == "ok",
            "device": url,
            "fps": fps,
            "frames": last.seq - seq0,
            "seconds": round(elapsed, 2),
            "width": w,
            "height": h,
            "status": status,
        }
        _emit(args, out, f"{url}: {fps} frames/s at {w}×{h} ({status})")
        return EXIT_OK if out["ok"] else EXIT_FAILED
    finally:
        capture.stop()


def _snapshot(args, url, capture, first) -> int:
    import cv2

    frame = capture.wait_newer(first.seq, 1.0) or first  # the first frame after a (re)start can be dark
    ok = cv2.imwrite(args.out, frame.image)
    if not ok:
        raise UsageError(f"cannot write {args.out}")
    h, w = frame.image.shape[:2]
    status = capture.status
    out = {"ok": status == "ok", "device": url, "out": args.out, "width": w, "height": h, "status": status}
    _emit(args, out, f"{url}: saved {w}×{h} frame to {args.out} ({status})")
    return EXIT_OK if out["ok"] else EXIT_FAILED


def _emit(args, obj, text):
    if args.json:
        emit_json(obj)
    else:
        print(text)
