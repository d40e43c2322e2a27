"""Start-up's leftover work (screens, prompts) waits while an applicant touches the kiosk."""

import gc

from kiosk.ui.idle import IdleWork


class FakeClock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def test_one_piece_a_frame_and_none_while_the_applicant_is_touching():
    clock, done = FakeClock(), []
    work = IdleWork(quiet_s=1.0, now=clock)
    finished = []
    work.on_done.append(lambda: finished.append(True))
    work.add([lambda i=i: done.append(i) for i in range(3)])
    assert work.step() and done == [0]
    work.touched()
    clock.t += 0.5
    assert work.step() and done == [0]  # someone is touching: wait
    clock.t += 0.6
    assert work.step() and done == [0, 1]
    assert work.step() and done == [0, 1, 2]
    try:
        assert not work.step() and work.done  # all done: the long-lived objects leave the collector's way
        assert gc.get_freeze_count() > 0 and finished == [True]  # the kiosk's own warm-ups may start
    finally:
        gc.unfreeze()
    assert not work.step() and finished == [True]


def test_cancelled_work_is_dropped():
    done = []
    work = IdleWork(now=FakeClock())
    work.add([lambda: done.append(1)])
    work.cancel()
    assert not work.step() and done == [] and work.done
