#!/usr/bin/env python3
"""Writes Tests/RuntimeTests/Data/pretokenizer-splits.json: how the regexes of llama.cpp's
pre-tokenizers split sample texts, computed with Python's `regex` module (pip install regex), an
implementation independent of mfc's hand-written scanners. Multi-regex pre-tokenizers apply each
regex to the previous pieces, keeping matches and the gaps between them, as llama.cpp does.
    scripts/reference/make-pretokenizer-splits.py
"""
import os
import regex, json
GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
QWEN2 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
def split(pat, text):
    return [m.group(0) for m in regex.finditer(pat, text)]
def isolate(pat, pieces):
    out=[]
    for p in pieces:
        last=0
        for m in regex.finditer(pat, p):
            if m.start()>last: out.append(p[last:m.start()])
            out.append(m.group(0)); last=m.end()
        if last<len(p): out.append(p[last:])
    return out
def seq(pieces, pat):
    return [x for p in pieces for x in split(pat, p)]
texts = ["Hello world", "It's 2024, I'LL pay $12345.67!!", "  lots   of\tspace \n\n end  ", "x\r\n\r\ny", "中文 and 日本語123", "emoji 🎉👍🏽 ok", "a...b ,c"]
cases = {}
cases["gpt-2"] = {t: split(GPT2, t) for t in texts}
cases["llama-bpe"] = {t: split(LLAMA3, t) for t in texts}
cases["qwen2"] = {t: split(QWEN2, t) for t in texts}
cases["smollm"] = {t: seq(isolate(r"\p{N}", [t]), GPT2) for t in texts}
dflt = lambda t: isolate(r"[0-9][0-9][0-9]", isolate(r"\p{N}+", seq(isolate(r"[\p{P}\$\+<=>\^~\|]+", [t]), GPT2)))
cases["default"] = {t: dflt(t) for t in texts}
dsc = lambda t: isolate(r"\p{N}", isolate(r"[一-龥ࠀ-一가-퟿]+", isolate(r"\s?\p{P}+", isolate(r"\s?\p{L}+", isolate(r"[\r\n]", [t])))))
cases["deepseek-coder"] = {t: dsc(t) for t in texts}
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(root, "Tests", "RuntimeTests", "Data", "pretokenizer-splits.json"), "w", encoding="utf-8") as f:
    f.write("{\n" + ",\n".join("%s: %s" % (json.dumps(k), json.dumps(v, ensure_ascii=False)) for k, v in cases.items()) + "\n}\n")
