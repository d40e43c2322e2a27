"""The fault suite in its quick form, for `python -m bench` (the full one: `python -m bench.faults`)."""


def main() -> dict:
    from bench.faults import run

    return run(quick=True)


if __name__ == "__main__":
    import json

    print(json.dumps(main(), ensure_ascii=False, indent=1))
