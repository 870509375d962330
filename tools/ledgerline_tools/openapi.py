"""One OpenAPI 3.1 document for the whole API, generated from every function's own resolver.

Each function declares its route with Powertools' typed resolver; merging their schemas gives the
document the local server serves at /openapi.json and that is kept in docs/openapi.json.
"""

import json
from pathlib import Path
from typing import Any

from ledgerline_tools import template as tpl
from ledgerline_tools.functions import _load

DOCUMENT = tpl.ROOT / "docs" / "openapi.json"
TITLE = "Ledgerline API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Serverless double-entry ledger for small businesses' loans and write-offs. "
    "Authenticate with `Authorization: Bearer <token>`; loans-family routes (/api/v1) also need `x-business-id`."
)


def generate() -> dict[str, Any]:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "paths": {},
        "components": {
            "schemas": {},
            "securitySchemes": {"BearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"BearerAuth": []}],
    }
    seen: set[str] = set()
    for route in sorted(tpl.routes(), key=lambda r: (r.path, r.method)):
        if route.function.logical_id in seen:
            continue
        seen.add(route.function.logical_id)
        app = _load(route.function).app
        schema = json.loads(app.get_openapi_json_schema(title=TITLE, version=VERSION))
        for path, operations in schema.get("paths", {}).items():
            document["paths"].setdefault(path, {}).update(operations)
        document["components"]["schemas"].update(schema.get("components", {}).get("schemas", {}))
    document["paths"] = dict(sorted(document["paths"].items()))
    document["components"]["schemas"] = dict(sorted(document["components"]["schemas"].items()))
    return document


def render() -> str:
    return json.dumps(generate(), indent=2, sort_keys=False) + "\n"


def write(path: Path = DOCUMENT) -> Path:
    path.write_text(render())
    return path
