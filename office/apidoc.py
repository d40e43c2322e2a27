"""The office API as a Markdown page (docs/api.md), rendered from the server's own OpenAPI document:
`python -m office.apidoc > docs/api.md`. A test fails when the committed page differs from the server."""

from __future__ import annotations

import tempfile
from pathlib import Path


def openapi() -> dict:
    from office.__main__ import build
    from office.clock import system_clock

    with tempfile.TemporaryDirectory() as tmp:
        app, _ = build(Path(tmp) / "office.sqlite", system_clock)
        return app.openapi()


def _schema_name(ref: dict) -> str:
    if "$ref" in ref:
        return "`" + ref["$ref"].rsplit("/", 1)[-1] + "`"
    if ref.get("type") == "array" and "items" in ref:
        return "list of " + _schema_name(ref["items"])
    return "`" + ref.get("type", "object") + "`"


def markdown(doc: dict) -> str:
    out = [
        f"# {doc['info']['title']} (version {doc['info']['version']})",
        "",
        "Generated from the server's OpenAPI document by `python -m office.apidoc`; do not edit. Every call "
        "needs a client certificate from the office's CA (mutual TLS); the caller's role, kiosk id and office "
        "come from it. `/openapi.json` holds the full schemas.",
        "",
    ]
    for path, ops in sorted(doc["paths"].items()):
        for method, op in sorted(ops.items()):
            out.append(f"## `{method.upper()} {path}`")
            out.append("")
            if op.get("summary"):
                out.append(op["summary"])
                out.append("")
            description = (op.get("description") or "").strip()
            if description:
                out.append(description)
                out.append("")
            params = [f"`{p['name']}` ({p['in']})" for p in op.get("parameters", [])]
            if params:
                out.append(f"- parameters: {', '.join(params)}")
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                out.append(f"- body: {_schema_name(body)}")
            for status, answer in sorted(op.get("responses", {}).items()):
                out.append(f"- `{status}`: {answer.get('description', '').strip()}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def main() -> None:
    print(markdown(openapi()), end="")


if __name__ == "__main__":
    main()
