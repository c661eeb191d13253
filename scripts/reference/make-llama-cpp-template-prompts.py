#!/usr/bin/env python3
"""Renders the real chat templates that ship in llama.cpp's models/templates/ (from the llama-cpp-python
source package; scripts/fetch-models.sh templates puts them in the test-model cache) with jinja2 the way
transformers' apply_chat_template does, for each conversation in
Tests/Fixtures/templates/families/conversations/, and writes Tests/Fixtures/templates/llama.cpp/reference.json:
per template file its SHA-256, the family mfc must recognise, and the prompt each conversation renders to
(the leading BOS text dropped: mfc's runtime adds the BOS token itself). The template files themselves are
not copied into the repository; the Swift test reads them from the cache and checks their hashes.

Conventions, as transformers renders: sandboxed environment, trim_blocks, lstrip_blocks, the loopcontrols
extension, add_generation_prompt=True, the tokenizer's bos_token/eos_token, tojson without ASCII escaping;
`tools` only when the conversation has tools (transformers passes None, which the Command-R tool-use
template cannot iterate).
Two fixed choices make the output reproducible: strftime_now() returns 26 Jul 2024 (the date the Llama 3.x
templates fall back to), and enable_thinking=True (the models' own default; llama.cpp's copies of some
templates test `not enable_thinking`). A conversation a template refuses (raise_exception) is recorded as
refused.

    pip install jinja2
    scripts/fetch-models.sh templates
    python3 scripts/reference/make-llama-cpp-template-prompts.py [TEMPLATE_DIR]
"""
import datetime
import glob
import hashlib
import json
import os
import re
import sys

import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONVERSATIONS = os.path.join(ROOT, "Tests", "Fixtures", "templates", "families", "conversations")
# Conversations with tools, tool calls and tool results, and with thinking switched: rendered only for the
# files whose family renders tools, or thinking.
TOOL_CONVERSATIONS = os.path.join(ROOT, "Tests", "Fixtures", "templates", "families", "tool-conversations")
THINKING_CONVERSATIONS = os.path.join(ROOT, "Tests", "Fixtures", "templates", "families", "thinking-conversations")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "templates", "llama.cpp", "reference.json")
CACHE = os.environ.get("MFC_TEST_MODELS", os.path.expanduser("~/.cache/mfc-test-models"))

LLAMA3 = ("<|begin_of_text|>", "<|eot_id|>")
QWEN = ("", "<|im_end|>")
DEEPSEEK = ("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>")
MISTRAL = ("<s>", "</s>")
# File -> (family mfc must recognise, bos_token, eos_token): every file of llama.cpp's set that one of
# mfc's families covers. The others are listed in docs/chat-templates.md.
COVERED = {
    "Qwen-Qwen2.5-7B-Instruct.jinja": ("qwen2",) + QWEN,
    "Qwen-Qwen3-0.6B.jinja": ("qwen3",) + QWEN,
    "Qwen-QwQ-32B.jinja": ("qwq",) + QWEN,
    "meta-llama-Llama-3.1-8B-Instruct.jinja": ("llama3",) + LLAMA3,
    "meta-llama-Llama-3.2-3B-Instruct.jinja": ("llama3",) + LLAMA3,
    "meta-llama-Llama-3.3-70B-Instruct.jinja": ("llama3",) + LLAMA3,
    "deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja": ("deepseek-r1",) + DEEPSEEK,
    "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja": ("deepseek-r1",) + DEEPSEEK,
    "google-gemma-2-2b-it.jinja": ("gemma", "<bos>", "<eos>"),
    "microsoft-Phi-3.5-mini-instruct.jinja": ("phi3", "<s>", "<|endoftext|>"),
    "mistralai-Mistral-Nemo-Instruct-2407.jinja": ("mistral",) + MISTRAL,
    "Mistral-Small-3.2-24B-Instruct-2506.jinja": ("mistral-v7",) + MISTRAL,
    "unsloth-mistral-Devstral-Small-2507.jinja": ("mistral-v7",) + MISTRAL,
    "ibm-granite-granite-3.3-2B-Instruct.jinja": ("granite", "<|end_of_text|>", "<|end_of_text|>"),
}
# The files whose family renders tools (docs/chat-templates.md, "Tools").
WITH_TOOLS = {
    "Qwen-Qwen2.5-7B-Instruct.jinja", "Qwen-Qwen3-0.6B.jinja", "Mistral-Small-3.2-24B-Instruct-2506.jinja",
    "mistralai-Mistral-Nemo-Instruct-2407.jinja",
    "meta-llama-Llama-3.1-8B-Instruct.jinja", "meta-llama-Llama-3.2-3B-Instruct.jinja", "meta-llama-Llama-3.3-70B-Instruct.jinja",
}
# The files whose family has thinking (a `think` request field maps to the Jinja's enable_thinking).
WITH_THINKING = {
    "Qwen-Qwen3-0.6B.jinja", "deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja", "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja",
}


class TemplateRefused(Exception):
    pass


def raise_exception(message):
    raise TemplateRefused(message)


def strftime_now(fmt):
    return datetime.date(2024, 7, 26).strftime(fmt)


def jinja_message(message):
    """A message as transformers passes it: Ollama's `thinking` is the Jinja's `reasoning_content`."""
    message = dict(message)
    if "thinking" in message:
        message["reasoning_content"] = message.pop("thinking")
    return message


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.join(CACHE, "llama.cpp-templates")
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = lambda x, indent=None, separators=None, sort_keys=False: json.dumps(
        x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    def load(directory, prefix):
        found = []
        for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
            with open(path, encoding="utf-8") as f:
                found.append((prefix + os.path.basename(path)[:-len(".json")], json.load(f)))
        return found
    conversations = load(CONVERSATIONS, "")
    tool_conversations = load(TOOL_CONVERSATIONS, "tool-conversations/")
    thinking_conversations = load(THINKING_CONVERSATIONS, "thinking-conversations/")
    entries = []
    for name, (family, bos, eos) in sorted(COVERED.items()):
        with open(os.path.join(directory, name), "rb") as f:
            raw = f.read()
        source = raw.decode("utf-8")
        template = env.from_string(source)
        cases = []
        extra_conversations = (tool_conversations if name in WITH_TOOLS else []) + (thinking_conversations if name in WITH_THINKING else [])
        for conversation, body in conversations + extra_conversations:
            try:
                extra = {"tools": body["tools"]} if "tools" in body else {}
                prompt = template.render(messages=[jinja_message(m) for m in body["messages"]], bos_token=bos, eos_token=eos,
                                         add_generation_prompt=True, enable_thinking=body.get("think", True), **extra)
            except TemplateRefused as e:
                cases.append({"conversation": conversation, "refused": str(e)})
                continue
            if bos and prompt.startswith(bos):
                prompt = prompt[len(bos):]
            cases.append({"conversation": conversation, "prompt": prompt})
        entry = {"file": name, "sha256": hashlib.sha256(raw).hexdigest(), "family": family}
        # The date text the template shows for strftime_now: mfc's template prints Ollama's currentDate
        # there, and the test fixes currentDate to this text.
        formats = re.findall(r"""strftime_now\(["']([^"']+)["']\)""", source)
        if formats:
            entry["today"] = strftime_now(formats[0])
        entry["cases"] = cases
        entries.append(entry)
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        json.dump({"source": "llama-cpp-python 0.3.36 vendor/llama.cpp/models/templates", "templates": entries},
                  f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
