"""docs/api.md is the server's own OpenAPI document rendered; it must not drift from the server."""

from pathlib import Path

from office.apidoc import markdown, openapi

ROOT = Path(__file__).resolve().parents[2]


def test_api_page_in_docs_is_current():
    committed = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert committed == markdown(openapi()), "docs/api.md is stale: run `python -m office.apidoc > docs/api.md`"
