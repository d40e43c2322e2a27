import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

import face_variants as v
from conftest import ASTRONAUT_BOX, GRACE_BOX
from kiosk.facematch.verify import DEFAULT_THRESHOLD, compare, cosine


def same_person_pairs():
    for photo, box in ((v.astronaut(), ASTRONAUT_BOX), (v.grace(), GRACE_BOX)):
        yield photo, v.id_card_copy(photo, box)  # ID-card-like grey 128 px copy
        yield photo, v.portrait(photo, box)[:, ::-1]  # mirrored crop
        yield photo, v.dark(photo, 0.5)  # dimmer light


def test_same_person_variants_match(engine):
    for a, b in same_person_pairs():
        match = engine.verify(a, b)
        assert match is not None and match.same_person, match


def test_different_people_do_not_match(engine):
    match = engine.verify(v.astronaut(), v.grace())
    assert not match.same_person and match.score < 0.3
    id_copy = v.id_card_copy(v.grace(), GRACE_BOX)
    assert not engine.verify(v.astronaut(), id_copy).same_person


def test_no_face_gives_no_match(engine):
    assert engine.verify(v.astronaut(), np.full((200, 200, 3), 128, np.uint8)) is None


def test_threshold_is_opencv_default():
    assert DEFAULT_THRESHOLD == 0.363
    assert compare(np.ones(4), np.ones(4)).same_person
    assert not compare(np.array([1.0, 0]), np.array([0, 1.0])).same_person


vectors = arrays(np.float32, 16, elements=st.floats(-10, 10, width=32))


@given(vectors, vectors, st.floats(0.01, 100))
def test_cosine_is_symmetric_bounded_and_scale_free(a, b, k):
    c = cosine(a, b)
    assert -1.0001 <= c <= 1.0001
    assert c == pytest.approx(cosine(b, a), abs=1e-9)
    if np.linalg.norm(a) > 1e-3 and np.linalg.norm(b) > 1e-3:
        assert cosine(a * k, b) == pytest.approx(c, abs=1e-6)
