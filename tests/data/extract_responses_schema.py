"""Extract the Responses stream's wire schema from the OpenAPI spec (responses-stream-schema.json).

Usage::

    python tests/data/extract_responses_schema.py openapi.yaml \
        > tests/data/responses-stream-schema.json

Never run by the tests (they read the JSON it wrote); kept so the extract can be
made again from a newer spec. Needs PyYAML.

What it writes is the closure of ``components.schemas.ResponseStreamEvent``
(every event, the ``Response`` they carry, its output items, content parts,
annotations, tools ...) in the same style as ``assistants-stream-schema.json``:
one definition per object, union and event, keyed by name, each with
``x-kind`` (``object``, ``union``, ``event``), ``properties`` (each with
``type``/``$ref``/``enum``/``const``/``items``, ``nullable``, ``description``),
``required``, ``discriminator`` and ``x-spec`` (where in the spec it comes from).

The spec's OpenAPI 3.1 shapes are normalised to that flat form:

* ``anyOf: [X, {type: "null"}]`` is ``X`` with ``nullable: true``;
* ``allOf`` objects are merged (``Response`` is three of them);
* a reference to a string enum is inlined as the property's ``enum`` (with
  ``x-enum`` naming the spec schema); a one-value enum marked
  ``x-stainless-const`` (or a ``type`` tag) is a ``const``;
* an inline object or union gets a definition named after its place,
  ``Parent`` + ``CamelCasedProperty`` (``Response.incomplete_details`` ->
  ``ResponseIncompleteDetails``), array items likewise; an inline union
  member after its ``title``;
* an object schema that names no properties (``EmptyModelParam``, a JSON
  schema's place) is free-form, as ``additionalProperties: true`` is;
* a union of strings is a string (an enum when every member is one);
* a value no flat form describes -- a union of an array and a string, of
  scalars of several JSON types, of objects that share no constant ``type``
  tag -- is free-form JSON: ``{"x-free": reason}``.

Restricted to what the stream carries: ``Response.instructions`` (a string or
an array of input items, the request's own input) is free-form, so the input
item schemas, which only requests use, are left out.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = "ResponseStreamEvent"

# Properties kept as free-form JSON rather than followed, with the reason.
CUT = {
    ("Response", "instructions"): (
        "a string or an array of input items (the request's own input, not streamed output)"
    ),
}

Schema = dict[str, Any]


class Extractor:
    """Walks the spec from ResponseStreamEvent, writing flat definitions."""

    def __init__(self, spec: Schema) -> None:
        self.schemas: dict[str, Schema] = spec["components"]["schemas"]
        self.out: dict[str, Schema] = {}
        self.pending: list[str] = []

    # --- helpers -------------------------------------------------------------

    def deref(self, node: Schema) -> tuple[str | None, Schema]:
        ref = node.get("$ref")
        if ref is None:
            return None, node
        name = ref.split("/")[-1]
        return name, self.schemas[name]

    def strip_null(self, node: Schema) -> tuple[Schema, bool]:
        """``anyOf/oneOf [X, null]`` -> (X, True); anything else -> (node, False)."""
        for key in ("anyOf", "oneOf"):
            members = node.get(key)
            if members and any(m.get("type") == "null" for m in members):
                rest = [m for m in members if m.get("type") != "null"]
                merged: Schema = {k: v for k, v in node.items() if k != key}
                if len(rest) == 1:
                    inner = dict(rest[0])
                    if "description" in merged and "description" not in inner:
                        inner["description"] = merged["description"]
                    return inner, True
                merged[key] = rest
                return merged, True
        return node, False

    def is_null_wrapped(self, node: Schema) -> bool:
        return self.strip_null(node)[1]

    def shape(self, node: Schema) -> Schema:
        """The node with references to nullable wrappers and allOf resolved, shallowly."""
        _name, target = self.deref(node)
        target, _ = self.strip_null(target)
        return target

    def is_object(self, node: Schema) -> bool:
        target = self.shape(node)
        if "$ref" in target:
            return self.is_object(target)
        if "allOf" in target:
            return True
        return target.get("type") == "object" and bool(target.get("properties"))

    def union_members(self, node: Schema) -> list[Schema] | None:
        target = self.shape(node)
        if "$ref" in target:
            return self.union_members(target)
        return target.get("oneOf") or target.get("anyOf")

    def string_values(self, node: Schema) -> tuple[bool, list[str] | None]:
        """(is a string, its enum values or None when any string goes)."""
        target = self.shape(node)
        if "$ref" in target:
            return self.string_values(target)
        members = target.get("oneOf") or target.get("anyOf")
        if members:
            values: list[str] | None = []
            for member in members:
                ok, enum = self.string_values(member)
                if not ok:
                    return False, None
                if enum is None or values is None:
                    values = None
                else:
                    values += [v for v in enum if v not in values]
            return True, values
        if target.get("type") == "string":
            return True, list(target["enum"]) if "enum" in target else None
        return False, None

    # --- definitions -----------------------------------------------------------

    def merged_object(self, node: Schema) -> Schema:
        """An object schema with allOf merged: {properties, required, description, title}."""
        node, _ = self.strip_null(node)
        _name, node = self.deref(node)
        node, _ = self.strip_null(node)
        if "$ref" in node:
            return self.merged_object(node)
        if "allOf" in node:
            properties: dict[str, Schema] = {}
            required: list[str] = []
            description = node.get("description")
            for part in node["allOf"]:
                sub = self.merged_object(part)
                properties.update(sub["properties"])
                required += [r for r in sub["required"] if r not in required]
                description = description or sub.get("description")
            return {"properties": properties, "required": required, "description": description}
        return {
            "properties": dict(node.get("properties") or {}),
            "required": list(node.get("required") or []),
            "description": node.get("description"),
        }

    def build_object_def(self, name: str, node: Schema) -> Schema:
        merged = self.merged_object(node)
        properties = {}
        for prop_name, prop in merged["properties"].items():
            properties[prop_name] = self.prop(name, prop_name, prop)
        definition: Schema = {
            "x-kind": "object",
            "type": "object",
            "discriminator": None,
            "properties": properties,
            "required": [r for r in merged["required"] if r in properties],
        }
        if merged.get("description"):
            definition["description"] = clean(merged["description"])
        return definition

    def define_object(self, name: str, node: Schema, where: str) -> str:
        if name not in self.out:
            self.out[name] = {}  # a placeholder against recursion
            definition = self.build_object_def(name, node)
            definition["x-spec"] = where
            self.out[name] = definition
        return name

    def define_union(self, name: str, members: list[Schema], where: str, node: Schema) -> Schema:
        """A union definition, or a free-form property spec if no flat union describes it.

        Object members are told apart by their ``type``: a constant, or an enum
        of several values (each maps to the member); a member without one is
        untagged, and at most one may be.
        """
        one_of: list[Schema] = []
        mapping: dict[str, str] = {}
        untagged = 0
        for index, member in enumerate(members):
            ok, enum = self.string_values(member)
            if ok:
                one_of.append(
                    {"type": "string"} if enum is None else {"type": "string", "enum": enum}
                )
                continue
            if not self.is_object(member):
                return {"x-free": "a union of values of several JSON types"}
            ref_name, _target = self.deref(member)
            if ref_name is None:
                title = member.get("title")
                ref_name = title_name(title) if title else f"{name}{index}"
                self.define_object(ref_name, member, f"{where}/{index}")
            else:
                self.define_object(ref_name, member, f"#/components/schemas/{ref_name}")
            tag = self.out[ref_name]["properties"].get("type", {})
            tags = [tag["const"]] if "const" in tag else list(tag.get("enum") or [])
            if not tags:
                untagged += 1
            for value in tags:
                mapping[value] = f"#/{ref_name}"
            one_of.append({"$ref": f"#/{ref_name}"})
        if untagged > 1:
            return {"x-free": "a union of objects with no type tag"}
        if name not in self.out:
            definition: Schema = {
                "x-kind": "union",
                "oneOf": one_of,
                "discriminator": {"propertyName": "type", "mapping": mapping} if mapping else None,
                "properties": {},
                "required": [],
                "x-spec": where,
            }
            if node.get("description"):
                definition["description"] = clean(node["description"])
            self.out[name] = definition
        return {"$ref": f"#/{name}"}

    # --- properties ------------------------------------------------------------

    def prop(self, parent: str, prop_name: str, node: Schema) -> Schema:
        where = f"{parent}.{prop_name}"
        if (parent, prop_name) in CUT:
            spec: Schema = {"x-free": CUT[parent, prop_name], "nullable": True}
            self.add_description(spec, node)
            return spec
        spec = self.value(camel(parent, prop_name), node, where)
        self.add_description(spec, node)
        return spec

    def add_description(self, spec: Schema, node: Schema) -> None:
        description = node.get("description")
        if description is None:
            inner, _ = self.strip_null(node)
            description = inner.get("description")
            if description is None:
                _name, target = self.deref(inner)
                description = target.get("description") if _name is None else None
        if description:
            spec["description"] = clean(description)

    def value(self, name: str, node: Schema, where: str) -> Schema:
        """The flat property spec of a value schema; ``name`` names an inline definition."""
        inner, nullable = self.strip_null(node)
        ref_name, target = self.deref(inner)
        if ref_name is not None:
            target_inner, target_nullable = self.strip_null(target)
            nullable = nullable or target_nullable
            spec = self.value_of_named(ref_name, target_inner, target)
        else:
            spec = self.value_inline(name, inner, where)
        spec["nullable"] = nullable or spec.pop("nullable", False)
        return spec

    def value_of_named(self, ref_name: str, node: Schema, original: Schema) -> Schema:
        where = f"#/components/schemas/{ref_name}"
        if self.is_object(node):
            self.define_object(ref_name, node, where)
            return {"$ref": f"#/{ref_name}"}
        members = node.get("oneOf") or node.get("anyOf")
        ok, enum = self.string_values(node)
        if ok:
            spec: Schema = {"type": "string"}
            if enum is not None:
                spec["enum"] = enum
                spec["x-enum"] = ref_name
            return spec
        if members:
            return self.define_union(ref_name, members, where, node)
        return self.value_inline(ref_name, node, where)

    def value_inline(self, name: str, node: Schema, where: str) -> Schema:
        if "allOf" in node or (node.get("type") == "object" and node.get("properties")):
            self.define_object(name, node, where)
            return {"$ref": f"#/{name}"}
        members = node.get("oneOf") or node.get("anyOf")
        if members:
            ok, enum = self.string_values(node)
            if ok:
                spec: Schema = {"type": "string"}
                if enum is not None:
                    spec["enum"] = enum
                return spec
            return self.define_union(name, members, where, node)
        kind = node.get("type")
        if kind == "array":
            items = self.value(
                name + "Item" if not name.endswith("s") else name[:-1], node["items"], where + "[]"
            )
            items.pop("nullable", None)
            items.pop("description", None)
            return {"type": "array", "items": items}
        if kind == "object" or (kind is None and "additionalProperties" in node):
            extra = node.get("additionalProperties", True)
            if isinstance(extra, dict) and extra.get("type") == "string" and "enum" not in extra:
                return {"type": "object", "additionalProperties": {"type": "string"}}
            return {"type": "object", "additionalProperties": True}
        if kind in ("string", "integer", "number", "boolean"):
            spec = {"type": kind}
            if "format" in node:
                spec["format"] = node["format"]
            enum = node.get("enum")
            if enum is not None:
                if len(enum) == 1 and (node.get("x-stainless-const") or where.endswith(".type")):
                    spec["const"] = enum[0]
                else:
                    spec["enum"] = list(enum)
            if "default" in node and node["default"] is not None:
                spec["default"] = node["default"]
            return spec
        if kind is None and not set(node) - {"description", "title", "default", "x-oaiTypeLabel"}:
            return {"x-free": "any JSON value"}
        msg = f"no flat form for {where}: {sorted(node)}"
        raise ValueError(msg)

    # --- events ---------------------------------------------------------------------

    def run(self) -> dict[str, Schema]:
        root = self.schemas[ROOT]
        members = root.get("anyOf") or root.get("oneOf")
        one_of = []
        mapping = {}
        events = []
        for member in members:
            name, _target = self.deref(member)
            assert name is not None
            definition = self.build_object_def(name, self.schemas[name])
            tag = definition["properties"]["type"].get("const")
            assert tag is not None, name
            definition["x-kind"] = "event"
            definition["discriminator"] = {"propertyName": "type", "value": tag}
            definition["x-spec"] = f"#/components/schemas/{name}"
            definition["x-memberOf"] = [ROOT]
            events.append((name, definition))
            one_of.append({"$ref": f"#/{name}"})
            mapping[tag] = f"#/{name}"
        union = {
            "x-kind": "union",
            "oneOf": one_of,
            "discriminator": {"propertyName": "type", "mapping": mapping},
            "properties": {},
            "required": [],
            "x-spec": f"#/components/schemas/{ROOT}",
        }
        result: dict[str, Schema] = {ROOT: union}
        result.update(events)
        for name, definition in self.out.items():
            if name not in result:
                result[name] = definition
        return result


def camel(parent: str, prop_name: str) -> str:
    return parent + "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", prop_name))


def title_name(title: str) -> str:
    """A class name from a spec ``title``: "MCP tool approval filter" -> MCPToolApprovalFilter."""
    return "".join(word if word.isupper() else word.capitalize() for word in title.split())


def clean(text: str) -> str:
    """A description on one paragraph per blank line, links reduced to their text."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return "\n\n".join(" ".join(p.split()) for p in text.strip().split("\n\n")).strip()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    spec = yaml.load(Path(argv[1]).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    extract = Extractor(spec).run()
    json.dump(extract, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
