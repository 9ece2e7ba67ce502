"""Read training text from the files that `tiers run --out DIR` writes.

Each tier file (l1.jsonl, or l1.jsonl.zst when compressed) contains one JSON
tier record per line. Reading .zst files needs the zstandard package.

Usage:
    python file_loader.py out/demo/l1.jsonl
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


def _open_text(path: Path) -> IO[str]:
    if path.name.endswith(".zst"):
        try:
            import zstandard
        except ImportError as err:
            raise RuntimeError(f"{path} is zstd-compressed: install the zstandard package to read it") from err
        raw = path.open("rb")
        return io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True), encoding="utf-8")
    return path.open("r", encoding="utf-8")


def iter_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Yield the tier records of one JSON-lines file, skipping blank lines.

    Raises ValueError naming the file and line when a line is not JSON.
    """
    path = Path(path)
    with _open_text(path) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}: line {number} is not valid JSON: {err}") from err


def iter_texts(path: str | Path, batch_size: int = 500) -> Iterator[list[str]]:
    """Yield lists of up to batch_size training texts from one file."""
    batch: list[str] = []
    for record in iter_records(path):
        batch.append(record["text"])
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def main() -> int:
    parser = argparse.ArgumentParser(description="Print the records of tiers output files as JSON lines (id, tier, lang, text).")
    parser.add_argument("files", nargs="+", help="l1.jsonl or l1.jsonl.zst files")
    args = parser.parse_args()
    # Texts are printed as UTF-8 whatever the locale, so callers can compare bytes.
    sys.stdout.reconfigure(encoding="utf-8")
    for file in args.files:
        for record in iter_records(file):
            line = {"id": record["id"], "tier": record["tier"], "lang": record["lang"], "text": record["text"]}
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
