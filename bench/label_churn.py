"""python -m bench.label_churn [--frames N] [--driver llvmpipe|softpipe] [--same-size] [--plain]: what Mesa holds
while Kivy labels change text every frame, measured as malloc's bytes in use after malloc_trim, and how many GL
textures that creates (plain Kivy: one per change of size; the kiosk's labels keep theirs, `--plain` turns that off).

The UI soak renders with Mesa's software rasteriser (no GPU here). This isolates the renderer from the kiosk: ten
labels, new text every frame, headless at the soak's size; `--driver softpipe` (GALLIUM_DRIVER) swaps llvmpipe for
Mesa's other software rasteriser to tell the renderer's share from Kivy's (bench/README.md, "The UI soak's memory").
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile


def churn(
    frames: int,
    every: int,
    same_size: bool = False,
    plain: bool = False,
    font_size: int = 20,
    collect: bool = False,
    finish: bool = False,
) -> list[dict]:
    from kiosk.services import memory

    memory.limit_arenas()  # as the kiosk's entry point does
    from kiosk.ui import kivy_env

    kivy_env.prepare(tempfile.mkdtemp(prefix="label-churn-"), headless=True, size=(540, 960))
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.graphics.opengl import glFinish
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.label import Label

    from bench import gl_textures
    from bench.soak_samples import heap_in_use
    from kiosk.ui import label_textures

    if not plain:
        label_textures.install()  # as the kiosk does (kiosk.ui.fonts.register_default)
    textures = gl_textures.counter()

    samples: list[dict] = []

    class Churn(App):
        def build(self):
            box = BoxLayout(orientation="vertical")
            self.labels = [Label(text=str(i), font_size=font_size + i) for i in range(10)]
            for label in self.labels:
                box.add_widget(label)
            self.frame = 0
            self.seen = 0
            Clock.schedule_interval(self.step, 0)
            return box

        def step(self, dt):
            self.frame += 1
            for j, label in enumerate(self.labels):
                if same_size:  # new text of the same size: Kivy draws it into the label's texture
                    label.text = f"{(self.frame * 7 + j) % 100000:05d}"
                else:  # a new size each time: Kivy makes a new texture
                    label.text = f"河源 {self.frame * 7 + j} 登记" * (1 + (self.frame + j) % 3)
            if finish:  # as a window's swap does, and the kiosk's app headless
                glFinish()
            if collect:  # Python's cyclic garbage collector every frame: what waits for it is freed at once
                gc.collect()
            if self.frame % every == 0:
                memory.give_back()
                seen, self.seen = self.seen, textures.made
                mb = round((heap_in_use() or 0) / 2**20, 1)
                samples.append({"frame": self.frame, "malloc_in_use_mb": mb, "new_textures": self.seen - seen})
            if self.frame >= frames:
                self.stop()

    Churn().run()
    return samples


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(prog="python -m bench.label_churn", description=__doc__.split("\n\n")[0])
    p.add_argument("--frames", type=int, default=3000)
    p.add_argument("--every", type=int, default=150)
    p.add_argument("--driver", choices=("llvmpipe", "softpipe"), default="llvmpipe")
    p.add_argument("--same-size", action="store_true", help="text that keeps the label's size (no new textures)")
    p.add_argument("--plain", action="store_true", help="plain Kivy labels: a new texture per change of size")
    p.add_argument("--finish", action="store_true", help="glFinish after every frame, as the kiosk's app does headless")
    p.add_argument("--collect", action="store_true", help="a full garbage collection every frame")
    p.add_argument("--font-size", type=int, default=20, help="the labels' (larger: larger textures)")
    args = p.parse_args(argv)
    os.environ["GALLIUM_DRIVER"] = args.driver
    samples = churn(args.frames, args.every, args.same_size, args.plain, args.font_size, args.collect, args.finish)
    values = [s["malloc_in_use_mb"] for s in samples]
    result = {"driver": args.driver, "same_size": args.same_size, "plain": args.plain, "frames": args.frames}
    result.update(font_size=args.font_size, collect=args.collect, finish=args.finish)
    result.update(min_mb=min(values), max_mb=max(values), new_textures=sum(s["new_textures"] for s in samples))
    print(json.dumps({**result, "samples": samples}), file=sys.__stdout__)
    return result


if __name__ == "__main__":
    main()
