"""Golden vectors for raw-feature hashing and featurization, from an independent Python
implementation of the rules in docs/spec.md ("Raw features"), hashing with scikit-learn.

Run from the repository root with Debian's python (scikit-learn 1.2):

    /usr/bin/python3 shared/src/test/python/features_golden.py

It writes shared/src/test/resources/golden/features.json, read by FeaturesGoldenTest:

- "hashes": MurmurHash3 x86_32 of UTF-8 keys for several seeds, as unsigned integers, from
  sklearn.utils.murmurhash3_32(key, seed, positive=True);
- "tokens": texts and their tokens (lowercase, split on runs of characters that are not letters
  or digits, Unicode categories L and N);
- "cases": a schema (the spec's "features" list and "hash_seed"), events (JSON objects), and the
  featurized batch: the dense rows (null where the value is NaN) and, per embedded field, the ids
  and offsets of its bags.

Nothing here is read from the Java code: the layout, the key format, the bucket rule, the
canonical form of numbers and the token rule are implemented from the documentation alone, so
agreement shows that another language can reproduce streamprop's inputs.
"""

import decimal
import json
import os
import unicodedata

from sklearn.utils import murmurhash3_32

DEFAULTS = {
    "categorical": {"buckets": 1024, "embedding_dim": 8},
    "tokens": {"buckets": 4096, "embedding_dim": 16, "bigrams": False},
}


def bucket(name, value, buckets, seed):
    """1 + h mod (buckets - 1), h the unsigned hash of UTF-8(name + NUL + value)."""
    h = murmurhash3_32(name + "\u0000" + value, seed=seed, positive=True)
    return 1 + h % (buckets - 1)


def tokens(text):
    out, current = [], []
    for ch in text.lower():
        if unicodedata.category(ch)[0] in ("L", "N"):
            current.append(ch)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def canonical(value):
    """A JSON value's category string: text as is, booleans, numbers as plain decimals."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, decimal.Decimal):
        d = value.normalize()
        return "0" if d == 0 else format(d, "f")
    return value


def boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, decimal.Decimal)):
        return value == 1
    return value.lower() in ("true", "yes", "1")


def missing(value):
    return value is None or value == ""


def with_defaults(feature):
    return {**DEFAULTS.get(feature["kind"], {}), **feature}


def featurize(features, seed, events):
    features = [with_defaults(f) for f in features]
    numeric = [f for f in features if f["kind"] == "numeric"]
    booleans = [f for f in features if f["kind"] == "boolean"]
    hashed = [f for f in features if f["kind"] in ("categorical", "tokens")]
    one_hot = [f for f in hashed if f["buckets"] <= f["embedding_dim"]]
    embedded = [f for f in hashed if f["buckets"] > f["embedding_dim"]]
    rows = []
    bags = {f["name"]: {"ids": [], "offsets": [0]} for f in embedded}
    for event in events:
        row = []
        for f in numeric:
            v = event.get(f["name"])
            row.append(None if missing(v) else float(v))
        for f in numeric:
            row.append(1.0 if missing(event.get(f["name"])) else 0.0)
        for f in booleans:
            v = event.get(f["name"])
            row.append(0.0 if missing(v) else float(boolean(v)))
        for f in booleans:
            row.append(1.0 if missing(event.get(f["name"])) else 0.0)
        ids = {}
        for f in hashed:
            name, v = f["name"], event.get(f["name"])
            if f["kind"] == "categorical":
                ids[name] = [0] if missing(v) else [bucket(name, canonical(v), f["buckets"], seed)]
                continue
            toks = [] if missing(v) else (
                [t.lower() for t in v if t] if isinstance(v, list) else tokens(v))
            keys = toks + ([a + " " + b for a, b in zip(toks, toks[1:])] if f["bigrams"] else [])
            ids[name] = [bucket(name, k, f["buckets"], seed) for k in keys] or [0]
        for f in one_hot:
            block = [0.0] * f["buckets"]
            for i in ids[f["name"]]:
                block[i] += 1.0
            row.extend(x / len(ids[f["name"]]) for x in block)
        for f in embedded:
            bag = bags[f["name"]]
            bag["ids"].extend(ids[f["name"]])
            bag["offsets"].append(len(bag["ids"]))
        rows.append(row)
    return {"dense": rows, "embeddings": [{"name": f["name"], **bags[f["name"]]} for f in embedded]}


def plain(value):
    """Events as JSON: Decimals back to numbers."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


HASH_KEYS = ["", "a", "ab", "abc", "abcd", "abcde", "country\u0000ID", "query\u0000red running",
             "größe\u0000XL", "city\u0000東京", "emoji\u0000\U0001F600", "The quick brown fox jumps over the lazy dog"]
HASH_SEEDS = [0, 1, 42, 0x9747B28C, 4294967295]

TOKEN_TEXTS = ["red running shoes", "Red running-shoes, 2 pairs!", "  ", "", "Größe 42", "naïve café",
               "東京 tokyo", "x²+y³", "emoji\U0001F600face", "under_score", "ΟΔΟΣ", "İstanbul"]

MIXED = [
    {"name": "amount", "kind": "numeric"},
    {"name": "is_new", "kind": "boolean"},
    {"name": "country", "kind": "categorical"},
    {"name": "device", "kind": "categorical", "buckets": 5},
    {"name": "query", "kind": "tokens", "bigrams": True},
    {"name": "tags", "kind": "tokens", "buckets": 64, "embedding_dim": 4},
    {"name": "plan", "kind": "categorical", "buckets": 100, "embedding_dim": 2},
    {"name": "score", "kind": "numeric"},
    {"name": "vip", "kind": "boolean"},
    {"name": "lang", "kind": "tokens", "buckets": 6, "embedding_dim": 8},
]

D = decimal.Decimal
MIXED_EVENTS = [
    {"country": "ID", "device": "android", "amount": D("12.5"), "is_new": True, "referrer": None,
     "query": "red running shoes", "tags": ["Sale", "shoes"], "plan": 3, "score": D("-0.25"),
     "vip": "yes", "lang": "en id"},
    {"country": None, "device": "", "is_new": False, "query": "", "tags": [], "plan": D("3.0"),
     "vip": 0, "lang": None},
    {"country": "id", "device": "ios", "amount": 0, "query": "Größe 42: RED shoes, red shoes!",
     "tags": ["", "new"], "plan": D("2.50"), "vip": "FALSE", "lang": "en en"},
    {"country": "never seen before", "device": "web", "amount": D("1e3"), "is_new": "No",
     "tags": "one two", "plan": True, "vip": 1},
    {},
]

CASES = [
    ("mixed", MIXED, 0, MIXED_EVENTS),
    ("mixed_seeded", MIXED, 20261206, MIXED_EVENTS),
    ("tiny_categorical", [{"name": "c", "kind": "categorical", "buckets": 3, "embedding_dim": 3}], 7,
     [{"c": "a"}, {"c": "b"}, {"c": None}, {"c": "zzz"}, {"c": 12}]),
]


def main():
    doc = {"hashes": [], "tokens": [], "cases": []}
    for key in HASH_KEYS:
        for seed in HASH_SEEDS:
            doc["hashes"].append({"key": key, "seed": seed, "hash": murmurhash3_32(key, seed=seed, positive=True)})
    for text in TOKEN_TEXTS:
        doc["tokens"].append({"text": text, "tokens": tokens(text)})
    for name, features, seed, events in CASES:
        doc["cases"].append({
            "name": name,
            "features": features,
            "hash_seed": seed,
            "events": plain(events),
            **featurize(features, seed, events),
        })
    root = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(root, "..", "resources", "golden", "features.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print(f"wrote {len(doc['hashes'])} hashes, {len(doc['tokens'])} texts, {len(doc['cases'])} cases "
          f"to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
