"""Safe settings: the few values a technician may change on the terminal (walk-in quota, volume, languages,
idle timeout). Each change is validated, written atomically to an override TOML in the state dir
(`settings-override.toml`, read over the config at start-up) and put on the audit log.
Everything else stays in /etc/heyuan-kiosk/kiosk.toml, which the kiosk user cannot write."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from kiosk.errors import KioskError

OVERRIDE_FILE = "settings-override.toml"
LANGUAGES = ("zh", "en")


class SettingError(KioskError):
    """An unknown setting or a value outside its range; `key` names it."""

    def __init__(self, key: str, problem: str):
        self.key, self.problem = key, problem
        super().__init__(f"{key}: {problem}")


def _int_in(lo: int, hi: int) -> Callable[[Any], int]:
    def check(value) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(f"a whole number from {lo} to {hi}")
        try:
            n = int(value)
        except ValueError:
            raise ValueError(f"a whole number from {lo} to {hi}") from None
        if not lo <= n <= hi:
            raise ValueError(f"must be from {lo} to {hi}")
        return n

    return check


def _languages(value) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise ValueError("a list of languages")
    langs = [str(x).strip() for x in items if str(x).strip()]
    if not langs or any(x not in LANGUAGES for x in langs) or len(set(langs)) != len(langs):
        raise ValueError(f"one or more of {list(LANGUAGES)}, no repeats (the first is the attract screen's)")
    return langs


@dataclass(frozen=True)
class Setting:
    key: str
    check: Callable[[Any], Any]
    zh: str
    en: str


# Ranges follow kiosk.config (idle_timeout_s 10..600) and what the office can serve in a day.
SETTINGS = {
    s.key: s
    for s in (
        Setting("walk_in_quota", _int_in(0, 500), "每日现场取号上限", "Walk-in tickets per day"),
        Setting("volume", _int_in(0, 100), "音量", "Volume (%)"),
        Setting("languages", _languages, "界面语言", "Languages"),
        Setting("idle_timeout_s", _int_in(10, 600), "无操作超时(秒)", "Idle timeout (s)"),
    )
}


def to_toml(values: dict[str, Any]) -> str:
    """The override file: flat keys, ints and lists of short strings only (no TOML writer dependency)."""
    lines = ["# Written by the kiosk's maintenance screen; every change is on the audit log.", "[settings]"]
    for key in sorted(values):
        v = values[key]
        if isinstance(v, list):
            text = "[" + ", ".join(f'"{x}"' for x in v) + "]"
        else:
            text = str(int(v))
        lines.append(f"{key} = {text}")
    return "\n".join(lines) + "\n"


class SafeSettings:
    """defaults: the configured values (e.g. from `defaults_from_config`); overrides win over them."""

    def __init__(self, state_dir: Path, defaults: dict[str, Any], audit=None):
        self.path = Path(state_dir) / OVERRIDE_FILE
        self.defaults = {k: defaults[k] for k in SETTINGS if k in defaults}
        self.audit = audit
        self.overrides = self._load()

    def _load(self) -> dict[str, Any]:
        try:
            with open(self.path, "rb") as f:
                raw = tomllib.load(f).get("settings", {})
        except FileNotFoundError:
            return {}
        except (tomllib.TOMLDecodeError, OSError) as e:
            raise SettingError(str(self.path), f"unreadable override file ({e})") from None
        good = {}
        for key, value in raw.items():
            if key in SETTINGS:  # a value that no longer validates is dropped, not fatal: defaults apply
                try:
                    good[key] = SETTINGS[key].check(value)
                except ValueError:
                    continue
        return good

    def values(self) -> dict[str, Any]:
        return {**self.defaults, **self.overrides}

    def get(self, key: str) -> Any:
        return self.values().get(key)

    def validate(self, key: str, value: Any) -> Any:
        if key not in SETTINGS:
            raise SettingError(key, f"not a setting the terminal may change; allowed: {list(SETTINGS)}")
        try:
            return SETTINGS[key].check(value)
        except ValueError as e:
            raise SettingError(key, str(e)) from None

    def change(self, key: str, value: Any) -> Any:
        new = self.validate(key, value)
        old = self.get(key)
        if new == old:
            return new
        overrides = {**self.overrides, key: new}
        self._write(overrides)
        self.overrides = overrides
        if self.audit is not None:
            self.audit.record("setting_changed", key=key, old=old, new=new)
        return new

    def reset(self, key: str) -> None:
        """Back to the configured value."""
        if key not in self.overrides:
            return
        old = self.overrides[key]
        overrides = {k: v for k, v in self.overrides.items() if k != key}
        self._write(overrides)
        self.overrides = overrides
        if self.audit is not None:
            self.audit.record("setting_reset", key=key, old=old, new=self.get(key))

    def _write(self, overrides: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(to_toml(overrides))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)


def defaults_from_config(config, walk_in_quota: int | None = None) -> dict[str, Any]:
    """The configured values: KioskConfig for languages and idle timeout, the office's walk-in quota."""
    out = {"languages": list(config.kiosk.languages), "idle_timeout_s": config.kiosk.idle_timeout_s, "volume": 70}
    if walk_in_quota is not None:
        out["walk_in_quota"] = walk_in_quota
    return out
