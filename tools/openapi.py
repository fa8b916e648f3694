"""The OpenAPI document of every HTTP function, from its routes and their pydantic models.

    python -m tools.openapi --write    # update docs/openapi.json
    python -m tools.openapi --check    # exit 1 when the committed copy is stale or invalid

The routes are collected here, from functions/catalog.py, because common/ never imports the
functions (tests/unit/test_layers.py); common/api/openapi.py builds the document from them.
"""

from __future__ import annotations

import json
import sys
from importlib import import_module
from pathlib import Path

from common.api.http import Api
from common.api.openapi import DOCUMENT, build, problems_of, render
from tools import generated


def http_apis() -> list[Api]:
    from functions.catalog import FUNCTIONS

    return [import_module(f.module).api for f in FUNCTIONS if f.trigger == "http"]


def document() -> dict:
    return build(http_apis())


def _valid(wanted: dict[Path, str]) -> list[str]:
    problems = problems_of(json.loads(wanted[DOCUMENT]))
    return ["docs/openapi.json is not a valid OpenAPI document:", *problems] if problems else []


def main(argv: list[str] | None = None) -> int:
    return generated.main(__doc__.split("\n\n")[0], "make openapi", lambda: {DOCUMENT: render(document())}, argv, _valid)


if __name__ == "__main__":
    sys.exit(main())
