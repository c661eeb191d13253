#!/usr/bin/env python3
"""Aggregate generation throughput of an OpenAI-compatible server (mfc serve or llama-server) under
N concurrent streams: each client asks /v1/completions for TOKENS tokens (greedy) of its own prompt,
ROUNDS times; the figure is completion tokens of all clients / wall time from first request to last
answer. Standard library only.

usage: bench-serve-load.py BASE_URL MODEL STREAMS [TOKENS] [ROUNDS] [ollama]
  e.g. bench-serve-load.py http://127.0.0.1:11434 smollm2-chat 8 96 2
       bench-serve-load.py http://127.0.0.1:11434 gemma3 8 64 2 ollama
  MODEL is the name the server knows: for mfc serve a model built `FROM` the GGUF (SmolLM2-135M-Instruct
  Q4_1, gemma-3-270m Q4_K_M), for llama-server anything (it serves the one GGUF it was started with).
  MFC_BATCH_TRACE=1 in mfc serve's environment prints a line per batch step (docs/api.md).
With `ollama` the same requests go to Ollama's /api/generate (mfc serve, ollama serve), and the prompt
tokens the server evaluated (prompt_eval_count: the rest came from its prompt cache) are summed too.
"""
import json
import sys
import threading
import time
import urllib.request

TOPICS = ["the sea", "mountains", "a city at night", "bread", "trains", "the moon", "gardens", "music",
          "winter", "rivers", "old books", "bicycles", "coffee", "forests", "bridges", "the desert"]


def complete(base, model, prompt, tokens, ollama=False):
    """(completion tokens, prompt tokens evaluated or None) of one greedy request."""
    if ollama:
        body = {"model": model, "prompt": prompt, "stream": False, "options": {"temperature": 0, "num_predict": tokens}}
        path = "/api/generate"
    else:
        body = {"model": model, "prompt": prompt, "max_tokens": tokens, "temperature": 0, "stream": False}
        path = "/v1/completions"
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        answer = json.load(response)
    if ollama:
        return answer.get("eval_count", 0), answer.get("prompt_eval_count", 0)
    return answer["usage"]["completion_tokens"], None


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    base, model, streams = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3])
    tokens = int(sys.argv[4]) if len(sys.argv) > 4 else 96
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    ollama = len(sys.argv) > 6 and sys.argv[6] == "ollama"
    complete(base, model, "Hello", 4, ollama)   # load the model
    totals = [0] * streams
    evaluated = [0] * streams
    failures = []

    def client(i):
        try:
            for r in range(rounds):
                prompt = f"Write a long story about {TOPICS[(i + r) % len(TOPICS)]}, client {i}."
                generated, prompt_evaluated = complete(base, model, prompt, tokens, ollama)
                totals[i] += generated
                evaluated[i] += prompt_evaluated or 0
        except Exception as error:  # report, do not hide
            failures.append(f"client {i}: {error}")

    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(streams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    for f in failures:
        print(f, file=sys.stderr)
    prompts = f", {sum(evaluated)} prompt tokens evaluated" if ollama else ""
    print(f"streams {streams}: {sum(totals)} tokens in {elapsed:.2f} s = {sum(totals) / elapsed:.1f} tok/s{prompts}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
