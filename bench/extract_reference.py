"""Reference extractors for bench/extract.ts.

Reads a JSON-lines file of {"id", "html"} objects and writes one JSON object to stdout: the
text that trafilatura and resiliparse extract from each page, and trafilatura's total time
over `passes` runs. Both are called with their default main-content settings.
"""

import json
import sys
import time

import trafilatura
from resiliparse.extract.html2text import extract_plain_text


def main() -> None:
    pages_path, passes = sys.argv[1], int(sys.argv[2])
    with open(pages_path, encoding="utf-8") as handle:
        pages = [json.loads(line) for line in handle]

    texts = {}
    for page in pages:
        texts[page["id"]] = {
            "trafilatura": trafilatura.extract(page["html"]) or "",
            "resiliparse": extract_plain_text(page["html"], main_content=True),
        }

    start = time.perf_counter()
    for _ in range(passes):
        for page in pages:
            trafilatura.extract(page["html"])
    seconds = time.perf_counter() - start

    json.dump({"texts": texts, "trafilatura_seconds": seconds}, sys.stdout)


if __name__ == "__main__":
    main()
