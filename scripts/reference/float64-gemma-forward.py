#!/usr/bin/env python3
"""Exact-arithmetic check of a runtime reference: runs the tiny imported gemma or gemma2 checkpoint of
make-runtime-reference.py through a float64 numpy forward pass (llama.cpp's gemma/gemma2 graphs without any
rounding) and prints, per position, its argmax, llama.cpp's, and its top logit minus llama.cpp's. Where llama.cpp
strays from this and mfc does not, the difference is llama.cpp's rounding (see ImportedModelRuntimeTests).

    swift build -c release --product mfc
    python3 scripts/reference/float64-gemma-forward.py gemma|gemma2|gemma2-window
"""
import json
import os
import runpy
import subprocess
import sys
import glob
import tempfile

import gguf
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNTIME = runpy.run_path(os.path.join(ROOT, "scripts", "reference", "make-runtime-reference.py"))
IMPORT = RUNTIME["IMPORT"]


def imported_tensors(name, config):
    """mfc's F16 import of the checkpoint with hashed weights, as float64 arrays by GGUF name."""
    spec = dict(IMPORT["checkpoints"]()[name], config=config)
    with tempfile.TemporaryDirectory(prefix="mfc-float64-") as tmp:
        folder = os.path.join(tmp, name)
        os.makedirs(folder)
        IMPORT["write_folder"](spec, folder, IMPORT["small_files"](spec))
        IMPORT["write_safetensors"](IMPORT["hf_tensors"](spec), os.path.join(folder, "model.safetensors"), RUNTIME["hashed"])
        with open(os.path.join(tmp, "Modelfile"), "w") as f:
            f.write(f"FROM ./{name}\n")
        subprocess.run([os.path.join(ROOT, ".build", "release", "mfc"), "build", "--store", tmp + "/store", "-f", "Modelfile",
                        "-t", name], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        manifest = json.load(open(glob.glob(f"{tmp}/store/manifests/*/*/{name}/latest")[0]))
        blob = [l["digest"] for l in manifest["layers"] if l["mediaType"].endswith(".model")][0].replace(":", "-")
        reader = gguf.GGUFReader(f"{tmp}/store/blobs/{blob}")
        return {t.name: np.array(t.data, dtype=np.float64).reshape([int(x) for x in reversed(t.shape)]) for t in reader.tensors}


def main():
    reference = json.load(open(os.path.join(RUNTIME["OUT"], sys.argv[1] + ".json")))
    name = reference["checkpoint"]
    config = dict(IMPORT["checkpoints"]()[name]["config"], **reference.get("config_overrides", {}))
    T = imported_tensors(name, config)
    d, heads, kv_heads, hd = config["hidden_size"], config["num_attention_heads"], config["num_key_value_heads"], config["head_dim"]
    eps, base, window = config["rms_norm_eps"], config["rope_theta"], config.get("sliding_window")
    attn_cap, final_cap = config.get("attn_logit_softcapping"), config.get("final_logit_softcapping")
    ids = reference["ids"]
    n = len(ids)

    def norm(x, w):
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * w

    def gelu(x):   # tanh approximation, as ggml's table
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))

    def rope(x):   # NeoX pairing (i, i + hd/2)
        angle = np.arange(n)[:, None] * base ** (-np.arange(0, hd, 2) / hd)
        c, s = np.cos(angle)[:, None, :], np.sin(angle)[:, None, :]
        x1, x2 = x[..., :hd // 2], x[..., hd // 2:]
        return np.concatenate([x1 * c - x2 * s, x2 * c + x1 * s], -1)

    E = T["token_embd.weight"]
    x = E[ids] * np.sqrt(d)
    p_minus_j = np.arange(n)[:, None] - np.arange(n)[None, :]
    for layer in range(config["num_hidden_layers"]):
        p = f"blk.{layer}."
        h = norm(x, T[p + "attn_norm.weight"])
        q = rope((h @ T[p + "attn_q.weight"].T).reshape(n, heads, hd)) / np.sqrt(hd)
        k = rope((h @ T[p + "attn_k.weight"].T).reshape(n, kv_heads, hd))
        v = (h @ T[p + "attn_v.weight"].T).reshape(n, kv_heads, hd)
        masked = p_minus_j < 0
        if name == "gemma2" and layer % 2 == 0:   # llama.cpp's swa pattern 2: even layers slide
            masked |= p_minus_j >= window
        out = np.zeros((n, heads, hd))
        for head in range(heads):
            kvh = head // (heads // kv_heads)
            s = q[:, head] @ k[:, kvh].T
            if attn_cap:
                s = attn_cap * np.tanh(s / attn_cap)
            s = np.where(masked, -np.inf, s)
            w = np.exp(s - s.max(-1, keepdims=True))
            out[:, head] = (w / w.sum(-1, keepdims=True)) @ v[:, kvh]
        a = out.reshape(n, heads * hd) @ T[p + "attn_output.weight"].T
        if p + "post_attention_norm.weight" in T:
            a = norm(a, T[p + "post_attention_norm.weight"])
        x = x + a
        h = norm(x, T[p + "ffn_norm.weight"])
        f = (gelu(h @ T[p + "ffn_gate.weight"].T) * (h @ T[p + "ffn_up.weight"].T)) @ T[p + "ffn_down.weight"].T
        if p + "post_ffw_norm.weight" in T:
            f = norm(f, T[p + "post_ffw_norm.weight"])
        x = x + f
    logits = norm(x, T["output_norm.weight"]) @ E.T
    if final_cap:
        logits = final_cap * np.tanh(logits / final_cap)
    print("pos float64-argmax llama.cpp-argmax top1(float64)-top1(llama.cpp)")
    for i in range(n):
        print(i, int(logits[i].argmax()), reference["argmax"][i], f"{logits[i].max() - reference['top1'][i]:.4f}")


if __name__ == "__main__":
    main()
