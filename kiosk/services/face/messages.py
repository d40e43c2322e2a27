"""What the applicant is told for each face or camera problem code, in Chinese and English.

The codes are a contract (the `kiosk-diag face` JSON output); the UI routes texts through its catalogue by code, and this table is
the source for it. PRIORITY orders problems so the one to fix first is shown first.
"""

from __future__ import annotations

GUIDANCE: dict[str, dict[str, str]] = {
    # face quality
    "no_face": {"zh": "请站到摄像头前，正对屏幕。", "en": "Please stand in front of the camera and face the screen."},
    "many_faces": {"zh": "请只保留一人在镜头前。", "en": "Only one person in front of the camera, please."},
    "too_small": {"zh": "请再靠近一些。", "en": "Please move closer."},
    "off_centre": {"zh": "请移动到画面中间。", "en": "Please move to the middle of the picture."},
    "turned": {"zh": "请正对摄像头，不要转头或歪头。", "en": "Please face the camera straight on."},
    "blurred": {"zh": "请保持不动。", "en": "Please hold still."},
    "too_dark": {
        "zh": "光线太暗，请靠近屏幕或联系工作人员。",
        "en": "Too dark. Please move closer to the screen or ask staff.",
    },
    "too_bright": {"zh": "光线太亮，请避开强光。", "en": "Too bright. Please step out of the strong light."},
    "ok": {"zh": "很好，请保持不动。", "en": "Good, hold still."},
    "captured": {"zh": "拍照完成。", "en": "Photo taken."},
    # liveness challenges
    "blink": {"zh": "请眨眨眼。", "en": "Please blink."},
    "turn_left": {"zh": "请慢慢向左转头，再转回来。", "en": "Please turn your head slowly to your left, then back."},
    "turn_right": {"zh": "请慢慢向右转头，再转回来。", "en": "Please turn your head slowly to your right, then back."},
    "liveness_failed": {
        "zh": "未能完成动作确认，请联系工作人员。",
        "en": "The check did not succeed. Please ask staff.",
    },
    # camera and service faults (shown to staff and on the device-fault screen)
    "no_camera": {"zh": "未检测到摄像头。", "en": "No camera found."},
    "camera_lost": {"zh": "摄像头已断开，正在重新连接。", "en": "Camera disconnected; reconnecting."},
    "black_frames": {
        "zh": "摄像头画面全黑，请检查镜头是否被遮挡。",
        "en": "The camera shows only black. Is the lens covered?",
    },
    "frozen_frames": {"zh": "摄像头画面停止更新。", "en": "The camera picture has stopped changing."},
    "bad_frame": {"zh": "摄像头画面格式不正确。", "en": "The camera delivers pictures in an unusable format."},
    "models_unavailable": {
        "zh": "人脸识别暂不可用，仅拍照留存。",
        "en": "Face recognition is unavailable; the photo is taken only.",
    },
    "match_unavailable": {
        "zh": "无法与证件照比对，请工作人员核验。",
        "en": "Cannot compare with the ID photo; staff will check.",
    },
}

# First problem to fix first: there must be exactly one face before its size, place, pose and image matter.
PRIORITY = ("no_face", "many_faces", "too_small", "off_centre", "turned", "too_dark", "too_bright", "blurred")


def guidance(code: str, lang: str = "zh") -> str:
    texts = GUIDANCE[code]
    return texts.get(lang) or texts["en"]


def ordered(problems) -> list[str]:
    """Problem codes in the order the applicant should fix them (unknown codes last, as given)."""
    rank = {code: i for i, code in enumerate(PRIORITY)}
    return sorted(dict.fromkeys(problems), key=lambda c: rank.get(c, len(rank)))
