"""The lobby's pages in a real browser: Debian's chromium driven by Playwright (no browser download), presenting
client certificates from the office CA (PKCS#12 as a registrar would import it, or PEM)."""

import shutil

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
