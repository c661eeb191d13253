#!/usr/bin/env python3
"""Resident memory of `mfc serve` with many long conversations at once, and after they expire: SLOTS
clients each send a prompt of about PROMPT tokens and generate up to TOKENS more (greedy) on a model
built with num_ctx CTX, served with --parallel SLOTS and --kv-budget BUDGET (default: SLOTS full
contexts); the server's VmRSS is sampled from /proc every 0.1 s, its peak is VmHWM. Then keep_alive
(KEEP seconds) runs out and the resident memory after the unload is read. With --cycles N the load, the
clients and the unload are repeated N times in one server, and the RSS after each unload is printed
(the peak figures are the first cycle's). Standard library only.

usage: bench-serve-memory.py MODEL.gguf [--slots N] [--ctx N] [--prompt N] [--tokens N] [--threads T]
                             [--budget BYTES] [--keep S] [--cycles N]
  mfc is .build/release/mfc (or $MFC).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from serve_bench import build_store, free_port, header, mfc_executable, wait_up  # noqa: E402

WORDS = ("harbour lantern meadow copper thistle orbit saffron glacier willow ember quarry falcon "
         "velvet canyon marble pepper harvest compass ribbon summit").split()


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def request(port, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=1200) as response:
        return json.load(response)


def loaded(port):
    return request(port, "/api/ps").get("models", [])


def conversation(i, words):
    """A long prompt of its own for client i (about 1.3 tokens a word for SmolLM2's tokenizer)."""
    text = " ".join(WORDS[(i * 7 + k * (i + 3)) % len(WORDS)] for k in range(words))
    return f"User {i}: keep these notes in mind: {text}\nAssistant:"


def one_cycle(args, port, server):
    """Loads the model, runs the clients, waits for keep_alive to unload it; returns what was measured."""
    request(port, "/api/generate", {"model": "long", "keep_alive": f"{args.keep}s"})
    ps = loaded(port)[0]
    after_load = status_kib(server.pid, "VmRSS")
    samples, done = [], threading.Event()

    def sample():
        while not done.is_set():
            samples.append(status_kib(server.pid, "VmRSS"))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    failures, kv_seen = [], []
    words = int(args.prompt / 1.3)

    def client(i):
        try:
            request(port, "/api/generate", {"model": "long", "prompt": conversation(i, words), "raw": True,
                                            "stream": False, "keep_alive": f"{args.keep}s",
                                            "options": {"temperature": 0, "num_predict": args.tokens}})
        except Exception as error:
            failures.append(f"client {i}: {error}")

    def watch_kv():
        while not done.is_set():
            models = loaded(port)
            if models:
                kv_seen.append(models[0].get("kv_cache_size", 0))
            time.sleep(0.5)

    watcher = threading.Thread(target=watch_kv)
    watcher.start()
    start = time.monotonic()
    clients = [threading.Thread(target=client, args=(i,)) for i in range(args.slots)]
    for t in clients:
        t.start()
    for t in clients:
        t.join()
    elapsed = time.monotonic() - start
    done.set()
    sampler.join()
    watcher.join()
    peak = status_kib(server.pid, "VmHWM")
    busy_end = status_kib(server.pid, "VmRSS")
    deadline = time.monotonic() + args.keep + 30
    while loaded(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)
    expired = status_kib(server.pid, "VmRSS")
    return dict(ps=ps, after_load=after_load, samples=samples, kv_seen=kv_seen, elapsed=elapsed, peak=peak,
                busy_end=busy_end, expired=expired, failures=failures)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("--slots", type=int, default=16)
    parser.add_argument("--ctx", type=int, default=2048)
    parser.add_argument("--prompt", type=int, default=1900)
    parser.add_argument("--tokens", type=int, default=120)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--budget", type=int, default=0)
    parser.add_argument("--keep", type=int, default=5)
    parser.add_argument("--cycles", type=int, default=1)
    args = parser.parse_args()
    model = os.path.abspath(args.model)
    mfc = mfc_executable()
    print(header(f"model {os.path.basename(model)} ({os.path.getsize(model) / 2**20:.1f} MiB file), "
                 f"{args.slots} slots of {args.ctx} positions, threads {args.threads}"))
    with tempfile.TemporaryDirectory(prefix="mfc-serve-memory-") as work:
        store = build_store(work, model, "long", args.ctx)
        port = free_port()
        command = [mfc, "serve", "--host", f"127.0.0.1:{port}", "--store", store, "--threads", str(args.threads),
                   "--parallel", str(args.slots)]
        budget = args.budget
        server = subprocess.Popen(command + ([] if budget == 0 else ["--kv-budget", str(budget)]), stderr=subprocess.DEVNULL)
        try:
            wait_up(f"http://127.0.0.1:{port}/", server, "mfc serve")
            before = status_kib(server.pid, "VmRSS")
            cycles = [one_cycle(args, port, server) for _ in range(args.cycles)]
        finally:
            server.terminate()
            server.wait()
    mib = lambda kib: f"{kib / 1024:.1f} MiB"
    first = cycles[0]
    print(f"model size (/api/ps): {first['ps']['size'] / 2**20:.1f} MiB; KV budget: "
          f"{'none' if budget == 0 else f'{budget / 2**20:.1f} MiB'}; largest KV in /api/ps: {max(first['kv_seen'] or [0]) / 2**20:.1f} MiB")
    print(f"RSS before load {mib(before)}, after load {mib(first['after_load'])}, peak sampled {mib(max(first['samples'] or [0]))}, "
          f"peak (VmHWM) {mib(first['peak'])}, at the end of the requests {mib(first['busy_end'])}, after keep_alive ran out {mib(first['expired'])}")
    print(f"{args.slots} clients done in {first['elapsed']:.1f} s")
    if len(cycles) > 1:
        print("RSS after each load's unload: " + ", ".join(mib(c["expired"]) for c in cycles))
    failures = [f for c in cycles for f in c["failures"]]
    for f in failures:
        print(f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
