"""What the flow tests share: the env, the cards and the booking, a stand-in face result, and `run`."""

from dataclasses import dataclass, replace
from datetime import date

from kiosk.domain.appointment import Appointment, BookedParty
from kiosk.domain.idcard_record import IdCardRecord
from kiosk.flow import Flow, FlowEnv, step
from kiosk.flow.events import CardRead, ChooseBusiness, ChooseService, Consent, Continue, FaceCaptured, Start, Timeout

from ..domain.cases import CITYWIDE, OFFICES, id_number


def resident(name: str, sex: str, birth: date, address: str, division: str, valid_until: str) -> IdCardRecord:
    """A resident ID card whose number carries its holder's birth date and sex (and the division of first issue)."""
    number = id_number(division, birth, sex)
    return IdCardRecord("resident_id", name, sex, birth.isoformat(), number, address=address, valid_until=valid_until)


TODAY = date(2024, 11, 26)  # under the 2021 city-wide plan
ENV = FlowEnv(CITYWIDE, OFFICES, "441621", TODAY)
ENV_FP = replace(ENV, fingerprint=True)
FP = b"\x01" * 1024  # two 512-byte templates read with 30 10
HIM = resident("张三丰", "male", date(1990, 5, 1), "广东省紫金县紫城镇永安路2号", "441621", "long_term")
HER = resident("李四娘", "female", date(1993, 8, 8), "湖南省长沙市岳麓区8号", "430104", "2030-01-01")
OUTSIDER = resident("张三丰", "male", date(1990, 5, 1), "湖南省长沙市岳麓区9号", "430104", "long_term")
TOKEN = "ABCDEFGHIJKLMN23"
BOOKING = Appointment(
    "ap-1", "441621", "marriage", token=TOKEN, parties=(BookedParty(HIM.id_number), BookedParty(HER.id_number))
)
SECONDS = {
    "idle_s": 60,
    "idle_warning_s": 25,
    "printing_s": 30,
    "done_s": 20,
    "printer_problem_s": 60,
    "maintenance_login_s": 60,
    "maintenance_idle_s": 120,
    "assisted_idle_s": 300,
}

WALK_IN_MARRIAGE = [Start(), ChooseService("walk_in"), ChooseBusiness("marriage")]  # to the first card
ACCEPTED = [*WALK_IN_MARRIAGE, CardRead(HIM), CardRead(HER), Continue()]  # to the photo consent
NO_PHOTOS = [*ACCEPTED, Consent(False)]  # to the confirmation: no photos, both parties to the counter


@dataclass
class Face:
    """What the face session hands the flow: the comparison's verdict (the photo itself does not matter here)."""

    verdict: str
    score: float | None = None
    reason: str = ""
    party: int = 0

    def wipe(self) -> None:
        pass


def run(events, flow=Flow(), env=ENV):
    """Step through `events`. A photo's outcome is shown until the shell's timer fires (Timeout after
    face_outcome_s): that Timeout follows each FaceCaptured here (tests of the showing itself step it by hand)."""
    effects = []
    for e in events:
        flow, fx = step(flow, e, env)
        effects += fx
        if isinstance(e, FaceCaptured) and flow.session.face_shown is not None:
            flow, fx = step(flow, Timeout(), env)
            effects += fx
    return flow, effects


def to_consent(env=ENV, him=HIM, her=HER) -> Flow:
    """A walk-in couple whose marriage case is accepted, at the photo consent."""
    return run([*WALK_IN_MARRIAGE, CardRead(him), CardRead(her), Continue()], env=env)[0]


def checks(flow):
    return [(c.verified_by, c.result, c.attempts) for c in flow.session.verification]


def kinds(fx):
    return [type(x).__name__ for x in fx]
