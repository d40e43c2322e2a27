"""The lobby's pages in a real browser: Debian's chromium driven by Playwright (no browser download), presenting
client certificates from the office CA (PKCS#12 as a registrar would import it, or PEM)."""

import io
import shutil
import wave

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # a lobby TV runs with sound allowed without a touch (see office/README.md); the tests do the same
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--autoplay-policy=no-user-gesture-required"])
        yield b
        b.close()


def context(browser, server, role=None, name=None, p12=False, **options):
    """A browser profile presenting `role`/`name`'s certificate (none when role is None) and trusting nothing
    else than the office CA is not possible in Playwright, so the server's certificate is accepted as is."""
    from office import pki

    certificates = []
    if role is not None:
        _ca, cert, key = server.client_files(role, name)
        if p12:
            bundle = pki.browser_bundle(server.pki_dir, role, name)
            certificates = [{"origin": server.url, "pfxPath": bundle["p12"], "passphrase": bundle["passphrase"]}]
        else:
            certificates = [{"origin": server.url, "certPath": cert, "keyPath": key}]
    return browser.new_context(ignore_https_errors=True, client_certificates=certificates, **options)


def _silence(seconds: float = 0.01) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(bytes(2 * int(44100 * seconds)))
    return out.getvalue()


SILENCE = _silence()


def short_voice(ctx) -> list[tuple[str, bool]]:
    """The display's spoken segments fetched from the server as the page asks for them, then played as a blink of
    silence: the page queues, plays and marks each call said as it would, without seconds of audio per call. Returns
    (segment URL, served by the server) for every segment asked for."""
    served: list[tuple[str, bool]] = []

    def handle(route) -> None:
        answer = route.fetch()  # the browser asks for a range of the file: 206
        served.append((route.request.url, answer.ok))
        if answer.ok:
            route.fulfill(status=200, headers={"content-type": "audio/wav"}, body=SILENCE)
        else:
            route.fulfill(response=answer)

    ctx.route("**/display/voice/**", handle)
    return served
