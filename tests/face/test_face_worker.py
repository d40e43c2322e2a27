import threading

from drivers.camera.capture import CaptureThread
from drivers.camera.simulator import SimulatedCamera
from kiosk.config import load_kiosk_config
from kiosk.services.face.pipeline import PartyCapture
from kiosk.services.face.worker import FaceWorker


def test_worker_guides_then_captures_from_the_live_camera(engine):
    config = load_kiosk_config().face
    party = PartyCapture.for_config(engine, config, id_photo=None, seed=1)
    assert party.needed == config.consecutive_good_frames and party.liveness is None
    # Not paced in real time: the scripted scene plays fast, the worker still only sees the newest frames.
    capture = CaptureThread(lambda: SimulatedCamera(fps=40, realtime=False)).start()
    done, codes = threading.Event(), []

    def on_progress(progress):
        codes.append(progress.code)
        if progress.done:
            done.set()

    worker = FaceWorker(capture, party, on_progress, timeout_s=20).start()
    try:
        assert done.wait(20), codes[-5:]
    finally:
        worker.stop()
        capture.stop()
    assert codes[0] == "no_face" and codes[-1] == "captured"
    assert party.result.photo is not None and not worker.running


def test_liveness_switch_from_config(engine):
    config = load_kiosk_config().face.model_copy(update={"liveness": True})
    party = PartyCapture.for_config(engine, config, id_photo=None, seed=5)
    assert party.liveness is not None and party.result.liveness == "pending"
