"""Reference side of bench/dedup-quality.ts: datasketch MinHashLSH on the shingles tiers exports.

Usage: python dedup_quality_reference.py JOB.json

Job "quality": {"mode": "quality", "documents": [[shingle, ...], ...], "num_perm", "bands", "rows"}.
Each shingle is one of tiers' signed 32-bit shingle hashes and is fed to MinHash as its 4
little-endian bytes. Documents are processed in the given order: query first, and insert only
when the query returns no candidate, as tiers' minhash-dedup does. Writes {"flagged": [bool, ...],
"seconds": float} to stdout.

Job "memory": {"mode": "memory", "documents": N, "shingles_per_document", "num_perm", "bands",
"rows", "seed", "trace"}. Inserts N documents of random distinct shingles and writes the growth
of the resident set size in bytes to stdout, and with "trace" true also the growth of
tracemalloc's traced memory. Tracing slows the run and its own bookkeeping inflates the RSS.
"""

import gc
import json
import os
import random
import struct
import sys
import time
import tracemalloc

from datasketch import MinHash, MinHashLSH

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes():
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def new_index(job):
    return MinHashLSH(num_perm=job["num_perm"], params=(job["bands"], job["rows"]))


def signature(shingles, num_perm, permutations):
    minhash = MinHash(num_perm=num_perm, permutations=permutations, scheme="affine32")
    minhash.update_batch([struct.pack("<i", value) for value in shingles])
    return minhash


def run_quality(job):
    num_perm = job["num_perm"]
    # Every MinHash built with the same seed draws the same permutations, so drawing them once
    # and passing them in gives the same signatures without redrawing per document.
    permutations = MinHash(num_perm=num_perm).permutations
    index = new_index(job)
    flagged = []
    started = time.perf_counter()
    for position, shingles in enumerate(job["documents"]):
        minhash = signature(shingles, num_perm, permutations)
        if index.query(minhash):
            flagged.append(True)
        else:
            flagged.append(False)
            index.insert(f"doc-{position}", minhash)
    return {"flagged": flagged, "seconds": time.perf_counter() - started}


def run_memory(job):
    num_perm = job["num_perm"]
    permutations = MinHash(num_perm=num_perm).permutations
    rng = random.Random(job["seed"])
    per_document = job["shingles_per_document"]

    gc.collect()
    rss_before = resident_bytes()
    if job["trace"]:
        tracemalloc.start()
    index = new_index(job)
    flagged = 0
    started = time.perf_counter()
    for position in range(job["documents"]):
        shingles = [rng.getrandbits(32) - 2**31 for _ in range(per_document)]
        minhash = signature(shingles, num_perm, permutations)
        if index.query(minhash):
            flagged += 1
        else:
            index.insert(f"doc-{position}", minhash)
    seconds = time.perf_counter() - started

    gc.collect()
    traced = None
    if job["trace"]:
        traced, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss_after = resident_bytes()

    return {
        "documents": job["documents"],
        "flagged": flagged,
        "rss_bytes": rss_after - rss_before,
        "traced_bytes": traced,
        "seconds": seconds,
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        job = json.load(handle)
    if job["mode"] == "quality":
        result = run_quality(job)
    elif job["mode"] == "memory":
        result = run_memory(job)
    else:
        raise ValueError(f"unknown job mode {job['mode']!r}; expected 'quality' or 'memory'")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
