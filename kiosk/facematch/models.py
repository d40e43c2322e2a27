"""The face models shipped in assets/models/, checked at start by size and SHA-256.

Missing or corrupt models never stop the kiosk: `check_models` reports what is wrong and the pipeline runs in
capture-only mode (photo and quality guidance need the detector; matching needs the recogniser too).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import heyuan_assets as assets

MODEL_DIR = assets.path("models")
DETECTOR = "face_detection_yunet_2023mar_int8bq.onnx"  # YuNet, MIT
RECOGNISER = "face_recognition_sface_2021dec_int8bq.onnx"  # SFace, Apache-2.0
# name → (bytes, SHA-256). assets/models/SHA256SUMS lists the same digests for `sha256sum -c`.
EXPECTED = {
    DETECTOR: (122_489, "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10"),
    RECOGNISER: (10_667_852, "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee"),
}


@dataclass(frozen=True)
class ModelCheck:
    directory: Path
    problems: dict[str, str] = field(default_factory=dict)  # file name → what is wrong

    @property
    def detector_ok(self) -> bool:
        return DETECTOR not in self.problems

    @property
    def recogniser_ok(self) -> bool:
        return RECOGNISER not in self.problems

    @property
    def ok(self) -> bool:
        return not self.problems

    def path(self, name: str) -> Path:
        return self.directory / name

    def message(self) -> str:
        if self.ok:
            return "face models ok"
        return "; ".join(f"{name}: {problem}" for name, problem in sorted(self.problems.items()))


def check_models(directory: Path | str = MODEL_DIR) -> ModelCheck:
    """Size first (cheap), then SHA-256 (≈ 40 ms for both)."""
    directory = Path(directory)
    problems = {}
    for name, (size, digest) in EXPECTED.items():
        path = directory / name
        try:
            actual = path.stat().st_size
        except OSError:
            problems[name] = f"missing from {directory}"
            continue
        if actual != size:
            problems[name] = f"size {actual} bytes, expected {size} (corrupt or wrong file)"
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems[name] = "SHA-256 does not match (corrupt or wrong file)"
    return ModelCheck(directory, problems)
