#!/usr/bin/env python3
"""Runtime reference for imported architectures: writes the tiny qwen2, mistral, phi3, gemma and gemma2 checkpoints of
make-import-reference.py with pseudo-random weights (hashed from each element's index, so the Swift test
writes the same values), imports each ONCE with mfc, runs llama.cpp on the imported GGUF through
llama-ref argmax (LLAMA_REF_CTX as each case asks), and writes Tests/Fixtures/import/runtime/NAME.json: the token ids and, per position,
llama.cpp's argmax and its top two logits.

    swift build -c release --product mfc
    python3 scripts/reference/make-runtime-reference.py [LLAMA_REF [CASE...]]   (default $LLAMA_REF_DIR/llama-ref,
    every case; phi3-long needs a llama-ref built with LLAMA_REF_CTX, see scripts/reference/make-reference-data.sh)
"""
import glob
import json
import os
import runpy
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "import", "runtime")
IMPORT = runpy.run_path(os.path.join(ROOT, "scripts", "reference", "make-import-reference.py"))
# (reference name, checkpoint, llama.cpp context[, config.json overrides]): phi3-long runs past phi3's original 4096,
# so its long RoPE factors apply; gemma2-window shrinks gemma2's sliding window to 4 so that layer 0 masks within 20 tokens.
CASES = [("qwen2", "qwen2", 2048), ("mistral", "mistral", 2048), ("phi3", "phi3", 2048), ("phi3-long", "phi3", 8192),
         ("gemma", "gemma", 2048), ("gemma2", "gemma2", 2048), ("gemma2-window", "gemma2", 2048, {"sliding_window": 4})]


def hashed(seed, count):
    """Uniform in [-1, 1): a 32-bit integer hash of (seed * 1000003 + index), top 24 bits."""
    x = (np.arange(count, dtype=np.uint64) + np.uint64(seed * 1000003)) & np.uint64(0xFFFFFFFF)
    x = (x * np.uint64(0x9E3779B1)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x85EBCA6B)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(13)
    return ((x >> np.uint64(8)).astype(np.float64) / 16777216.0 - 0.5).astype(np.float32) * np.float32(2)


def token_ids(name, vocab):
    """Twenty ids spread over the vocabulary (fixed, so the test and the reference agree)."""
    return [int(v) for v in (np.arange(20, dtype=np.int64) * 7919 + len(name) * 104729) % vocab]


def main():
    llama_ref = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ["LLAMA_REF_DIR"], "llama-ref")
    mfc = os.path.join(ROOT, ".build", "release", "mfc")
    os.makedirs(OUT, exist_ok=True)
    specs = IMPORT["checkpoints"]()
    previous = {}   # checkpoint -> rows at the default context, to catch a llama-ref without LLAMA_REF_CTX
    wanted = set(sys.argv[2:])
    for reference_name, name, context, *rest in CASES:
        if wanted and reference_name not in wanted:
            continue
        overrides = rest[0] if rest else {}
        spec = dict(specs[name], config=dict(specs[name]["config"], **overrides))
        with tempfile.TemporaryDirectory(prefix="mfc-runtime-reference-") as tmp:
            folder = os.path.join(tmp, name)
            os.makedirs(folder)
            IMPORT["write_folder"](spec, folder, IMPORT["small_files"](spec))
            IMPORT["write_safetensors"](IMPORT["hf_tensors"](spec), os.path.join(folder, "model.safetensors"), hashed)
            with open(os.path.join(tmp, "Modelfile"), "w") as f:
                f.write(f"FROM ./{name}\n")
            subprocess.run([mfc, "build", "--store", tmp + "/store", "-f", "Modelfile", "-t", name], cwd=tmp, check=True,
                           stdout=subprocess.DEVNULL)
            manifest = json.load(open(glob.glob(f"{tmp}/store/manifests/*/*/{name}/latest")[0]))
            blob = [l["digest"] for l in manifest["layers"] if l["mediaType"].endswith(".model")][0].replace(":", "-")
            ids = token_ids(name, spec["vocab"])
            with open(os.path.join(tmp, "ids"), "w") as f:
                f.write(" ".join(map(str, ids)))
            out = subprocess.run([llama_ref, "argmax", f"{tmp}/store/blobs/{blob}", os.path.join(tmp, "ids")], check=True,
                                 capture_output=True, text=True, env=dict(os.environ, LLAMA_REF_CTX=str(context))).stdout.split()
        rows = [out[i:i + 3] for i in range(0, len(out), 3)]
        if context != 2048 and not overrides and rows == previous.get(name):
            sys.exit(f"{llama_ref} ignored LLAMA_REF_CTX (built before it existed?): rebuild it from scripts/reference/llama-ref.cpp")
        previous[name] = rows
        reference = {"generator": "python3 scripts/reference/make-runtime-reference.py (llama-ref argmax on mfc's F16 import)",
                     "checkpoint": name, "context": context, **({"config_overrides": overrides} if overrides else {}), "ids": ids, "argmax": [int(r[0]) for r in rows],
                     "top1": [float(r[1]) for r in rows], "top2": [float(r[2]) for r in rows]}
        with open(os.path.join(OUT, reference_name + ".json"), "w") as f:
            json.dump(reference, f, indent=1)
            f.write("\n")
        print(f"{reference_name}: {len(rows)} positions, smallest top-2 gap {min(float(r[1]) - float(r[2]) for r in rows):.4f}")


if __name__ == "__main__":
    main()
