"""`kiosk-diag journey` names its scenarios without importing them (that would start Kivy to parse arguments):
the two lists must agree, or a new scenario could not be run."""


def test_the_command_line_offers_every_scenario():
    from kiosk.cli.diag_journey import NAMES
    from kiosk.harness.scenarios import SCENARIOS

    assert sorted(NAMES) == sorted(SCENARIOS)
