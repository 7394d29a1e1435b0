"""Expanding exported JSON-LD with pyld, offline: the two remote contexts the exports name
are served from local stand-ins (the tests have no network).

- ``https://schema.org``: the vocabulary as schema.org's own context declares it
  (``@vocab`` http://schema.org/, ``url`` an IRI).
- ``http://www.w3.org/ns/anno.jsonld``: the terms of the W3C Web Annotation context the
  export uses, with the IRIs and types the W3C context gives them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pyld import jsonld

CONTEXTS = {
    "https://schema.org": {
        "@context": {
            "@vocab": "http://schema.org/",
            "schema": "http://schema.org/",
            "url": {"@id": "schema:url", "@type": "@id"},
        }
    },
    "http://www.w3.org/ns/anno.jsonld": json.loads(
        (Path(__file__).parent / "contexts" / "anno_terms.jsonld").read_text(encoding="utf-8")
    ),
}
SCHEMA = "http://schema.org/"
OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"


def _loader(url: str, options: dict | None = None) -> dict[str, Any]:
    key = url.rstrip("/")
    if key not in CONTEXTS:
        raise jsonld.JsonLdError(f"no network in tests: {url}", "loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": CONTEXTS[key]}


def expand(document: Any) -> list[dict[str, Any]]:
    """The expanded form of ``document`` (every term a full IRI)."""
    return jsonld.expand(document, {"documentLoader": _loader})


def types(node: dict[str, Any]) -> list[str]:
    return node.get("@type", [])


def one(node: dict[str, Any], iri: str) -> Any:
    """The single value (or node) of property ``iri``; fails when it is missing."""
    values = node.get(iri)
    assert values, f"missing {iri} in {sorted(node)}"
    assert len(values) == 1, f"{iri} has {len(values)} values"
    value = values[0]
    return value.get("@value", value) if isinstance(value, dict) and "@value" in value else value
