import pytest

from kiosk.services.face.pipeline import FaceEngine

ASTRONAUT_BOX = (73, 0, 373, 300)  # head-and-shoulders crops of the fixture photos
GRACE_BOX = (67, 26, 467, 426)


@pytest.fixture(scope="session")
def engine() -> FaceEngine:
    engine = FaceEngine.load()
    assert engine.mode == "full", engine.problem
    return engine
