"""kiosk-diag prompts: every spoken prompt with its zh and en text and the audio file the kiosk would play
(the office's recording from voice.dir, else the synthesised one), checked: 16-bit PCM, 0.3–15 s, not silence."""

from __future__ import annotations

from typing import Any

HELP = "list the spoken prompts: texts, audio files used and whether each file is fit to play"


def configure(parser) -> None:
    parser.add_argument("--config", help="kiosk configuration (default config/default.toml)")
    parser.add_argument("--json", action="store_true")


def run(args) -> int:
    import os

    from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json
    from kiosk.config import DEFAULT_CONFIG, ConfigError, load_kiosk_config
    from kiosk.i18n import tr
    from kiosk.ui.voice import LANGUAGES, PROMPTS, audio_file, check_wav, msgid

    try:
        config = load_kiosk_config(args.config or DEFAULT_CONFIG)
    except ConfigError as e:
        raise UsageError(str(e)) from None
    recorded = os.path.expandvars(os.path.expanduser(config.voice.dir)) if config.voice.dir else None
    prompts, ok = [], True
    for key in PROMPTS:
        row: dict[str, Any] = {"key": key, "msgid": msgid(key)}
        for lang in LANGUAGES:
            path = audio_file(key, lang, recorded)
            seconds, problem = check_wav(path) if path else (0.0, "no audio file (run scripts/make_voice.py)")
            source = (
                None if path is None else "recorded" if recorded and path.is_relative_to(recorded) else "synthesised"
            )
            row[lang] = {
                "text": tr(msgid(key), lang),
                "audio": str(path) if path else None,
                "source": source,
                "seconds": seconds,
                "problem": problem,
            }
            ok = ok and not problem
        prompts.append(row)
    if args.json:
        emit_json({"ok": ok, "enabled": config.voice.enabled, "recorded_dir": recorded, "prompts": prompts})
    else:
        for row in prompts:
            for lang in LANGUAGES:
                p = row[lang]
                state = p["problem"] or f"{p['seconds']:.1f} s {p['source']}"
                print(f"{row['key']:<18} {lang}  {state:<28} {p['text']}")
    return EXIT_OK if ok else EXIT_FAILED
