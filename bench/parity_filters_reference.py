"""Keep/drop decisions of datatrove's four quality filters, for bench/parity-filters.ts.

Reads a job from the JSON file named by argv[1]:
    {"documents": [{"text": str, "lang": str}], "compare": {family: [bool, ...]}}
where "lang" is the primary language subtag that tiers detected and "compare" gives the
tiers decision (true = keep) per document and family. Each filter runs with its default
settings and the document's language, one Document at a time through `filter(doc)`.

Writes JSON to stdout: per family, the datatrove reason per document ("" when kept), and for
documents where the decisions differ, the values datatrove measured on them.
"""

import json
import sys
import time
from collections import Counter

import numpy as np
from datatrove.data import Document
from datatrove.pipeline.filters import c4_filters
from datatrove.pipeline.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
)
from datatrove.pipeline.filters.gopher_quality_filter import STOP_WORDS
from datatrove.pipeline.filters.gopher_repetition_filter import (
    find_all_duplicate,
    find_duplicates,
    find_top_duplicate,
    get_n_grams,
)
from datatrove.utils.text import PUNCTUATION_SET, TERMINAL_PUNCTUATION, split_into_words

FAMILIES = ("gopher_repetition", "gopher_quality", "c4", "fineweb")


def round_all(values):
    return {key: (round(float(value), 4) if isinstance(value, float) else value) for key, value in values.items()}


def measure_gopher_quality(text, language):
    words = split_into_words(text, language)
    non_symbol = [w for w in words if any(ch not in PUNCTUATION_SET for ch in w)]
    lines = text.splitlines()
    n = max(len(words), 1)
    return round_all(
        {
            "tokens": len(words),
            "words": len(non_symbol),
            "mean_word_length": float(np.mean([len(w) for w in non_symbol])) if non_symbol else 0.0,
            "hash_ratio": text.count("#") / n,
            "ellipsis_ratio": (text.count("...") + text.count("…")) / n,
            "lines": len(lines),
            "bullet_line_ratio": sum(s.lstrip().startswith(("•", "-")) for s in lines) / max(len(lines), 1),
            "ellipsis_line_ratio": sum(s.rstrip().endswith(("...", "…")) for s in lines) / max(len(lines), 1),
            "alpha_word_ratio": sum(any(c.isalpha() for c in w) for w in words) / n,
            "stop_words": sorted(set(STOP_WORDS) & set(words)),
        }
    )


def measure_gopher_repetition(text, language):
    filt = GopherRepetitionFilter(language=language)
    paragraphs = filt.paragraph_exp.split(text.strip())
    para_dups, para_chars = find_duplicates(paragraphs)
    lines = filt._line_splitter.split(text)
    line_dups, line_chars = find_duplicates(lines)
    words = split_into_words(text, language)
    size = max(len(text), 1)
    values = {
        "chars": len(text),
        "tokens": len(words),
        "duplicate_paragraph_ratio": para_dups / max(len(paragraphs), 1),
        "duplicate_paragraph_char_ratio": para_chars / size,
        "lines": len(lines),
        "duplicate_line_ratio": line_dups / max(len(lines), 1),
        "duplicate_line_char_ratio": line_chars / size,
    }
    for n in (2, 3, 4):
        grams = get_n_grams(words, n)
        values[f"top_{n}_gram_char_ratio"] = find_top_duplicate(grams) / size if grams else 0.0
    for n in range(5, 11):
        values[f"duplicate_{n}_gram_char_ratio"] = find_all_duplicate(words, n) / size
    return round_all(values)


class SentenceCounter:
    """Wraps c4_filters.split_into_sentences to count the sentences C4QualityFilter finds, without changing them."""

    def __init__(self):
        self.original = c4_filters.split_into_sentences
        self.count = 0

    def __call__(self, text, language):
        sentences = self.original(text, language)
        self.count += len(sentences)
        return sentences


def measure_c4(text, language):
    counter = SentenceCounter()
    c4_filters.split_into_sentences = counter
    try:
        filt = C4QualityFilter(language=language)
        filt.filter(Document(text=text, id="measure"))
    finally:
        c4_filters.split_into_sentences = counter.original
    values = {key: int(value.total) for key, value in filt.stats.stats.items() if key.startswith("line-")}
    values["sentences"] = counter.count
    return values


def measure_fineweb(text, language):
    lines = [line for line in text.split("\n") if line.strip() != ""]
    if not lines:
        return {"lines": 0}
    stop_chars = tuple(TERMINAL_PUNCTUATION)
    words = split_into_words(text, language)
    return round_all(
        {
            "lines": len(lines),
            "punctuated_line_ratio": sum(line.endswith(stop_chars) for line in lines) / len(lines),
            "short_line_ratio": sum(len(line) <= 30 for line in lines) / len(lines),
            "duplicate_line_char_ratio": find_duplicates(lines)[1] / max(len(text.replace("\n", "")), 1),
            "tokens": len(words),
            "line_breaks_per_token": text.count("\n") / max(len(words), 1),
        }
    )


MEASURES = {
    "gopher_repetition": measure_gopher_repetition,
    "gopher_quality": measure_gopher_quality,
    "c4": measure_c4,
    "fineweb": measure_fineweb,
}


def resolve_language(lang, cache):
    """Returns the datatrove language key whose word tokenizer loads for `lang`, else English.

    Without the optional package of a language (SudachiPy for Japanese, pythainlp for Thai and
    so on), datatrove 0.10.1 does not fall back: the filter raises ImportError on the first
    document that it tokenizes. English keeps the comparison running on those documents.

    datatrove maps the bare code "zh" to spaCy's multi-language tokenizer, which leaves runs
    of Han characters whole, so Chinese gets "zho_Hani", which segments with jieba.
    """
    if lang in cache:
        return cache[lang]
    key = {"en": "eng", "zh": "zho_Hani"}.get(lang, lang)
    try:
        split_into_words("Test 1.", key)
    except Exception as error:  # a missing tokenizer or an optional dependency raises many types
        print(f"no datatrove word tokenizer for {lang!r} ({error}), so English is used", file=sys.stderr)
        key = "eng"
    cache[lang] = key
    return key


def make_filter(family, language):
    if family == "gopher_repetition":
        return GopherRepetitionFilter(language=language)
    if family == "gopher_quality":
        return GopherQualityFilter(language=language)
    if family == "c4":
        return C4QualityFilter(language=language)
    return FineWebQualityFilter(language=language)


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        job = json.load(handle)
    languages = {}
    documents = [{"text": d["text"], "language": resolve_language(d["lang"], languages)} for d in job["documents"]]
    filters = {}
    result = {"reasons": {}, "measures": {}, "seconds": {}, "languages": languages}
    for family in FAMILIES:
        reasons = []
        measures = {}
        started = time.perf_counter()
        for index, document in enumerate(documents):
            key = (family, document["language"])
            if key not in filters:
                filters[key] = make_filter(family, document["language"])
            # C4QualityFilter rewrites doc.text, so each filter gets a new Document.
            outcome = filters[key].filter(Document(text=document["text"], id=str(index)))
            reason = "" if outcome is True else outcome[1]
            reasons.append(reason)
        result["seconds"][family] = time.perf_counter() - started
        for index, document in enumerate(documents):
            kept = reasons[index] == ""
            if kept != job["compare"][family][index]:
                measures[str(index)] = MEASURES[family](document["text"], document["language"])
        result["reasons"][family] = reasons
        result["measures"][family] = measures
    result["reason_counts"] = {family: Counter(result["reasons"][family]) for family in FAMILIES}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
