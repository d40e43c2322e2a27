"""A short soak for `python -m bench`: 600 journeys through the flow (~2 min) and 64 through the rendered UI
(~1.5 min). The full ones: `python -m bench.soak --ui 1000` (10,000 + 1,000 journeys, ~50 min)."""

UI_JOURNEYS = 64


def main() -> dict:
    from bench.soak import soak
    from bench.soak_ui import run_in_subprocess

    result = soak(600, sample_every=200)
    result.pop("samples", None)
    ui = run_in_subprocess(UI_JOURNEYS, sample_every=32, timeout_s=400)
    ui.pop("ui_samples", None)
    return {**result, **ui}


if __name__ == "__main__":
    import json

    print(json.dumps(main(), ensure_ascii=False, indent=1))
