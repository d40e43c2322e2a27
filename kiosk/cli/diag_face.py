"""kiosk-diag face check IMAGE / face verify A B: the face pipeline on image files."""

from __future__ import annotations

from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json

HELP = "face pipeline: `face check IMAGE` (quality problems), `face verify A B` (same person?), `face models`"


def configure(parser):
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="quality of the face in an image: ok, faces, problems, scores")
    check.add_argument("image", metavar="IMAGE")
    check.add_argument("--json", action="store_true")
    check.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the guidance text")
    verify = sub.add_parser("verify", help="do two images show the same person? (SFace cosine similarity)")
    verify.add_argument("image_a", metavar="IMAGE_A")
    verify.add_argument("image_b", metavar="IMAGE_B")
    verify.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="cosine similarity at or above which it is the same person (default: config, 0.363)",
    )
    verify.add_argument("--config", default=None, help="kiosk config file for face.match_threshold")
    verify.add_argument("--json", action="store_true")
    models = sub.add_parser("models", help="check the model files' size and SHA-256")
    models.add_argument("--json", action="store_true")
    for p in (check, verify, models):
        p.add_argument("--models", default=None, metavar="DIR", help="model folder (default: assets/models)")


def _read(path: str):
    from drivers.camera.file_source import decode_image
    from drivers.camera.frames import FrameFormatError
    from kiosk.errors import DeviceNotFound

    try:
        return decode_image(path)
    except DeviceNotFound as e:
        raise UsageError(f"cannot read {e.args[0].removeprefix('camera: ')}") from None
    except FrameFormatError as e:
        raise UsageError(str(e)) from None


def _threshold(args) -> float:
    if args.threshold is not None:
        if not 0 <= args.threshold <= 1:
            raise UsageError("--threshold must be between 0 and 1")
        return args.threshold
    from kiosk.config import DEFAULT_CONFIG, ConfigError, load_kiosk_config

    try:
        return load_kiosk_config(args.config or DEFAULT_CONFIG).face.match_threshold
    except ConfigError as e:
        raise UsageError(str(e)) from None


def _engine_or_fail(args, need_match: bool):
    from kiosk.facematch.models import MODEL_DIR, check_models
    from kiosk.services.face.pipeline import CAPTURE_ONLY, FULL, FaceEngine

    engine = FaceEngine.load(check_models(args.models or MODEL_DIR))
    if engine.mode == CAPTURE_ONLY or (need_match and engine.mode != FULL):
        _report(
            args,
            {"ok": False, "faces": None, "problems": [], "error": "models_unavailable", "detail": engine.problem},
            f"face models unavailable: {engine.problem}",
        )
        return None
    return engine


def _report(args, obj: dict, text: str) -> None:
    if args.json:
        emit_json(obj)
    else:
        print(text)


def run(args) -> int:
    if args.action == "models":
        from kiosk.facematch.models import MODEL_DIR, check_models

        check = check_models(args.models or MODEL_DIR)
        _report(args, {"ok": check.ok, "directory": str(check.directory), "problems": check.problems}, check.message())
        return EXIT_OK if check.ok else EXIT_FAILED
    if args.action == "check":
        return _check(args)
    return _verify(args)


def _check(args) -> int:
    from kiosk.services.face.messages import guidance

    image = _read(args.image)
    engine = _engine_or_fail(args, need_match=False)
    if engine is None:
        return EXIT_FAILED
    report = engine.analyse(image)
    out = {
        "ok": report.ok,
        "faces": report.faces,
        "problems": report.problems,
        "messages": [guidance(p, args.lang) for p in report.problems],
        "scores": report.scores,
        "size": [image.shape[1], image.shape[0]],
    }
    _report(
        args,
        out,
        "ok: one good face" if report.ok else "\n".join(f"{p}: {m}" for p, m in zip(report.problems, out["messages"])),
    )
    return EXIT_OK if report.ok else EXIT_FAILED


def _verify(args) -> int:
    threshold = _threshold(args)
    a, b = _read(args.image_a), _read(args.image_b)
    engine = _engine_or_fail(args, need_match=True)
    if engine is None:
        return EXIT_FAILED
    match = engine.verify(a, b, threshold)
    if match is None:
        missing = [p for p, img in ((args.image_a, a), (args.image_b, b)) if not engine.analyse(img).faces]
        _report(
            args,
            {
                "same_person": False,
                "score": None,
                "threshold": threshold,
                "error": "no_face",
                "images_without_face": missing,
            },
            f"no face found in: {', '.join(missing) or 'an image'}",
        )
        return EXIT_FAILED
    out = {"same_person": match.same_person, "score": match.score, "threshold": threshold}
    _report(
        args,
        out,
        f"{'same person' if match.same_person else 'different people'} "
        f"(score {match.score:.3f}, threshold {threshold})",
    )
    return EXIT_OK
