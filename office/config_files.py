"""The office's TOML files (offices, holiday calendars) read and validated by the models the kiosk shares."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from kiosk.domain.offices import validation_problem

Model = TypeVar("Model", bound=BaseModel)


def load(path: Path, model: type[Model], error: type[Exception]) -> Model:
    """The file as `model`; an unreadable or wrong file raises `error`, its message naming the file and the key."""
    try:
        return model.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeError, tomllib.TOMLDecodeError) as e:
        raise error(f"{path}: cannot be read ({e})") from None
    except ValidationError as e:
        key, problem = validation_problem(e)
        raise error(f"{path}: {key}: {problem}") from None
