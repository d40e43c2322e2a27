"""Configuration: TOML files validated into typed objects, loaded once in main().

A broken file stops the kiosk with one message naming the file, the key and what is wrong.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, PrivateAttr, ValidationError, field_validator, model_validator

import heyuan_config
from kiosk.domain.dates import RestDays
from kiosk.domain.holidays import HolidayCalendar, rest_days_of
from kiosk.domain.offices import AppointmentWindow, Text, TicketRange  # noqa: F401 (re-exported for config users)
from kiosk.domain.offices import OfficeConfig, Strict, validation_problem
from kiosk.domain.policy import Policy, PolicyNotInForce, in_force

# The shipped config tree (config/): default.toml, offices/, policies/, and any further folder.
CONFIG_DIR = heyuan_config.path()
DEFAULT_CONFIG = CONFIG_DIR / "default.toml"


class ConfigError(Exception):
    """A configuration file is missing or wrong; the message names the file and the key."""

    def __init__(self, file: Path | str, key: str, problem: str):
        self.file, self.key, self.problem = str(file), key, problem
        super().__init__(f"{file}: {key}: {problem}" if key else f"{file}: {problem}")


class KioskSection(Strict):
    id: str = Field(min_length=1)
    office: str = Field(pattern=r"^\d{6}$")
    policy: str = "auto"  # "auto": the policy in force on the day; or a config/policies/<name>
    state_dir: str
    languages: list[Literal["zh", "en"]] = ["zh", "en"]
    idle_timeout_s: int = Field(ge=10, le=600)
    idle_warning_s: int = Field(ge=20, le=120)
    # While staff called from the kiosk are on their way, the applicant may wait this long without touching.
    assisted_idle_timeout_s: int = Field(default=300, ge=60, le=1800)
    # The panel's diagonal: with the window's pixels it gives the DPI the 15 mm touch targets are checked at.
    screen_diagonal_in: float = Field(default=21.5, ge=7, le=100)
    orientation: Literal["portrait", "landscape"] = "portrait"
    fullscreen: bool = False
    show_cursor: bool = True
    demo_controls: bool = False
    # This kiosk's part of the office's offline number ranges, "k/n": the ranges are cut into n equal parts, one
    # per kiosk of the office, so two kiosks cut off at the same time never print the same offline number.
    offline_share: str = Field(default="1/1", pattern=r"^\d{1,2}/\d{1,2}$")

    @field_validator("offline_share")
    @classmethod
    def _share(cls, value: str) -> str:
        part, parts = (int(x) for x in value.split("/"))
        if not 1 <= part <= parts:
            raise ValueError(f"'{value}': k/n with 1 ≤ k ≤ n")
        return value


class DevicesSection(Strict):
    # Each value is a device URL picked through the driver registry: a device path, socket://, loop://,
    # sim:// (start the simulator in-process) or none.
    idcard: str
    scanner: str
    printer: str
    camera: str
    fingerprint: str = "none"
    wlt_library: str = ""
    fingerprint_matcher: str = ""  # the reader vendor's matcher library (FP_Match), for card templates


class BackendSection(Strict):
    url: str
    connect_timeout_s: float = Field(gt=0, le=30)
    read_timeout_s: float = Field(gt=0, le=120)
    start_bundled: bool = False
    bookings_refresh_s: int = Field(ge=30, le=3600)
    journal_retention_days: int = Field(ge=1, le=365)
    # Mutual TLS with the office server: the office CA's certificate (trust only it) and this kiosk's certificate
    # and key issued by it (`kiosk-office-server pki issue --kiosk ID --office CODE`). Empty: plain HTTP, which
    # only a loopback URL may use.
    ca_file: str = ""
    client_cert: str = ""
    client_key: str = ""

    @model_validator(mode="after")
    def _tls(self):
        if bool(self.client_cert) != bool(self.client_key):
            raise ValueError("client_cert and client_key go together")
        if self.url.startswith("https://") and not (self.ca_file and self.client_cert):
            raise ValueError("an https URL needs ca_file, client_cert and client_key (mutual TLS)")
        host = (urlsplit(self.url).hostname or "").lower()
        if self.url.startswith("http://") and host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("plain http only on loopback: use https with ca_file, client_cert and client_key")
        return self


class PrinterSection(Strict):
    paper_width_mm: Literal[58, 80] = 80
    max_job_age_s: int = Field(ge=5, le=3600)
    native_qr: bool = True


class FaceSection(Strict):
    enabled: bool = True
    match_threshold: float = Field(ge=0, le=1)
    liveness: bool = True
    consecutive_good_frames: int = Field(ge=1, le=60)
    # The reference the live face is compared with: the card's photo (WLT, decoded by devices.wlt_library), the
    # office's identity service (POST /v1/identity/verify), or none (photos taken, not compared).
    reference: Literal["card", "office", "none"] = "card"
    attempts: int = Field(default=3, ge=1, le=10)  # captures per party before the fallback


class VoiceSection(Strict):
    """Spoken prompts (kiosk/ui/voice.py). The volume is the technician's cue volume."""

    enabled: bool = True
    # An office's own recordings, <dir>/<lang>/<prompt key>.wav; they win over the synthesised ones.
    dir: str = ""


class MaintenanceSection(Strict):
    pin_hash: str = ""
    idle_logout_s: int = Field(ge=30, le=3600)
    metrics_bind: str = "127.0.0.1:9108"
    # A scrape from another host: HTTPS with client certificates (all three, or the bind must be loopback).
    metrics_certfile: str = ""
    metrics_keyfile: str = ""
    metrics_client_cafile: str = ""
    entry_key: str = "f12"  # Kivy key name opening the maintenance login on the attract screen; "" = none


class KioskConfig(Strict):
    kiosk: KioskSection
    devices: DevicesSection
    backend: BackendSection
    printer: PrinterSection
    face: FaceSection
    maintenance: MaintenanceSection
    voice: VoiceSection = VoiceSection()
    _file: Path | None = PrivateAttr(default=None)  # where it was read from (load_kiosk_config)

    @property
    def state_dir(self) -> Path:
        return Path(os.path.expandvars(os.path.expanduser(self.kiosk.state_dir)))

    @property
    def holidays_dir(self) -> Path | None:
        """The office's own holiday calendars: holidays/ next to this file (/etc/heyuan-kiosk/holidays/)."""
        return installed_holidays_dir(self._file) if self._file else None


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(path, "", "file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path, "", f"not valid TOML ({e})") from None
    except OSError as e:
        raise ConfigError(path, "", f"cannot be read ({e.strerror})") from None


def _validate(model: type[BaseModel], data: dict, path: Path):
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ConfigError(path, *validation_problem(e)) from None


def load_kiosk_config(path: Path | str = DEFAULT_CONFIG) -> KioskConfig:
    path = Path(path)
    data = _read_toml(path)
    # Environment variables override files for deployment settings (e.g. KIOSK_BACKEND_URL).
    if url := os.environ.get("KIOSK_BACKEND_URL"):
        data.setdefault("backend", {})["url"] = url
    if pin := os.environ.get("KIOSK_PIN_HASH"):
        data.setdefault("maintenance", {})["pin_hash"] = pin
    config = _validate(KioskConfig, data, path)
    config._file = path
    return config


def load_office(path: Path | str) -> OfficeConfig:
    path = Path(path)
    office = _validate(OfficeConfig, _read_toml(path), path)
    if path.stem != office.code:
        raise ConfigError(path, "code", f"'{office.code}' does not match the file name")
    return office


def load_offices(directory: Path | str = CONFIG_DIR / "offices") -> dict[str, OfficeConfig]:
    files = sorted(Path(directory).glob("*.toml"))
    if not files:
        raise ConfigError(directory, "", "no office files (<code>.toml) found")
    return {o.code: o for o in map(load_office, files)}


AUTO = "auto"


def load_policy(
    name_or_path: str | Path, directory: Path | str = CONFIG_DIR / "policies", on: date | None = None
) -> Policy:
    """A policy by name or path. "auto" is the one in force on `on` (without a day: the newest, still in force);
    a named policy must be in force on `on` when a day is given."""
    if str(name_or_path) == AUTO:
        policies = load_policies(directory)
        try:
            return in_force(policies, on) if on else max(policies, key=lambda p: p.effective_from)
        except PolicyNotInForce as e:
            raise ConfigError(directory, "", str(e)) from None
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = Path(directory) / f"{name_or_path}.toml"
        if not path.exists():
            known = sorted(p.stem for p in Path(directory).glob("*.toml"))
            raise ConfigError(path, "", f"no such policy; known: {[AUTO] + known}")
    policy = _validate(Policy, _read_toml(path), path)
    if policy.name != path.stem:
        raise ConfigError(path, "name", f"'{policy.name}' does not match the file name")
    if on is not None and not policy.in_force_on(on):
        raise ConfigError(path, "", f"policy '{policy.name}' is in force {policy.span}, not on {on.isoformat()}")
    return policy


def load_policies(directory: Path | str = CONFIG_DIR / "policies") -> tuple[Policy, ...]:
    """Every policy, oldest first; their spans must not overlap (one policy in force on any day)."""
    files = sorted(Path(directory).glob("*.toml"))
    if not files:
        raise ConfigError(directory, "", "no policy files found")
    policies = sorted((load_policy(f) for f in files), key=lambda p: p.effective_from)
    for earlier, later in zip(policies, policies[1:]):
        if earlier.effective_until is None or earlier.effective_until >= later.effective_from:
            raise ConfigError(
                Path(directory) / f"{earlier.name}.toml",
                "effective_until",
                f"overlaps '{later.name}' (from {later.effective_from.isoformat()})",
            )
    return tuple(policies)


SHIPPED_HOLIDAYS = CONFIG_DIR / "holidays"


@dataclass(frozen=True)
class CalendarFile:
    """One year's calendar and where it came from: shipped with the release, or installed by the office."""

    calendar: HolidayCalendar
    path: Path
    origin: Literal["shipped", "installed"]


def installed_holidays_dir(config_file: Path | str) -> Path | None:
    """holidays/ next to a kiosk or server configuration file; None when that is the shipped folder itself."""
    directory = Path(config_file).parent / "holidays"
    return None if directory.resolve() == SHIPPED_HOLIDAYS.resolve() else directory


def load_holiday_calendar(path: Path | str) -> HolidayCalendar:
    path = Path(path)
    calendar = _validate(HolidayCalendar, _read_toml(path), path)
    if path.stem != str(calendar.year):
        raise ConfigError(path, "year", f"{calendar.year} does not match the file name")
    return calendar


def holiday_calendars(
    installed: Path | str | None = None, shipped: Path | str = SHIPPED_HOLIDAYS
) -> dict[int, CalendarFile]:
    """Every year's calendar: the shipped ones, and the office's installed ones (<year>.toml, same format), which
    replace a shipped year (a corrected notice). A missing installed folder is no calendar, not an error."""
    out: dict[int, CalendarFile] = {}
    for origin, directory in (("shipped", shipped), ("installed", installed)):
        if directory is None or not Path(directory).is_dir():
            continue
        for path in sorted(Path(directory).glob("*.toml")):
            calendar = load_holiday_calendar(path)
            out[calendar.year] = CalendarFile(calendar, path, origin)  # type: ignore[arg-type]
    return dict(sorted(out.items()))


def load_rest_days(directory: Path | str = SHIPPED_HOLIDAYS, installed: Path | str | None = None) -> RestDays:
    """The holiday calendars together (shipped, then the office's installed ones); years without one are not
    covered, and a decision with a deadline in them goes to the counter."""
    return rest_days_of(found.calendar for found in holiday_calendars(installed, directory).values())


def check_file(path: Path | str) -> str:
    """Validate any shipped config file by where it lives; returns what it was checked as."""
    path = Path(path)
    parent = path.resolve().parent.name
    if parent == "offices":
        load_office(path)
        return "office"
    if parent == "policies":
        load_policy(path)
        return "policy"
    if parent == "holidays":
        load_holiday_calendar(path)
        return "holidays"
    config = load_kiosk_config(path)
    holiday_calendars(config.holidays_dir)  # the office's installed calendars next to it
    return "kiosk"
