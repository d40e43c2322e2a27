"""Configuration: TOML files validated into typed objects, loaded once in main().

A broken file stops the kiosk with one message naming the file, the key and what is wrong.
"""
from __future__ import annotations

import os
import tomllib
from datetime import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kiosk import resources
from kiosk.domain.business import check_business_keys
from kiosk.domain.policy import Policy

# The shipped config tree (kiosk/resources/config): default.toml, offices/, policies/, and any further folder.
CONFIG_DIR = resources.config_path()
DEFAULT_CONFIG = CONFIG_DIR / "default.toml"


class ConfigError(Exception):
    """A configuration file is missing or wrong; the message names the file and the key."""

    def __init__(self, file: Path | str, key: str, problem: str):
        self.file, self.key, self.problem = str(file), key, problem
        super().__init__(f"{file}: {key}: {problem}" if key else f"{file}: {problem}")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in the kiosk's two languages."""
    zh: str
    en: str


class TicketRange(Strict):
    prefix: str = Field(max_length=2)
    first: int = Field(ge=0)
    last: int = Field(ge=0)
    offline_first: int = Field(ge=0)
    offline_last: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self):
        if not (self.first <= self.last):
            raise ValueError("first must not exceed last")
        if not (self.offline_first <= self.offline_last):
            raise ValueError("offline_first must not exceed offline_last")
        if self.offline_first <= self.last and self.first <= self.offline_last:
            raise ValueError("the offline range must not overlap the office range")
        return self


class AppointmentWindow(Strict):
    minutes_before: int = Field(ge=0, le=24 * 60)
    minutes_after: int = Field(ge=0, le=24 * 60)


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class OfficeConfig(Strict):
    code: str = Field(pattern=r"^\d{6}$")
    county: Text
    name: Text
    address: Text
    phone: str
    walk_in_daily_quota: int = Field(ge=0)
    appointment_window: AppointmentWindow
    opening_hours: dict[Weekday, list[str]]
    tickets: dict[str, TicketRange]

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, value):
        for day, spans in value.items():
            for span in spans:
                try:
                    a, b = span.split("-")
                    if time.fromisoformat(a) >= time.fromisoformat(b):
                        raise ValueError
                except ValueError:
                    raise ValueError(f"{day}: '{span}' is not a span like '08:30-12:00'") from None
        return value

    @field_validator("tickets")
    @classmethod
    def _businesses(cls, value):
        check_business_keys(value, "ticket range")
        return value


class KioskSection(Strict):
    id: str = Field(min_length=1)
    office: str = Field(pattern=r"^\d{6}$")
    policy: str
    state_dir: str
    languages: list[Literal["zh", "en"]] = ["zh", "en"]
    idle_timeout_s: int = Field(ge=10, le=600)
    idle_warning_s: int = Field(ge=20, le=120)
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


class BackendSection(Strict):
    url: str
    connect_timeout_s: float = Field(gt=0, le=30)
    read_timeout_s: float = Field(gt=0, le=120)
    start_bundled: bool = False
    bookings_refresh_s: int = Field(ge=30, le=3600)
    journal_retention_days: int = Field(ge=1, le=365)


class PrinterSection(Strict):
    paper_width_mm: Literal[58, 80] = 80
    max_job_age_s: int = Field(ge=5, le=3600)
    native_qr: bool = True


class FaceSection(Strict):
    enabled: bool = True
    match_threshold: float = Field(ge=0, le=1)
    liveness: bool = False
    consecutive_good_frames: int = Field(ge=1, le=60)


class MaintenanceSection(Strict):
    pin_hash: str = ""
    idle_logout_s: int = Field(ge=30, le=3600)
    metrics_bind: str = "127.0.0.1:9108"
    entry_key: str = "f12"            # Kivy key name opening the maintenance login on the attract screen; "" = none


class KioskConfig(Strict):
    kiosk: KioskSection
    devices: DevicesSection
    backend: BackendSection
    printer: PrinterSection
    face: FaceSection
    maintenance: MaintenanceSection

    @property
    def state_dir(self) -> Path:
        return Path(os.path.expandvars(os.path.expanduser(self.kiosk.state_dir)))


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
        err = e.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        problem = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        if err["type"] == "missing":
            problem = "missing key"
        more = f" (and {len(e.errors()) - 1} more problem(s))" if len(e.errors()) > 1 else ""
        raise ConfigError(path, key, problem + more) from None


def load_kiosk_config(path: Path | str = DEFAULT_CONFIG) -> KioskConfig:
    path = Path(path)
    data = _read_toml(path)
    # Environment variables override files for deployment settings (e.g. KIOSK_BACKEND_URL).
    if url := os.environ.get("KIOSK_BACKEND_URL"):
        data.setdefault("backend", {})["url"] = url
    if pin := os.environ.get("KIOSK_PIN_HASH"):
        data.setdefault("maintenance", {})["pin_hash"] = pin
    return _validate(KioskConfig, data, path)


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


def load_policy(name_or_path: str | Path, directory: Path | str = CONFIG_DIR / "policies") -> Policy:
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = Path(directory) / f"{name_or_path}.toml"
        if not path.exists():
            known = sorted(p.stem for p in Path(directory).glob("*.toml"))
            raise ConfigError(path, "", f"no such policy; known: {known}")
    policy = _validate(Policy, _read_toml(path), path)
    if policy.name != path.stem:
        raise ConfigError(path, "name", f"'{policy.name}' does not match the file name")
    return policy


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
    load_kiosk_config(path)
    return "kiosk"
