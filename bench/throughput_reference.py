"""datatrove's side of bench/throughput.ts: steps alone and the whole L0 -> L1 pipeline.

Reads a job from the JSON file named by argv[1]:
    {"corpus": path of a JSON-lines file of {"id", "text"},
     "model": path of fastText's lid.176.ftz, "rounds": int, "workdir": empty folder}

Runs everything in this process on one core: datatrove's LocalPipelineExecutor with one worker
and one task per stage, except the MinHash bucket stage, which needs one task per bucket. Writes
one JSON object to stdout: seconds per round for each step alone and for the whole pipeline,
with the document counts each step kept.

The language filter is datatrove's LanguageFilter with its ft176 backend. Its model property
downloads lid.176.bin on first use, so the filter gets the local lid.176.ftz loaded through
the same fastText binding (`fasttext.FastText._FastText`) before it runs.
"""

import json
import os
import shutil
import sys
import time

import numpy as np

from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.exact_dedup import (
    ExactDedupConfig,
    ExactDedupFilter,
    ExactDedupSignature,
    ExactFindDedups,
)
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
    LanguageFilter,
)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.logging import logger

# The four quality filters with their defaults, in the order the pipeline runs them.
QUALITY_FILTERS = {
    "gopher_repetition": GopherRepetitionFilter,
    "gopher_quality": GopherQualityFilter,
    "c4_quality": C4QualityFilter,
    "fineweb_quality": FineWebQualityFilter,
}


def document_text(doc):
    return doc.text


def exact_config():
    # Whole-text hashes with datatrove's default 64-bit xxhash.
    return ExactDedupConfig(content_getter=document_text)


WARM_UP_DOCUMENTS = 50


def minhash_config():
    # Word 5-grams and 14 bands of 8 hashes, as tiers' minhash-dedup defaults; the rest is datatrove's default.
    return MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8)


class LocalFastTextModel:
    """lid.176 loaded from a local file, in the shape datatrove's FastTextLID expects.

    fasttext-predict 0.9.2.4, which provides the `fasttext` module in this venv, returns a list of
    Python floats, and datatrove's FastTextLID calls `.item()` on each score, so predict returns
    the scores as a numpy array. The model loads on
    first use and is left out of pickles, because datatrove's executor deep-copies the pipeline
    for each task and the fastText binding cannot be pickled.
    """

    def __init__(self, path):
        self.path = path
        self.model = None

    def __getstate__(self):
        return {"path": self.path, "model": None}

    def predict(self, text, k=1):
        if self.model is None:
            from fasttext.FastText import _FastText

            self.model = _FastText(self.path)
        labels, scores = self.model.predict(text, k=k)
        return labels, np.asarray(scores)


def language_filter(model_path, **kwargs):
    step = LanguageFilter(**kwargs)
    step.model._model = LocalFastTextModel(model_path)
    return step


def load_documents(corpus):
    with open(corpus, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return rows


def fresh_documents(rows):
    return [Document(text=row["text"], id=row["id"], metadata={}) for row in rows]


def drain(step, docs, rank=0, world_size=1):
    """Runs a datatrove step over `docs` (None for a step that reads only files) as one task and returns the documents it yields."""
    output = step.run(None if docs is None else iter(docs), rank, world_size)
    # Steps that only write files (signatures, buckets, clusters) return None instead of a generator.
    return [] if output is None else list(output)


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def run_filter_alone(step, docs):
    kept = 0
    started = time.perf_counter()
    for doc in docs:
        result = step.filter(doc)
        # A filter returns True to keep, or False / (False, reason) to drop.
        if result is True:
            kept += 1
    return time.perf_counter() - started, kept


def run_exact_dedup_alone(docs, folder):
    config = exact_config()
    seconds = {}
    seconds["signature"], _ = timed(lambda: drain(ExactDedupSignature(f"{folder}/sigs", config=config), docs))
    seconds["find"], _ = timed(lambda: drain(ExactFindDedups(f"{folder}/sigs", f"{folder}/dups", config=config), None))
    seconds["filter"], kept = timed(lambda: drain(ExactDedupFilter(f"{folder}/dups", config=config), docs))
    return seconds, len(kept)


def run_minhash_alone(docs, folder):
    config = minhash_config()
    seconds = {}
    seconds["signature"], _ = timed(lambda: drain(MinhashDedupSignature(f"{folder}/sigs", config=config), docs))
    # The bucket step needs one task per bucket (or a multiple); they run one after another here.
    buckets = config.num_buckets
    step = MinhashDedupBuckets(f"{folder}/sigs", f"{folder}/buckets", config=config)
    seconds["buckets"], _ = timed(lambda: [drain(step, None, rank, buckets) for rank in range(buckets)])
    seconds["cluster"], _ = timed(lambda: drain(MinhashDedupCluster(f"{folder}/buckets", f"{folder}/ids", config=config), None))
    seconds["filter"], kept = timed(lambda: drain(MinhashDedupFilter(f"{folder}/ids"), docs))
    return seconds, len(kept)


def run_steps_alone(rows, model_path, workdir):
    """Times each step over all documents from memory, without file reading."""
    results = {}

    seconds, kept = run_exact_dedup_alone(fresh_documents(rows), f"{workdir}/exact")
    results["exact-dedup"] = {"seconds": sum(seconds.values()), "parts": seconds, "kept": kept}

    seconds, kept = run_minhash_alone(fresh_documents(rows), f"{workdir}/minhash")
    results["minhash-dedup"] = {"seconds": sum(seconds.values()), "parts": seconds, "kept": kept}

    seconds, kept = run_filter_alone(language_filter(model_path), fresh_documents(rows))
    results["langid"] = {"seconds": seconds, "kept": kept}

    parts = {}
    kept_by = {}
    for name, cls in QUALITY_FILTERS.items():
        parts[name], kept_by[name] = run_filter_alone(cls(), fresh_documents(rows))
    results["heuristic-filter"] = {"seconds": sum(parts.values()), "parts": parts, "kept": kept_by}
    return results


def run_pipeline(corpus, model_path, workdir):
    """The whole L0 -> L1 pipeline, from the corpus file on disk to L1 and rejected files."""
    data_dir, name = os.path.split(corpus)
    exact = exact_config()
    minhash = minhash_config()

    def reader(folder, pattern):
        return JsonlReader(folder, glob_pattern=pattern, text_key="text", id_key="id")

    def writer(folder):
        # Plain JSON lines like tiers writes; datatrove's default would gzip them.
        return JsonlWriter(f"{workdir}/{folder}", compression=None)

    stages = [
        [reader(data_dir, name), ExactDedupSignature(f"{workdir}/exact-sigs", config=exact)],
        [ExactFindDedups(f"{workdir}/exact-sigs", f"{workdir}/exact-dups", config=exact)],
        [
            reader(data_dir, name),
            ExactDedupFilter(f"{workdir}/exact-dups", config=exact, exclusion_writer=writer("rejected/exact")),
            # The writer passes documents on, and the signature step consumes them, so it comes last.
            writer("deduped"),
            MinhashDedupSignature(f"{workdir}/minhash-sigs", config=minhash),
        ],
        [MinhashDedupBuckets(f"{workdir}/minhash-sigs", f"{workdir}/minhash-buckets", config=minhash)],  # one task per bucket
        [MinhashDedupCluster(f"{workdir}/minhash-buckets", f"{workdir}/minhash-ids", config=minhash)],
        [
            reader(f"{workdir}/deduped", "*.jsonl"),
            MinhashDedupFilter(f"{workdir}/minhash-ids", exclusion_writer=writer("rejected/minhash")),
            language_filter(model_path, exclusion_writer=writer("rejected/langid")),
            *[cls(exclusion_writer=writer(f"rejected/{key}")) for key, cls in QUALITY_FILTERS.items()],
            writer("l1"),
        ],
    ]
    seconds = []
    for i, pipeline in enumerate(stages):
        tasks = minhash.num_buckets if isinstance(pipeline[0], MinhashDedupBuckets) else 1
        executor = LocalPipelineExecutor(pipeline, tasks=tasks, workers=1, logging_dir=f"{workdir}/logs/{i}", skip_completed=False)
        elapsed, _ = timed(executor.run)
        seconds.append(elapsed)
    l1 = 0
    for file in os.listdir(f"{workdir}/l1"):
        with open(f"{workdir}/l1/{file}", encoding="utf-8") as f:
            l1 += sum(1 for _ in f)
    return seconds, l1


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    logger.remove()  # datatrove logs each stage to stderr; the JSON result is all the caller reads
    rows = load_documents(job["corpus"])
    workdir = job["workdir"]

    # One pass over a few documents first loads spaCy, jieba and the fastText model, which a
    # long run pays once, so the timed rounds leave those one-off costs out.
    run_steps_alone(rows[:WARM_UP_DOCUMENTS], job["model"], f"{workdir}/warm-up")
    shutil.rmtree(f"{workdir}/warm-up", ignore_errors=True)

    alone_rounds = []
    pipeline_rounds = []
    for round_index in range(job["rounds"]):
        folder = f"{workdir}/alone-{round_index}"
        alone_rounds.append(run_steps_alone(rows, job["model"], folder))
        shutil.rmtree(folder, ignore_errors=True)

        folder = f"{workdir}/pipeline-{round_index}"
        stage_seconds, l1 = run_pipeline(job["corpus"], job["model"], folder)
        pipeline_rounds.append({"seconds": sum(stage_seconds), "stages": stage_seconds, "l1": l1})
        shutil.rmtree(folder, ignore_errors=True)

    json.dump({"documents": len(rows), "alone": alone_rounds, "pipeline": pipeline_rounds}, sys.stdout)


if __name__ == "__main__":
    main()
