#!/usr/bin/env python3
"""Encodes each string of a JSON corpus with Python's sentencepiece (the reference implementation)
and prints a JSON list of id lists: the expected data of mfc's SentencePiece import test.

    pip install sentencepiece==0.2.0
    scripts/fetch-models.sh spm
    python3 scripts/reference/sentencepiece-encode.py ~/.cache/mfc-test-models/spm/mistral-tokenizer.model.v1 \
        Tests/Fixtures/import/spm-corpus.json > Tests/Fixtures/import/mistral-spm-encodings.json
"""
import json
import sys

import sentencepiece

processor = sentencepiece.SentencePieceProcessor(model_file=sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    corpus = json.load(f)
print("[\n" + ",\n".join(json.dumps(processor.encode(text)) for text in corpus) + "\n]")
