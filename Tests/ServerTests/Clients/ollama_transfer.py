"""Drives `mfc serve`'s /api/push and /api/pull with the official ollama Python client against a
local registry (plain HTTP, so `insecure`).

Usage: ollama_transfer.py BASE_URL REGISTRY_HOST. Prints one `ok: ...` line per check; any
failure raises (exit 1)."""
import sys

import ollama

base, registry = sys.argv[1:3]
client = ollama.Client(host=base)
remote = f"{registry}/team/mario"
greedy = {"temperature": 0, "num_predict": 16}
before = client.generate(model="mario", prompt="Who are you?", options=greedy).response
client.copy("mario", remote)


def blob_lines(lines, verb):
    """The per-blob lines, checked for Ollama's shape: `<verb> <12 hex>`, digest, total."""
    found = [p for p in lines if p.status.startswith(verb + " ") and p.status != verb + " manifest"]
    for p in found:
        assert p.digest and p.digest.startswith("sha256:") and p.status == f"{verb} {p.digest[7:19]}", p
        assert p.total and p.total > 0, p
    return found


pushed = list(client.push(remote, insecure=True, stream=True))
statuses = [p.status for p in pushed]
assert statuses[0] == "retrieving manifest" and statuses[-2:] == ["pushing manifest", "success"], statuses
blobs = blob_lines(pushed, "pushing")
digests = {p.digest for p in blobs}
assert len(digests) == 6, digests   # model, template, license, system, params, config
for d in digests:
    assert any(p.digest == d and p.completed == p.total for p in blobs), d
print("ok: push streamed", len(pushed), "lines for", len(digests), "blobs")

again = client.push(remote, insecure=True)
assert again.status == "success", again
print("ok: push again, not streamed")

# Remove every copy (rm deletes the blobs nothing else uses), then pull it back.
for name in (remote, "mario", "smollm2-chat"):
    client.delete(name)
assert not client.list().models, client.list()
pulled = list(client.pull(remote, insecure=True, stream=True))
statuses = [p.status for p in pulled]
assert statuses[0] == "pulling manifest", statuses
assert statuses[-3:] == ["verifying sha256 digest", "writing manifest", "success"], statuses
blobs = blob_lines(pulled, "pulling")
assert {p.digest for p in blobs} == digests, blobs
model = max(blobs, key=lambda p: p.total)
assert any(p.digest == model.digest and p.completed == p.total for p in blobs), model
print("ok: pull streamed", len(pulled), "lines, the model blob", model.total, "bytes")

after = client.generate(model=remote, prompt="Who are you?", options=greedy).response
assert after == before, (after, before)
print("ok: the pulled model answers as the pushed one:", repr(after))

assert client.pull(remote, insecure=True).status == "success"
try:
    client.pull(f"{registry}/team/none-such", insecure=True)
    raise AssertionError("pulling a missing model did not fail")
except ollama.ResponseError as e:
    assert "not found" in e.error, e.error
    print("ok: missing model:", e.error)
try:
    list(client.push("none-such-model", insecure=True, stream=True))
    raise AssertionError("pushing a missing model did not fail")
except ollama.ResponseError as e:
    assert "not found" in e.error, e.error
    print("ok: push of a missing model:", e.error)
print("all ok")
