#!/usr/bin/env python3
"""Writes tiny Hugging Face checkpoints (phi3, qwen2, mistral, gemma3 and its multimodal form, llama, gemma,
gemma2), converts each ONCE with llama.cpp's
convert_hf_to_gguf.py and records what it wrote: the reference for mfc's safetensors import tests.

For each name, Tests/Fixtures/import/reference/NAME/ gets the checkpoint's small files (config.json,
tokenizer_config.json, tokenizer.json for qwen2), hf-tensors.json (the safetensors tensor names and
shapes; the Swift test writes its own deterministic values) and llama.cpp.json (every metadata key with
its GGUF type and value, arrays as count + sha256 of their GGUF payload, and every tensor's name,
dimensions and type). The SentencePiece checkpoints use Mistral 7B's tokenizer.model
(scripts/fetch-models.sh spm). qwen2 gets a toy byte-level BPE tokenizer.json, whose pre-tokenizer hash
llama.cpp does not know: the run names it "qwen2" (what llama.cpp gives Qwen2's real tokenizer).

    pip install torch safetensors transformers sentencepiece numpy
    python3 scripts/reference/make-import-reference.py LLAMA_CPP_SOURCE_DIR
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "import", "reference")
SPM = os.path.join(os.environ.get("MFC_TEST_MODELS", os.path.expanduser("~/.cache/mfc-test-models")),
                   "spm", "mistral-tokenizer.model.v1")

PHI3_TEMPLATE = ("{% for message in messages %}{% if message['role'] == 'system' and message['content'] %}"
                 "{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}"
                 "{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}"
                 "{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}"
                 "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}")
PHI3_ADDED = ["<|endoftext|>", "<|assistant|>", "<|placeholder1|>", "<|placeholder2|>", "<|placeholder3|>",
              "<|placeholder4|>", "<|system|>", "<|end|>", "<|placeholder5|>", "<|placeholder6|>", "<|user|>"]


def layer_tensors(prefix, hidden, heads, kv_heads, head_dim, ffn, fused=False, bias=False, qk_norm=False, sandwich=False):
    q, kv = heads * head_dim, kv_heads * head_dim
    t = [(f"{prefix}.input_layernorm.weight", [hidden]), (f"{prefix}.post_attention_layernorm.weight", [hidden]),
         (f"{prefix}.self_attn.o_proj.weight", [hidden, q]), (f"{prefix}.mlp.down_proj.weight", [hidden, ffn])]
    if fused:
        t += [(f"{prefix}.self_attn.qkv_proj.weight", [q + 2 * kv, hidden]), (f"{prefix}.mlp.gate_up_proj.weight", [2 * ffn, hidden])]
    else:
        t += [(f"{prefix}.self_attn.q_proj.weight", [q, hidden]), (f"{prefix}.self_attn.k_proj.weight", [kv, hidden]),
              (f"{prefix}.self_attn.v_proj.weight", [kv, hidden]), (f"{prefix}.mlp.gate_proj.weight", [ffn, hidden]),
              (f"{prefix}.mlp.up_proj.weight", [ffn, hidden])]
    if bias:
        t += [(f"{prefix}.self_attn.q_proj.bias", [q]), (f"{prefix}.self_attn.k_proj.bias", [kv]), (f"{prefix}.self_attn.v_proj.bias", [kv])]
    if qk_norm:
        t += [(f"{prefix}.self_attn.q_norm.weight", [head_dim]), (f"{prefix}.self_attn.k_norm.weight", [head_dim])]
    if sandwich:
        t += [(f"{prefix}.pre_feedforward_layernorm.weight", [hidden]), (f"{prefix}.post_feedforward_layernorm.weight", [hidden])]
    return t


def checkpoints():
    h, heads, hd, ffn = 64, 4, 16, 128
    phi3 = {
        "config": {"architectures": ["Phi3ForCausalLM"], "model_type": "phi3", "hidden_size": h, "intermediate_size": ffn,
                   "num_hidden_layers": 2, "num_attention_heads": heads, "num_key_value_heads": heads,
                   "max_position_embeddings": 131072, "original_max_position_embeddings": 4096, "rms_norm_eps": 1e-05,
                   "rope_theta": 10000.0, "sliding_window": 262144, "tie_word_embeddings": False, "vocab_size": 32064,
                   "bos_token_id": 1, "eos_token_id": 32000, "pad_token_id": 32000, "torch_dtype": "float32",
                   "rope_scaling": {"type": "longrope", "long_factor": [1.0 + i / 4 for i in range(hd // 2)],
                                    "short_factor": [1.0 + i / 16 for i in range(hd // 2)]}},
        "tokenizer_config": {"add_bos_token": False, "add_eos_token": False, "bos_token": "<s>", "eos_token": "<|endoftext|>",
                             "unk_token": "<unk>", "pad_token": "<|endoftext|>", "chat_template": PHI3_TEMPLATE, "tokenizer_class": "LlamaTokenizer",
                             "added_tokens_decoder": {str(32000 + i): {"content": t, "special": t != "<|placeholder6|>"}
                                                      for i, t in enumerate(PHI3_ADDED)}},
        "spm": True, "vocab": 32064, "tied": False,
        "layers": dict(hidden=h, heads=heads, kv_heads=heads, head_dim=hd, ffn=ffn, fused=True),
    }
    qwen2 = {
        "config": {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": h, "intermediate_size": ffn,
                   "num_hidden_layers": 2, "num_attention_heads": heads, "num_key_value_heads": 2,
                   "max_position_embeddings": 32768, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768,
                   "use_sliding_window": False, "tie_word_embeddings": True, "vocab_size": 16, "bos_token_id": 13,
                   "eos_token_id": 14, "torch_dtype": "float32"},
        "tokenizer_config": {"add_bos_token": False, "bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
                             "unk_token": None, "tokenizer_class": "Qwen2Tokenizer", "model_max_length": 32768,
                             "chat_template": "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"},
        "tokenizer_json": {
            "version": "1.0", "truncation": None, "padding": None,
            "added_tokens": [{"id": 13 + i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
                              "normalized": False, "special": True} for i, c in enumerate(["<|endoftext|>", "<|im_start|>", "<|im_end|>"])],
            "normalizer": {"type": "NFC"},
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
                 "behavior": "Isolated", "invert": False},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}]},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
            "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "",
                      "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                      "vocab": {t: i for i, t in enumerate(["a", "b", "c", "d", "e", "Ġ", "ab", "cd", "abcd", "Ġa", "Ġab", "Ċ", "de"])},
                      "merges": [["a", "b"], ["c", "d"], ["ab", "cd"], ["Ġ", "a"], ["Ġa", "b"], ["d", "e"]]}},
        "spm": False, "vocab": 16, "tied": True,
        "layers": dict(hidden=h, heads=heads, kv_heads=2, head_dim=hd, ffn=ffn, bias=True),
    }
    mistral = {
        "config": {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "hidden_size": h, "intermediate_size": ffn,
                   "num_hidden_layers": 2, "num_attention_heads": heads, "num_key_value_heads": 2,
                   "max_position_embeddings": 32768, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0, "sliding_window": None,
                   "tie_word_embeddings": False, "vocab_size": 32000, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"},
        "tokenizer_config": {"add_bos_token": True, "add_eos_token": False, "bos_token": "<s>", "eos_token": "</s>",
                             "unk_token": "<unk>", "pad_token": None, "tokenizer_class": "LlamaTokenizer",
                             "chat_template": "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% else %}{{ message['content'] + eos_token}}{% endif %}{% endfor %}"},
        "spm": True, "vocab": 32000, "tied": False,
        "layers": dict(hidden=h, heads=heads, kv_heads=2, head_dim=hd, ffn=ffn),
    }
    gemma3 = {
        "config": {"architectures": ["Gemma3ForCausalLM"], "model_type": "gemma3_text", "hidden_size": h, "intermediate_size": ffn,
                   "num_hidden_layers": 2, "num_attention_heads": heads, "num_key_value_heads": 1, "head_dim": hd,
                   "max_position_embeddings": 32768, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "rope_local_base_freq": 10000.0,
                   "sliding_window": 512, "query_pre_attn_scalar": hd, "final_logit_softcapping": None, "attn_logit_softcapping": None,
                   "layer_types": ["sliding_attention", "full_attention"], "rope_scaling": None, "hidden_activation": "gelu_pytorch_tanh",
                   "tie_word_embeddings": True, "vocab_size": 32000, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0,
                   "torch_dtype": "float32"},
        "tokenizer_config": {"add_bos_token": True, "add_eos_token": False, "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
                             "tokenizer_class": "GemmaTokenizer",
                             "chat_template": "{{ bos_token }}{% for message in messages %}{{ '<start_of_turn>' + message['role'] + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}"},
        "spm": True, "vocab": 32000, "tied": True,
        "layers": dict(hidden=h, heads=heads, kv_heads=1, head_dim=hd, ffn=ffn, qk_norm=True, sandwich=True),
    }
    llama = {
        "config": {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": h, "intermediate_size": ffn,
                   "num_hidden_layers": 2, "num_attention_heads": heads, "num_key_value_heads": heads,
                   "max_position_embeddings": 4096, "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "tie_word_embeddings": False,
                   "vocab_size": 32000, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0, "torch_dtype": "float32"},
        "tokenizer_config": {"add_bos_token": True, "add_eos_token": False, "bos_token": "<s>", "eos_token": "</s>",
                             "unk_token": "<unk>", "pad_token": None, "tokenizer_class": "LlamaTokenizer", "legacy": False,
                             "chat_template": mistral["tokenizer_config"]["chat_template"]},
        "spm": True, "vocab": 32000, "tied": False,
        "layers": dict(hidden=h, heads=heads, kv_heads=heads, head_dim=hd, ffn=ffn),
    }
    gemma = {
        "config": {"architectures": ["GemmaForCausalLM"], "model_type": "gemma", "hidden_size": h, "intermediate_size": ffn,
                   "num_hidden_layers": 2, "num_attention_heads": heads, "num_key_value_heads": 1, "head_dim": hd,
                   "max_position_embeddings": 8192, "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "hidden_act": "gelu",
                   "vocab_size": 32000, "bos_token_id": 2, "eos_token_id": 1, "pad_token_id": 0, "torch_dtype": "float32"},
        "tokenizer_config": dict(gemma3["tokenizer_config"]),
        "spm": True, "vocab": 32000, "tied": True,
        "layers": dict(hidden=h, heads=heads, kv_heads=1, head_dim=hd, ffn=ffn),
    }
    gemma2 = {
        "config": {"architectures": ["Gemma2ForCausalLM"], "model_type": "gemma2", "hidden_size": h, "intermediate_size": ffn,
                   "num_hidden_layers": 2, "num_attention_heads": heads, "num_key_value_heads": 2, "head_dim": hd,
                   "max_position_embeddings": 8192, "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "sliding_window": 4096,
                   "attn_logit_softcapping": 50.0, "final_logit_softcapping": 30.0, "query_pre_attn_scalar": hd,
                   "hidden_activation": "gelu_pytorch_tanh", "vocab_size": 32000, "bos_token_id": 2, "eos_token_id": 1,
                   "pad_token_id": 0, "torch_dtype": "float32"},
        "tokenizer_config": dict(gemma3["tokenizer_config"]),
        "spm": True, "vocab": 32000, "tied": True,
        "layers": dict(hidden=h, heads=heads, kv_heads=2, head_dim=hd, ffn=ffn, sandwich=True),
    }
    # Gemma 3 4B and up: the text model inside Gemma3ForConditionalGeneration (text_config, language_model.*
    # names as transformers 4.50 writes them) beside a vision tower that the text GGUF leaves out.
    text = {k: v for k, v in gemma3["config"].items() if k not in ("architectures", "torch_dtype")}
    gemma3_mm = {
        "config": {"architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3", "text_config": text,
                   "vision_config": {"model_type": "siglip_vision_model", "hidden_size": 32, "image_size": 56, "patch_size": 14,
                                     "intermediate_size": 64, "num_attention_heads": 2, "num_hidden_layers": 1},
                   "mm_tokens_per_image": 4, "boi_token_index": 255999, "eoi_token_index": 256000, "image_token_index": 262144,
                   "eos_token_id": [1, 106], "torch_dtype": "float32"},
        "tokenizer_config": dict(gemma3["tokenizer_config"]),
        "spm": True, "vocab": 32000, "tied": True, "prefix": "language_model.model",
        "extra": [("vision_tower.vision_model.embeddings.patch_embedding.weight", [32, 3, 14, 14]),
                  ("multi_modal_projector.mm_input_projection_weight", [32, 64])],
        "layers": gemma3["layers"],
    }
    return {"gemma3-mm": gemma3_mm, "phi3": phi3, "qwen2": qwen2, "mistral": mistral, "gemma3": gemma3, "llama": llama, "gemma": gemma, "gemma2": gemma2}


def hf_tensors(spec):
    h, p = spec["layers"]["hidden"], spec.get("prefix", "model")
    t = [(f"{p}.embed_tokens.weight", [spec["vocab"], h]), (f"{p}.norm.weight", [h])]
    if not spec["tied"]:
        t.append(("lm_head.weight", [spec["vocab"], h]))
    for layer in range(spec["config"].get("text_config", spec["config"])["num_hidden_layers"]):
        t += layer_tensors(f"{p}.layers.{layer}", **spec["layers"])
    return t + spec.get("extra", [])


def small_files(spec):
    files = {"config.json": spec["config"], "tokenizer_config.json": spec["tokenizer_config"]}
    if "tokenizer_json" in spec:
        files["tokenizer.json"] = spec["tokenizer_json"]
    return files


def ramp(index, count):
    """The weights of tensor `index`: a short periodic ramp the Swift tests rebuild."""
    return (np.arange(count, dtype=np.float32) * 7 + index * 13) % 29 / 64 - 0.25


def write_safetensors(tensors, path, values=ramp):
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for i, (name, shape) in enumerate(tensors):
        raw = np.asarray(values(i, int(np.prod(shape))), dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + b"".join(blobs))


def payload_sha256(field_type, values):
    if field_type == "string":
        raw = b"".join(len(v).to_bytes(8, "little") + v for v in values)
    else:
        raw = np.asarray(values, dtype={"float32": "<f4", "int32": "<i4", "uint32": "<u4"}[field_type]).tobytes()
    return hashlib.sha256(raw).hexdigest()


def describe(path):
    sys.path.insert(0, os.path.join(LLAMA_CPP, "gguf-py"))
    from gguf import GGUFReader, GGUFValueType
    reader = GGUFReader(path)
    names = {GGUFValueType.UINT8: "uint8", GGUFValueType.INT8: "int8", GGUFValueType.UINT16: "uint16", GGUFValueType.INT16: "int16",
             GGUFValueType.UINT32: "uint32", GGUFValueType.INT32: "int32", GGUFValueType.FLOAT32: "float32", GGUFValueType.BOOL: "bool",
             GGUFValueType.STRING: "string", GGUFValueType.UINT64: "uint64", GGUFValueType.INT64: "int64", GGUFValueType.FLOAT64: "float64"}
    metadata = {}
    for key, field in reader.fields.items():
        if key.startswith("GGUF."):
            continue
        kind = field.types[0]
        if kind == GGUFValueType.ARRAY:
            element = names[field.types[1]]
            values = [bytes(field.parts[i]) if element == "string" else field.parts[i][0].item() for i in field.data]
            metadata[key] = {"type": "array", "element": element, "count": len(values), "sha256": payload_sha256(element, values)}
        elif kind == GGUFValueType.STRING:
            metadata[key] = {"type": "string", "value": bytes(field.parts[field.data[0]]).decode()}
        else:
            metadata[key] = {"type": names[kind], "value": field.parts[field.data[0]][0].item()}
    tensors = [[t.name, [int(d) for d in t.shape], t.tensor_type.name.lower()] for t in reader.tensors]
    return {"metadata": metadata, "tensors": tensors}


def write_folder(spec, folder, files):
    """The checkpoint's files: the small JSON files, tokenizer.model when SentencePiece, model.safetensors."""
    for file, value in files.items():
        with open(os.path.join(folder, file), "w", encoding="utf-8") as f:
            f.write(json.dumps(value, indent=1, ensure_ascii=False) + "\n")
    if spec["spm"]:
        shutil.copy(SPM, os.path.join(folder, "tokenizer.model"))
    write_safetensors(hf_tensors(spec), os.path.join(folder, "model.safetensors"))


def main():
    global LLAMA_CPP
    if sys.argv[1] == "--folders":   # only write the checkpoints into DIR/NAME (scripts/reference/check-imports.sh)
        for name, spec in checkpoints().items():
            os.makedirs(os.path.join(sys.argv[2], name), exist_ok=True)
            write_folder(spec, os.path.join(sys.argv[2], name), small_files(spec))
        return
    LLAMA_CPP = sys.argv[1]
    for name, spec in checkpoints().items():
        target = os.path.join(OUT, name)
        os.makedirs(target, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="mfc-reference-") as tmp:
            src = os.path.join(tmp, name)
            os.makedirs(src)
            files = small_files(spec)
            write_folder(spec, src, files)
            for file, value in files.items():
                with open(os.path.join(target, file), "w", encoding="utf-8") as f:
                    f.write(json.dumps(value, indent=1, ensure_ascii=False) + "\n")
            tensors = hf_tensors(spec)
            with open(os.path.join(target, "hf-tensors.json"), "w") as f:
                f.write("[\n" + ",\n".join(json.dumps([n, s]) for n, s in tensors) + "\n]\n")
            out = os.path.join(tmp, name + ".gguf")
            patch = ("import sys, runpy; sys.path.insert(0, sys.argv[1]); import conversion.base as b; "
                     "b.TextModel.get_vocab_base_pre = lambda self, tokenizer: 'qwen2'; "
                     "sys.argv = [sys.argv[1] + '/convert_hf_to_gguf.py'] + sys.argv[2:]; "
                     "runpy.run_path(sys.argv[0], run_name='__main__')")
            subprocess.run([sys.executable, "-c", patch, LLAMA_CPP, src, "--outtype", "f16", "--outfile", out], check=True)
            reference = describe(out)
        with open(os.path.join(target, "llama.cpp.json"), "w", encoding="utf-8") as f:
            json.dump(reference, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"{name}: {len(reference['metadata'])} keys, {len(reference['tensors'])} tensors")


if __name__ == "__main__":
    main()
