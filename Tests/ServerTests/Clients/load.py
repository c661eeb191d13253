"""Load: N concurrent clients stream chats from `mfc serve` for a fixed time.

Usage: load.py BASE_URL CLIENTS SECONDS. Every stream must be well-formed NDJSON ending in one done line;
the only error allowed is 503 (queue full), after which the client waits briefly and retries.
Prints a JSON summary on the last line.
"""
import json
import sys
import threading
import time

import httpx

base, clients, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + seconds
lock = threading.Lock()
summary = {"streams": 0, "busy": 0, "errors": [], "tokens": 0}


def worker(index):
    body = {"model": "mario", "messages": [{"role": "user", "content": f"Hi! Tell me about mushroom number {index}."}],
            "options": {"num_predict": 8, "seed": index}}
    with httpx.Client(base_url=base, timeout=120) as client:
        while time.monotonic() < deadline:
            try:
                with client.stream("POST", "/api/chat", json=body) as r:
                    if r.status_code == 503:
                        r.read()
                        with lock:
                            summary["busy"] += 1
                        time.sleep(0.2)
                        continue
                    if r.status_code != 200:
                        raise RuntimeError(f"status {r.status_code}: {r.read()!r}")
                    lines = [json.loads(line) for line in r.iter_lines() if line.strip()]
                if not lines or not lines[-1].get("done") or any(l.get("done") for l in lines[:-1]):
                    raise RuntimeError(f"malformed stream: {lines[-2:]}")
                if any("error" in l for l in lines):
                    raise RuntimeError(f"error in stream: {lines[-1]}")
                with lock:
                    summary["streams"] += 1
                    summary["tokens"] += lines[-1].get("eval_count", 0)
            except Exception as e:  # noqa: BLE001 - every failure is reported
                with lock:
                    summary["errors"].append(repr(e))
                return


threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps(summary))
sys.exit(1 if summary["errors"] or summary["streams"] == 0 else 0)
