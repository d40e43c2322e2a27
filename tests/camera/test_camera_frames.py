import numpy as np
import pytest

from drivers.camera.frames import FrameFormatError, FrozenDetector, as_bgr, is_black


def test_as_bgr_converts_grey_and_bgra():
    grey = np.arange(100 * 80, dtype=np.uint32).reshape(80, 100).astype(np.uint8)
    assert as_bgr(grey).shape == (80, 100, 3)
    bgra = np.zeros((80, 100, 4), np.uint8)
    bgra[..., 2] = 200
    out = as_bgr(bgra)
    assert out.shape == (80, 100, 3) and out[0, 0, 2] == 200 and out.flags["C_CONTIGUOUS"]


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((10, 10, 3), np.uint8),
        np.zeros((80, 100), np.uint16),
        np.zeros((80, 100, 5), np.uint8),
        None,
        [[1, 2], [3, 4]],
    ],
)
def test_as_bgr_refuses_unusable_frames(bad):
    with pytest.raises(FrameFormatError):
        as_bgr(bad)


def test_black_is_flat_and_dark():
    assert is_black(np.zeros((120, 160, 3), np.uint8))
    assert is_black(np.full((120, 160, 3), 5, np.uint8))
    dark_room = np.random.default_rng(0).integers(0, 60, (120, 160, 3), dtype=np.uint8)
    assert not is_black(dark_room)


def test_frozen_after_a_while_of_identical_frames():
    detector = FrozenDetector(frozen_after_s=1.0)
    frame = np.random.default_rng(0).integers(0, 255, (120, 160, 3), dtype=np.uint8)
    assert [detector.update(frame, t) for t in (0.0, 0.5, 1.0, 1.6)] == [False, False, False, True]
    moved = frame.copy()
    moved[::8, ::8] //= 2
    assert detector.update(moved, 1.7) is False
    noisy = np.random.default_rng(1).integers(0, 255, (120, 160, 3), dtype=np.uint8)
    assert not any(detector.update(noisy if i % 2 else frame, 2 + i) for i in range(5))


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 130),
    st.integers(1, 130),
    st.sampled_from([None, 1, 2, 3, 4, 5]),
    st.sampled_from([np.uint8, np.uint16, np.float32, np.int8]),
)
def test_as_bgr_either_gives_bgr_or_bad_frame(h, w, channels, dtype):
    shape = (h, w) if channels is None else (h, w, channels)
    frame = np.zeros(shape, dtype)
    usable = dtype is np.uint8 and channels in (None, 1, 3, 4) and min(h, w) >= 64
    if usable:
        assert as_bgr(frame).shape == (h, w, 3)
    else:
        with pytest.raises(FrameFormatError):
            as_bgr(frame)
