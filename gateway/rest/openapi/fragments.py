"""The JSON Schema and OpenAPI building blocks the rest of the document is written in."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def response_object(properties: dict[str, Schema], *, description: str | None = None) -> Schema:
    """A response object: every property always present, nothing else."""
    schema: Schema = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def string(**constraints: Any) -> Schema:
    return {"type": "string", **constraints}


def enum(values: Any) -> Schema:
    return {"type": "string", "enum": [str(value) for value in values]}


def json_content(schema: Schema) -> dict[str, Schema]:
    """A request or response body's `content`: JSON of `schema`."""
    return {"application/json": {"schema": schema}}


def header(description: str, schema: Schema, *, required: bool = True) -> Schema:
    """A response header."""
    return {"description": description, "required": required, "schema": schema}


def request_body(component: str) -> Schema:
    """A required JSON request body: the component schema named `component`."""
    return {"required": True, "content": json_content(ref(component))}
