"""A short soak for `python -m bench` (600 journeys, ~2 min); the 10,000-journey one: `python -m bench.soak`."""


def main() -> dict:
    from bench.soak import soak

    result = soak(600, sample_every=200)
    result.pop("samples", None)
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(main(), ensure_ascii=False, indent=1))
