#!/usr/bin/env python3
"""Time to first token of each turn of a 10-turn chat, with and without the prompt cache, through
`mfc serve` (/api/chat; cache off is `mfc serve --no-prompt-cache`) beside llama.cpp's llama-server
(/v1/chat/completions with cache_prompt true/false), same model file, threads and context, one slot each.
The conversation is scripted (fixed user and assistant messages), so every server sees the same
history; each turn streams at most TOKENS greedy tokens and the figure is the time from sending the
request to the first streamed text. Standard library only.

usage: bench-chat-ttft.py MODEL.gguf [--turns N] [--threads T] [--tokens N] [--ctx N]
  mfc is .build/release/mfc (or $MFC); llama-server is taken from $LLAMA_CPP_BIN, else PATH
  (without it only mfc is measured).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from serve_bench import build_store, free_port, header, mfc_executable, wait_up  # noqa: E402

TOPICS = ["tides", "sourdough bread", "steam trains", "the moon's phases", "kitchen gardens", "jazz chords",
          "winter birds", "river deltas", "old maps", "bicycle gears", "coffee roasting", "beech forests"]


def user_message(turn):
    topic = TOPICS[turn % len(TOPICS)]
    return (f"Turn {turn + 1}. I am writing notes about {topic}. Explain in plain words how {topic} work, "
            f"what a beginner usually gets wrong about {topic}, and one thing worth trying this week. "
            "Keep the tone friendly and the answer practical, and refer back to earlier notes when useful.")


def assistant_message(turn):
    topic = TOPICS[turn % len(TOPICS)]
    return (f"Here are notes on {topic}. Start with the basics: watch how {topic} change from day to day "
            "and write down what you see, because patterns appear only after a few weeks of notes. "
            f"A common mistake is to read too much before looking at {topic} yourself; theory sticks "
            "better once you have seen the thing. This week, pick one small question, observe for ten "
            "minutes each day, and compare your notes on Sunday with what we discussed in earlier turns.")


def post_stream(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    return urllib.request.urlopen(request, timeout=600)


def mfc_turn(port, messages, tokens):
    """Seconds to the first streamed text, and the prompt tokens the server reports."""
    start = time.monotonic()
    first, prompt_tokens = None, None
    body = {"model": "chat", "messages": messages, "stream": True,
            "options": {"temperature": 0, "num_predict": tokens, "seed": 1}}
    with post_stream(f"http://127.0.0.1:{port}/api/chat", body) as response:
        for line in response:
            if not line.strip():
                continue
            chunk = json.loads(line)
            if first is None and chunk.get("message", {}).get("content"):
                first = time.monotonic() - start
            if chunk.get("done"):
                prompt_tokens = chunk.get("prompt_eval_count")
    return first, prompt_tokens


def llama_turn(port, messages, tokens, cache):
    start = time.monotonic()
    first, prompt_tokens = None, None
    body = {"messages": messages, "stream": True, "max_tokens": tokens, "temperature": 0, "seed": 1,
            "cache_prompt": cache, "stream_options": {"include_usage": True}}
    with post_stream(f"http://127.0.0.1:{port}/v1/chat/completions", body) as response:
        for line in response:
            line = line.strip()
            if not line.startswith(b"data: ") or line == b"data: [DONE]":
                continue
            chunk = json.loads(line[6:])
            choices = chunk.get("choices") or []
            if first is None and choices and (choices[0].get("delta") or {}).get("content"):
                first = time.monotonic() - start
            if chunk.get("timings"):
                prompt_tokens = chunk["timings"].get("prompt_n")
    return first, prompt_tokens


def play(turn_fn, turns):
    """TTFT and prompt tokens evaluated for each turn of the scripted chat."""
    results = []
    messages = [{"role": "system", "content": "You are a patient tutor who answers in short paragraphs."}]
    for turn in range(turns):
        messages.append({"role": "user", "content": user_message(turn)})
        ttft, prompt = turn_fn(messages)
        if ttft is None:
            raise RuntimeError(f"turn {turn + 1}: no text streamed")
        results.append((ttft, prompt))
        messages.append({"role": "assistant", "content": assistant_message(turn)})
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=8)
    parser.add_argument("--ctx", type=int, default=4096)
    args = parser.parse_args()
    model = os.path.abspath(args.model)
    mfc = mfc_executable()
    llama_bin = os.environ.get("LLAMA_CPP_BIN")
    llama_server = os.path.join(llama_bin, "llama-server") if llama_bin else shutil.which("llama-server")
    print(header(f"model {os.path.basename(model)}, threads {args.threads}, {args.turns} turns, "
                 f"{args.tokens} tokens per answer, context {args.ctx}"))
    runs = {}
    with tempfile.TemporaryDirectory(prefix="mfc-chat-ttft-") as work:
        store = build_store(work, model, "chat", args.ctx)
        for cache in (True, False):
            port = free_port()
            command = [mfc, "serve", "--host", f"127.0.0.1:{port}", "--store", store, "--threads", str(args.threads),
                       "--parallel", "1", "--keep-alive", "-1"] + ([] if cache else ["--no-prompt-cache"])
            server = subprocess.Popen(command, stderr=subprocess.DEVNULL)
            try:
                wait_up(f"http://127.0.0.1:{port}/", server, "mfc serve")
                mfc_turn(port, [{"role": "user", "content": "Hello"}], 2)   # load the model
                runs[("mfc serve", cache)] = play(lambda m: mfc_turn(port, m, args.tokens), args.turns)
            finally:
                server.terminate()
                server.wait()
            if llama_server:
                port = free_port()
                command = [llama_server, "-m", model, "--host", "127.0.0.1", "--port", str(port), "-t", str(args.threads),
                           "-tb", str(args.threads), "-c", str(args.ctx), "-np", "1"]
                server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    wait_up(f"http://127.0.0.1:{port}/health", server, "llama-server")
                    llama_turn(port, [{"role": "user", "content": "Hello"}], 2, cache)
                    runs[("llama-server", cache)] = play(lambda m: llama_turn(port, m, args.tokens, cache), args.turns)
                finally:
                    server.terminate()
                    server.wait()
    names = sorted({name for name, _ in runs}, reverse=True)
    columns = "turn " + "".join(f"| {name} cache {'on' if c else 'off'} (ms, prompt tokens) "
                               for name in names for c in (True, False))
    print(columns)
    for turn in range(args.turns):
        cells = "".join(f"| {runs[(name, c)][turn][0] * 1000:9.1f} {runs[(name, c)][turn][1]!s:>6} "
                        for name in names for c in (True, False))
        print(f"{turn + 1:4d} {cells}")
    last = args.turns - 1
    for name in names:
        on, off = runs[(name, True)][last][0], runs[(name, False)][last][0]
        print(f"{name}: turn {args.turns} first token {on * 1000:.1f} ms with the prompt cache, {off * 1000:.1f} ms without: "
              f"{off / on:.2f}x")
    if len(names) == 2:
        for c in (True, False):
            ratio = runs[("mfc serve", c)][last][0] / runs[("llama-server", c)][last][0]
            print(f"mfc serve / llama-server, turn {args.turns}, cache {'on' if c else 'off'}: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
