"""The size a JPEG claims, read from its frame header (SOF marker) before anything decodes it.

A picture of a few kilobytes can declare tens of millions of pixels (an image bomb); the decoder would allocate
and work for all of them. A progressive JPEG of many scans makes the decoder pass over the whole picture once a
scan. The identity service decodes only a Huffman-coded baseline, extended or progressive JPEG (SOF0–SOF2, what
cameras and OpenCV write) whose SOF says it is at most the bounded width × height, with at most MAX_SCANS scans.
"""

from __future__ import annotations

# SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): the markers that carry the frame's height and width.
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_ACCEPTED = {0xC0, 0xC1, 0xC2}  # Huffman baseline, extended, progressive: not lossless, hierarchical, arithmetic
MAX_SCANS = 32  # a progressive JPEG has about 10; OpenCV writes 1
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RSTn: no length field


class NotAcceptedImage(ValueError):
    """Not a JPEG, or one whose header is broken or too big; the message says which (never the image)."""


def frame_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the first SOF marker; raises NotAcceptedImage when there is none before the scan.
    (`frame` also gives the marker.)"""
    return frame(data)[1:]


def frame(data: bytes) -> tuple[int, int, int]:
    """(SOF marker, width, height) of the first frame header."""
    if data[:3] != b"\xff\xd8\xff":
        raise NotAcceptedImage("not a JPEG")
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            raise NotAcceptedImage("broken JPEG header")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in _STANDALONE:
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if length < 2:
            raise NotAcceptedImage("broken JPEG header")
        if marker in _SOF:
            if length < 8 or i + 9 > n:
                raise NotAcceptedImage("broken JPEG header")
            height = int.from_bytes(data[i + 5 : i + 7], "big")
            width = int.from_bytes(data[i + 7 : i + 9], "big")
            if not (width and height):
                raise NotAcceptedImage("JPEG without a size")
            return marker, width, height
        if marker in (0xDA, 0xD9):  # start of scan or end of image before any frame header
            break
        i += 2 + length
    raise NotAcceptedImage("no JPEG frame header")


def check(data: bytes, max_bytes: int, max_width: int, max_height: int) -> tuple[int, int]:
    """(width, height) of an acceptable JPEG, or NotAcceptedImage."""
    if len(data) > max_bytes:
        raise NotAcceptedImage("too many bytes")
    marker, width, height = frame(data)
    if marker not in _ACCEPTED:
        raise NotAcceptedImage("JPEG coding not accepted")
    if width > max_width or height > max_height:
        raise NotAcceptedImage("too many pixels")
    # Entropy-coded data stuffs every 0xFF as FF 00, so FF DA only starts a scan (or sits in metadata: counted
    # too, which can only refuse an odd picture, never let a bomb through).
    if data.count(b"\xff\xda") > MAX_SCANS:
        raise NotAcceptedImage("too many scans")
    return width, height
