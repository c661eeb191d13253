#!/usr/bin/env python3
"""Writes llama.cpp's greedy continuations of plain-text prompts on Gemma 3 270M Q4_K_M for the engine tests.

    scripts/reference/make-gemma3-greedy.py LLAMA_REF MODELS_DIR

LLAMA_REF is tokrun's scripts/reference/llama-ref.cpp built against llama.cpp (its `greedy` mode:
BOS added, incremental decoding, 1 thread, raw logits). Output: Tests/RuntimeTests/Data/greedy-gemma3.json,
the same shape as greedy-smollm2.json (per prompt: promptIds and per step id, top1, top2).
"""
import json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = "gemma3/gemma-3-270m-q4_k_m.gguf"
STEPS = 48
PROMPTS = [
    "The capital of France is",
    "Once upon a time, in a small village by the sea,",
    "def fibonacci(n):\n",
    "The three primary colors are",
    "Water boils at a temperature of",
    "In 1969, the first humans to walk on the Moon were",
]

def main():
    llama_ref, models = sys.argv[1], sys.argv[2]
    out = []
    for prompt in PROMPTS:
        with tempfile.NamedTemporaryFile("w", delete=False) as f:
            f.write(prompt)
        lines = subprocess.run([llama_ref, "greedy", os.path.join(models, MODEL), f.name, str(STEPS)],
                               check=True, capture_output=True, text=True).stdout.splitlines()
        os.unlink(f.name)
        ids = [int(t) for t in lines[0].split()[1:]]
        steps = [{"id": int(a), "top1": float(b), "top2": float(c)} for a, b, c in (l.split() for l in lines[1:])]
        out.append({"prompt": prompt, "promptIds": ids, "steps": steps})
    data = {"model": MODEL, "generator": "scripts/reference/make-gemma3-greedy.py (llama-ref greedy, llama.cpp CPU, 1 thread)",
            "prompts": out}
    with open(os.path.join(ROOT, "Tests", "RuntimeTests", "Data", "greedy-gemma3.json"), "w") as f:
        json.dump(data, f)

main()
