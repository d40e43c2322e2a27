"""The office API as a Markdown page (docs/api.md), rendered from the server's own OpenAPI document:
`python -m office.apidoc > docs/api.md`. A test fails when the committed page differs from the server.

Each operation lists its roles, its request (parameters and body fields, with their limits) and its answer's
fields, as far as the document declares them, then its statuses and error codes."""

from __future__ import annotations

import tempfile
from pathlib import Path

LIMITS = {
    "minLength": "≥ {} chars",
    "maxLength": "≤ {} chars",
    "minimum": "≥ {}",
    "maximum": "≤ {}",
    "exclusiveMinimum": "> {}",
    "exclusiveMaximum": "< {}",
    "minItems": "≥ {} items",
    "maxItems": "≤ {} items",
    "pattern": "matches `{}`",
    "format": "{}",
}


def openapi() -> dict:
    from office.assemble import build
    from office.clock import system_clock

    with tempfile.TemporaryDirectory() as tmp:
        app, _ = build(Path(tmp) / "office.sqlite", system_clock)
        return app.openapi()


def _ref_name(schema: dict) -> str | None:
    return schema["$ref"].rsplit("/", 1)[-1] if "$ref" in schema else None


def _variants(schema: dict) -> tuple[list[dict], bool]:
    """The schema's alternatives without `null`, and whether null is allowed."""
    options = schema.get("anyOf") or schema.get("oneOf") or [schema]
    kept = [o for o in options if o.get("type") != "null"]
    return kept, len(kept) != len(options)


def _type(schema: dict) -> str:
    variants, nullable = _variants(schema)
    names: list[str] = []
    for v in variants:
        ref = _ref_name(v)
        if ref:
            names.append(ref)
        elif "enum" in v:
            names.append("one of " + ", ".join(f"`{e}`" for e in v["enum"]))
        elif "const" in v:
            names.append(f"`{v['const']}`")
        elif v.get("type") == "array":
            names.append("list of " + _type(v.get("items", {})))
        elif v.get("type") == "object" and "additionalProperties" in v and isinstance(v["additionalProperties"], dict):
            names.append("map of " + _type(v["additionalProperties"]))
        else:
            names.append(v.get("type", "any"))
    return " or ".join(names) + (" or null" if nullable else "")


def _limits(schema: dict) -> str:
    variants, _ = _variants(schema)
    found = [text.format(v[key]) for v in variants for key, text in LIMITS.items() if key in v]
    return "; ".join(found)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _fields(schema: dict, components: dict, prefix: str = "", seen: tuple[str, ...] = ()) -> list[str]:
    """Table rows for an object's fields; a nested object is flattened as `parent.child` (`parent[].child`), and
    each object of a choice (`A or B`) gets its own rows, `parent[] (A).child`."""
    name = _ref_name(schema)
    if name:
        if name in seen:
            return []
        seen, schema = seen + (name,), components.get(name, {})
    rows = []
    required = set(schema.get("required", []))
    for field, sub in schema.get("properties", {}).items():
        about = " — ".join(p for p in (_limits(sub), sub.get("description", "")) if p)
        default = f" (default `{sub['default']}`)" if sub.get("default") not in (None, [], "") else ""
        rows.append(
            f"| `{prefix}{field}` | {_cell(_type(sub))} | {'yes' if field in required else 'no'} | "
            f"{_cell(about + default)} |"
        )
        for v in _variants(sub)[0]:
            inner, suffix = (v.get("items", {}), "[]") if v.get("type") == "array" else (v, "")
            objects = [o for o in _variants(inner)[0] if "properties" in components.get(_ref_name(o) or "", {})]
            for o in objects:
                label = f" ({_ref_name(o)})" if len(objects) > 1 else ""
                rows += _fields(o, components, f"{prefix}{field}{suffix}{label}.", seen)
    return rows


def _table(title: str, rows: list[str]) -> list[str]:
    return [f"{title}:", "", "| field | type | required | limits, meaning |", "|---|---|---|---|", *rows, ""]


def _json_schema(container: dict) -> dict | None:
    return container.get("content", {}).get("application/json", {}).get("schema")


def markdown(doc: dict) -> str:
    components = doc.get("components", {}).get("schemas", {})
    out = [
        f"# {doc['info']['title']} (version {doc['info']['version']})",
        "",
        "Generated from the server's OpenAPI document by `python -m office.apidoc > docs/api.md`; do not edit. "
        "Every call needs a client certificate from the office's CA (mutual TLS); the caller's role, kiosk id "
        "and office come from it. Writes (POST) need an `Idempotency-Key` header. Errors answer "
        '`{"error": code, "message": {"zh": …, "en": …}}`. `/openapi.json` holds the full schemas.',
        "",
    ]
    for path, ops in sorted(doc["paths"].items()):
        for method, op in sorted(ops.items()):
            out += [f"## `{method.upper()} {path}`", ""]
            if op.get("summary"):
                out += [op["summary"], ""]
            description = (op.get("description") or "").strip()
            if description:
                out += [description, ""]
            params = [
                f"| `{p['name']}` ({p['in']}) | {_cell(_type(p.get('schema', {})))} | "
                f"{'yes' if p.get('required') else 'no'} | "
                f"{_cell(' — '.join(x for x in (_limits(p.get('schema', {})), p.get('description', '')) if x))} |"
                for p in op.get("parameters", [])
            ]
            if params:
                out += _table("Parameters", params)
            body = _json_schema(op.get("requestBody", {}))
            if body:
                out += _table(f"Request body (`{_ref_name(body) or 'object'}`)", _fields(body, components))
            for status, answer in sorted(op.get("responses", {}).items()):
                schema = _json_schema(answer)
                if status.startswith("2") and schema and _fields(schema, components):
                    out += _table(f"Answer `{status}` (`{_ref_name(schema) or 'object'}`)", _fields(schema, components))
            out.append("Statuses:")
            out.append("")
            for status, answer in sorted(op.get("responses", {}).items()):
                out.append(f"- `{status}`: {answer.get('description', '').strip()}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def main() -> None:
    print(markdown(openapi()), end="")


if __name__ == "__main__":
    main()
