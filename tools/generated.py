"""Generated files kept in the repository: one ``--write`` / ``--check`` for all of them.

A tool renders what a file should hold; ``--write`` writes it, ``--check`` (run by ``make
test``) fails when the committed copy differs, naming the command that refreshes it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]


def main(description: str, command: str, render: Callable[[], dict[Path, str]], argv: list[str] | None = None,
         check: Callable[[dict[Path, str]], list[str]] | None = None) -> int:
    """``render`` gives each file's wanted text; ``check`` may name further problems with it."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="write the generated files")
    mode.add_argument("--check", action="store_true", help="exit 1 when a file is not what --write would write")
    args = parser.parse_args(argv)
    wanted = render()
    if args.check:
        if old := stale(wanted):
            print(f"stale: {', '.join(_name(p) for p in old)}; run: {command}", file=sys.stderr)
            return 1
        if problems := (check(wanted) if check else []):
            print("\n".join(problems), file=sys.stderr)
            return 1
        return 0
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {_name(path)}")
    return 0


def stale(wanted: dict[Path, str]) -> list[Path]:
    return [path for path, text in wanted.items() if not path.exists() or path.read_text(encoding="utf-8") != text]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


if __name__ == "__main__":
    sys.exit("a library for the tools, not a command")
