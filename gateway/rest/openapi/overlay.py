"""What the document says of a request body beyond its field table, laid over the schema
gateway.rest.v0_schema generates: per field a description, examples, and the ECMA-262
pattern of what a rule checks in code rather than data (an email's syntax, no NUL in
text). Never a constraint: those come from the table alone, so `annotated` refuses an
overlay that states any other keyword, names a field the table lacks, or gives a pattern
where the rule has its own or the value is no string.
"""

from __future__ import annotations

from collections.abc import Mapping

from gateway.rest.openapi.fragments import Schema

ANNOTATIONS = frozenset({"description", "examples", "pattern"})

Overlay = Mapping[str, Schema]


class OverlayError(ValueError):
    """An overlay that would state what the field table does not."""


def annotated(body: Schema, overlay: Overlay, *, description: str | None = None) -> Schema:
    """`body` (a generated object schema) with its `description` and each field's notes."""
    properties: dict[str, Schema] = body["properties"]
    unknown = sorted(set(overlay) - set(properties))
    if unknown:
        raise OverlayError(f"overlay for fields the table does not have: {unknown}")
    documented = {**body, "description": description} if description else dict(body)
    documented["properties"] = {
        name: _annotated_field(name, schema, overlay.get(name, {}))
        for name, schema in properties.items()
    }
    return documented


def _annotated_field(name: str, schema: Schema, notes: Schema) -> Schema:
    constraints = sorted(set(notes) - ANNOTATIONS)
    if constraints:
        raise OverlayError(f"{name}: only the field table states {constraints}")
    documented = {**schema, **{key: note for key, note in notes.items() if key != "pattern"}}
    if "pattern" in notes:
        documented = _with_pattern(name, documented, notes["pattern"])
    return documented


def _with_pattern(name: str, schema: Schema, pattern: str) -> Schema:
    """The pattern on the string `schema` is, or on its string branch (a numeral)."""
    if "anyOf" in schema:
        branches = [_with_pattern(name, b, pattern) if _string(b) else b for b in schema["anyOf"]]
        if branches == schema["anyOf"]:
            raise OverlayError(f"{name}: a pattern for a value that is no string")
        return {**schema, "anyOf": branches}
    if not _string(schema):
        raise OverlayError(f"{name}: a pattern for a value that is no string")
    if "pattern" in schema:
        raise OverlayError(f"{name}: the field's rule states its own pattern")
    return {**schema, "pattern": pattern}


def _string(schema: Schema) -> bool:
    kind = schema.get("type")
    return kind == "string" or (isinstance(kind, list) and "string" in kind)
