"""Scenarios with the counters: help called and taken, a day in the lobby."""

from __future__ import annotations

from kiosk.harness.headless import Until
from kiosk.harness.journeys import Journey
from kiosk.harness.scenarios.registry import scenario
from kiosk.harness.scenarios.steps import booked_to_confirm, ticket_and_finish

LOBBY_WAIT_S = 180.0


def _counter_view(j: Journey, path: str, post: dict | None = None) -> dict:
    """GET `path` (or POST `post`) as a counter of this office would: a counter certificate from the bundled
    server's CA."""
    import requests

    from kiosk.app import bundled
    from office import pki

    url = j.parts.config.backend.url
    pki_dir = bundled.bundled_pki(url)
    files = pki.issue(pki_dir, "counter", "journey-counter", j.shell.env.office)
    with requests.Session() as s:
        s.trust_env = False
        s.verify, s.cert = str(pki_dir / "ca.crt"), (files["cert"], files["key"])
        answer = s.get(url + path, timeout=10) if post is None else s.post(url + path, json=post, timeout=10)
    answer.raise_for_status()
    return answer.json()


@scenario
def call_staff(j: Journey):
    """Help is called on the ID card screen (online): the kiosk says the call was sent, and that staff are on the
    way only once a counter takes it; then on the service menu with the network cut: the call waits in the
    journal, a tone plays, and the office gets it once the network is back."""
    office = j.shell.env.office
    yield from j.touch("start", "service_menu")
    yield from j.touch("walk_in", "choose_business")
    yield from j.touch("business_marriage", "read_id_1")
    session = lambda: j.shell.flow.session  # noqa: E731
    yield from j.help("call_staff", lambda: session().assistance == "sent", "call sent")
    j.expect(j.state == "read_id_1" and session().business == "marriage", "the session was not kept")
    left = j.shell.time_left()
    j.expect(left is not None and left > j.shell.seconds["idle_s"], f"idle time not lengthened: {left}")
    shown = j.app.root.ids.help.ids.assistance.text
    j.expect(shown == j.app.tr("staff_sent"), f"the applicant sees {shown!r}")
    _counter_view(j, f"/counter/calls/{session().assistance_call}/acknowledge", post={})
    yield Until(lambda: session().assistance == "on_the_way", 15, "staff on the way once a counter took the call")
    shown = j.app.root.ids.help.ids.assistance.text
    j.expect(shown == j.app.tr("staff_on_the_way"), f"the applicant sees {shown!r}")
    # the prompt starts on a later frame: the session is not cancelled under it (the network's cut may be seen at once)
    yield Until(lambda: any(s.endswith("/staff_on_the_way") for s in j.app.voice.spoken), 10, "'on the way' said")
    j.controls.toggle_network()
    yield Until(lambda: not j.shell.flow.status.backend_online, 15, "backend seen down")
    yield from j.cancel()
    yield from j.touch("start", "service_menu")
    yield from j.help("call_staff", lambda: session().assistance == "offline", "call journaled")
    j.expect(j.parts.link.backlog() == 1, "the call is not in the journal")
    # the prompt starts on a later frame: the session is not cancelled under it (a busy machine forwards at once)
    yield Until(lambda: any(s.endswith("/staff_offline") for s in j.app.voice.spoken), 10, "'call offline' said")
    j.controls.toggle_network()
    yield Until(lambda: j.parts.link.backlog() == 0, 30, "journal forwarded")
    calls = _counter_view(j, f"/v1/offices/{office}/assistance")["calls"]
    # the first call was taken by a counter: only the journaled one is open (one open call per kiosk)
    j.expect([c["screen"] for c in calls] == ["service_menu"], f"the counter sees {calls}")
    yield from j.cancel()


@scenario
def lobby_day(j: Journey):
    """The kiosk's part of a day at the office (the lobby's browser tests drive the counters and the display
    meanwhile): a walk-in couple, a booked couple, another walk-in; then help is called and the kiosk says the call
    was sent until a counter takes it, then that staff are on the way. Waits up to LOBBY_WAIT_S for the counter."""
    tickets = []

    def walk_in(n: int):
        # a different couple each time: the same couple again would be told the number they already hold
        others = [code for code in sorted(j.shell.env.offices) if code != j.shell.env.office]
        a, b = j.people.cards(j.people.booking(others[n]))
        yield from j.touch("start", "service_menu")
        yield from j.touch("walk_in", "choose_business")
        yield from j.touch("business_marriage", "read_id_1")
        yield from j.card(a, "read_id_2")
        yield from j.card(b, "eligibility")
        yield from j.touch("go_on", "consent")
        yield from j.touch("no", "confirm")
        yield from ticket_and_finish(j)
        tickets.append(j.ticket)

    yield from walk_in(0)
    yield from booked_to_confirm(j, consent=False)
    yield from ticket_and_finish(j)
    tickets.append(j.ticket)
    yield from walk_in(1)
    j.notes["tickets"] = tickets
    yield from j.touch("start", "service_menu")
    yield from j.touch("walk_in", "choose_business")
    yield from j.touch("business_marriage", "read_id_1")
    session = lambda: j.shell.flow.session  # noqa: E731
    yield from j.help("call_staff", lambda: session().assistance == "sent", "call sent")
    shown = j.app.root.ids.help.ids.assistance.text
    j.expect(shown == j.app.tr("staff_sent"), f"the applicant sees {shown!r}")
    j.notes["call_id"] = session().assistance_call
    yield Until(lambda: session().assistance == "on_the_way", LOBBY_WAIT_S, "a counter took the call")
    j.notes["shown"] = j.app.root.ids.help.ids.assistance.text
    j.expect(j.notes["shown"] == j.app.tr("staff_on_the_way"), f"the applicant sees {j.notes['shown']!r}")
    # and hears it: the prompt starts on a later frame, so the session is not cancelled under it
    yield Until(lambda: any(s.endswith("/staff_on_the_way") for s in j.app.voice.spoken), 10, "'on the way' said")
    yield from j.cancel()
