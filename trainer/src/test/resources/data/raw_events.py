#!/usr/bin/python3
"""Writes raw-events.jsonl: 400 churn-like raw events for the trainer's raw-feature tests.

Every kind of raw value the spec allows appears: numbers (and numbers given as integers), nulls,
absent keys, empty strings, booleans as true/false, 0/1 and words, categories as strings and as
numbers, country codes never seen before in the last quarter of the stream, token fields as text
and as lists, labels by class name and by index, and example weights (0 included).

Run from this directory: /usr/bin/python3 raw_events.py > raw-events.jsonl
"""
import json
import random

rng = random.Random(16)
COUNTRIES = ["ID", "US", "DE", "BR", "IN", "FR", 7, "GB"]
NEW_COUNTRIES = ["NG", "VN", "Ísland", "MX", 44]  # first seen after event 300
DEVICES = ["android", "ios", "web"]
WORDS = ["red", "running", "shoes", "cheap", "phone", "case", "gift", "for", "mum", "refund",
         "cancel", "my", "order", "late", "delivery", "where", "is"]

for i in range(400):
    features = {}
    amount = round(rng.lognormvariate(3, 1), rng.choice([0, 1, 2, 3]))
    r = rng.random()
    if r < 0.08:
        features["amount"] = None
    elif r > 0.12:  # 4% absent
        features["amount"] = int(amount) if rng.random() < 0.2 else amount
    pool = COUNTRIES + (NEW_COUNTRIES if i >= 300 else [])
    r = rng.random()
    if r < 0.05:
        features["country"] = None
    elif r < 0.08:
        features["country"] = ""
    else:
        features["country"] = rng.choice(pool)
    if rng.random() > 0.05:
        features["device"] = rng.choice(DEVICES)
    features["is_new"] = rng.choice([True, False, True, False, 0, 1, "yes", "no", None])
    n = rng.randint(0, 6)
    words = [rng.choice(WORDS) for _ in range(n)]
    r = rng.random()
    if r < 0.1:
        features["query"] = None
    elif r < 0.35:
        features["query"] = words
    else:
        features["query"] = " ".join(w.capitalize() if rng.random() < 0.2 else w for w in words)
    score = (0.02 * (features.get("amount") or 20) + (2 if "cancel" in words or "refund" in words
             else 0) - (1 if features.get("device") == "ios" else 0) + rng.gauss(0, 1))
    churned = score > 1.5
    label = ("churned" if churned else "stay") if rng.random() < 0.85 else int(churned)
    event = {"features": features, "label": label}
    r = rng.random()
    if r < 0.1:
        event["weight"] = rng.choice([0, 0.5, 2, 2.5])
    if rng.random() < 0.1:
        event = {"id": "e-%d" % i, **event}
    print(json.dumps(event, ensure_ascii=False))
