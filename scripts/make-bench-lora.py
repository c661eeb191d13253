#!/usr/bin/env python3
"""Writes a random GGUF LoRA adapter for a llama-family base model, on every attention and MLP matrix of
every layer (F16 halves, as llama.cpp's convert_lora_to_gguf.py writes by default), for benchmarks.

    scripts/make-bench-lora.py BASE.gguf OUT.gguf RANK SEED

Needs the `gguf` and `numpy` Python packages.
"""
import sys

import numpy as np
import gguf

TARGETS = ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")


def main():
    base_path, out_path, rank, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    base = gguf.GGUFReader(base_path)
    shapes = {t.name: [int(n) for n in t.shape] for t in base.tensors}   # ggml ne: [in, out]
    arch = bytes(base.fields["general.architecture"].parts[-1]).decode()
    rng = np.random.default_rng(seed)
    w = gguf.GGUFWriter(out_path, arch)
    w.add_string("general.type", "adapter")
    w.add_string("adapter.type", "lora")
    w.add_float32("adapter.lora.alpha", float(rank))
    for name in sorted(shapes):
        if name.split(".")[-2] not in TARGETS or not name.startswith("blk."):
            continue
        inputs, outputs = shapes[name]
        # numpy shapes are ggml's ne reversed: lora_a ne = [in, r], lora_b ne = [r, out].
        w.add_tensor(name + ".lora_a", rng.uniform(-0.05, 0.05, size=(rank, inputs)).astype(np.float16))
        w.add_tensor(name + ".lora_b", rng.uniform(-0.05, 0.05, size=(outputs, rank)).astype(np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
