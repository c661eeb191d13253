"""What the serve benchmarks share: the mfc executable, a store with one model built from a GGUF file,
free ports, waiting for a server, the header line. Standard library only."""
import os
import socket
import subprocess
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def mfc_executable():
    """$MFC, else the release build of this checkout."""
    return os.environ.get("MFC") or os.path.join(ROOT, ".build", "release", "mfc")


def build_store(work, model, name, ctx):
    """A store under `work` holding `name`: FROM the GGUF file `model` with num_ctx `ctx`; returns its path."""
    store = os.path.join(work, "store")
    modelfile = os.path.join(work, "Modelfile")
    with open(modelfile, "w") as f:
        f.write(f"FROM {os.path.abspath(model)}\nPARAMETER num_ctx {ctx}\n")
    subprocess.run([mfc_executable(), "create", name, "-f", modelfile, "--store", store], check=True, stdout=subprocess.DEVNULL)
    return store


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, process, name):
    """Polls `url` until it answers 200; fails when `process` exits or after two minutes."""
    for _ in range(1200):
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not come up")


def header(description):
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    return f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average: {load}, {description}"
