"""Reads admin files (CSV or JSON) into models, remembering where each record came from.

Every bad record is reported with its line number (CSV) or position (JSON),
and one bad record refuses the whole file.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from common.api.messages import field_message

M = TypeVar("M", bound=BaseModel)


@dataclass
class Problem:
    where: str  # "line 7" (CSV) or "item 3" (JSON)
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}" if self.field else f"{self.where}: {self.message}"


class FileRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


def read_records(path: Path, key: str) -> list[tuple[str, dict[str, Any]]]:
    """(where, record) pairs from a CSV with a header row, or a JSON list / {key: list}."""
    text = path.read_text(encoding="utf-8-sig")  # spreadsheets often save a BOM
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        items = data.get(key, []) if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise FileRejected([Problem("file", key, "expected a list")])
        return [(f"item {i + 1}", item) for i, item in enumerate(items)]
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
    return [(f"line {reader.line_num}", _clean(row)) for row in reader]


def _delimiter(text: str) -> str:
    header = text.splitlines()[0] if text else ""
    return ";" if header.count(";") > header.count(",") else ","  # Indonesian Excel saves with ;


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    # Empty cells mean "not given", so the model's defaults apply.
    return {k.strip(): v.strip() for k, v in row.items() if k and v is not None and v.strip() != ""}


def parse(records: list[tuple[str, dict[str, Any]]], model: type[M], lang: str = "id") -> list[tuple[str, M]]:
    parsed, problems = [], []
    for where, record in records:
        try:
            parsed.append((where, model.model_validate(record)))
        except ValidationError as error:
            for e in error.errors():
                field = ".".join(str(p) for p in e["loc"])
                problems.append(Problem(where, field, field_message(e["type"], lang, e.get("ctx"), e["msg"])))
    if problems:
        raise FileRejected(problems)
    return parsed
