#!/usr/bin/env python3
"""Renders each real chat template in Tests/Fixtures/templates/families/*.jinja with jinja2 the way
transformers' apply_chat_template does (sandboxed, trim_blocks, lstrip_blocks, add_generation_prompt=True)
for each conversation in conversations/, and writes the prompt to expected/NAME/CONVERSATION.txt: what
mfc's own Go template for the detected family must render. The leading BOS text is dropped (mfc's runtime
adds the BOS token itself). A template that refuses a conversation (system role unsupported) gets no file.

    pip install jinja2
    python3 scripts/reference/make-family-prompts.py
"""
import glob
import json
import os
import shutil

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAMILIES = os.path.join(ROOT, "Tests", "Fixtures", "templates", "families")
# The special tokens each model's tokenizer_config.json gives the template.
TOKENS = {"chatml": ("<s>", "<|im_end|>"), "chatml-smollm2": ("<|im_start|>", "<|im_end|>"),
          "qwen2": ("", "<|im_end|>"), "llama3": ("<|begin_of_text|>", "<|eot_id|>"),
          "llama3.1": ("<|begin_of_text|>", "<|eot_id|>"), "llama2": ("<s>", "</s>"),
          "mistral": ("<s>", "</s>"),
          "mistral-v1": ("<s>", "</s>"), "mistral-v3": ("<s>", "</s>"), "gemma": ("<bos>", "<eos>"), "phi3": ("<s>", "<|endoftext|>"),
          "phi4": ("<|endoftext|>", "<|im_end|>"), "command-r": ("<BOS_TOKEN>", "<|END_OF_TURN_TOKEN|>")}


class TemplateRefused(Exception):
    pass


def raise_exception(message):
    raise TemplateRefused(message)


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = lambda x, indent=None: json.dumps(x, ensure_ascii=False, indent=indent)
    env.globals["raise_exception"] = raise_exception
    shutil.rmtree(os.path.join(FAMILIES, "expected"), ignore_errors=True)
    for path in sorted(glob.glob(os.path.join(FAMILIES, "*.jinja"))):
        name = os.path.basename(path)[:-len(".jinja")]
        with open(path, encoding="utf-8") as f:
            source = f.read()
        template = env.from_string(source)
        bos, eos = TOKENS[name]
        for conversation in sorted(glob.glob(os.path.join(FAMILIES, "conversations", "*.json"))):
            with open(conversation, encoding="utf-8") as f:
                messages = json.load(f)["messages"]
            try:
                prompt = template.render(messages=messages, bos_token=bos, eos_token=eos, add_generation_prompt=True)
            except TemplateRefused as e:
                print(f"{name} / {os.path.basename(conversation)}: refused ({e})")
                continue
            if "bos_token" in source and bos and prompt.startswith(bos):
                prompt = prompt[len(bos):]
            out = os.path.join(FAMILIES, "expected", name, os.path.basename(conversation)[:-len(".json")] + ".txt")
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(out, "w", encoding="utf-8", newline="") as f:
                f.write(prompt)


if __name__ == "__main__":
    main()
