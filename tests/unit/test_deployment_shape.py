"""main.py, functions/catalog.py and firebase.json describe the same functions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from functions.catalog import FUNCTIONS
from tools.gateway import glob_to_regex

ROOT = Path(__file__).resolve().parents[2]


def test_every_function_is_an_entry_point_of_main():
    import main

    for function in FUNCTIONS:
        assert callable(getattr(main, function.name)), function.name
    with pytest.raises(AttributeError):
        _ = main.no_such_function


def test_hosting_rewrites_send_every_route_to_its_function():
    rewrites = json.loads((ROOT / "firebase.json").read_text())["hosting"]["rewrites"]
    for function in FUNCTIONS:
        if function.trigger != "http":
            continue
        module = __import__(function.module, fromlist=["api"])
        for route in module.api.routes:
            example = (
                route.path.replace("{report_id}", "198507142010011003_2026-10")
                .replace("{unit_id}", "kel-belawan-1")
                .replace("{investigation_id}", "INV-20261127-ABC123")
            )
            targets = [r["function"]["functionId"] for r in rewrites if glob_to_regex(r["source"]).match(example)]
            assert targets[:1] == [function.function_id], f"{route.path} reaches {targets}"


@pytest.mark.parametrize("function", [f for f in FUNCTIONS if not f.publishes], ids=lambda f: f.name)
def test_functions_that_do_not_publish_do_not_import_pubsub(function):
    code = (
        "import sys, main\n"
        f"main.{function.name}\n"
        "print('google.cloud.pubsub_v1' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_http_function_imports_only_its_own_module():
    code = "import sys, main\nmain.api_me\nprint(sorted(m for m in sys.modules if m.startswith('functions.')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['functions.api_me', 'functions.catalog']"
