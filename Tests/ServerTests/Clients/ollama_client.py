"""Drives `mfc serve` with the official ollama Python client; every response must parse in its models.

Usage: ollama_client.py BASE_URL. Prints one `ok: ...` line per check; any failure raises (exit 1).
"""
import sys

import ollama

base = sys.argv[1]
client = ollama.Client(host=base)
greedy = {"temperature": 0, "num_predict": 24}

names = [m.model for m in client.list().models]
assert "mario:latest" in names and "smollm2-chat:latest" in names, names
print("ok: list", sorted(names))

shown = client.show("mario")
assert "SYSTEM" in shown.modelfile and "Mario" in shown.modelfile, shown.modelfile
assert shown.details.family == "llama", shown.details
assert shown.modelinfo and shown.modelinfo.get("general.architecture") == "llama"
assert "completion" in (shown.capabilities or [])
assert "FROM" in shown.modelfile
print("ok: show", shown.details.parameter_size, shown.details.quantization_level)

try:
    client.pull("127.0.0.1:1/team/none", insecure=True)   # nothing listens on port 1
    raise AssertionError("a pull from an unreachable registry did not fail")
except ollama.ResponseError as e:
    assert e.status_code == 500 and "127.0.0.1" in e.error, (e.status_code, e.error)
    print("ok: pull from an unreachable registry:", e.error)

answer = client.chat(model="mario", messages=[{"role": "user", "content": "Hi! Who are you?"}], options=greedy)
assert answer.message.role == "assistant" and answer.done and answer.done_reason in ("stop", "length")
assert answer.eval_count and answer.prompt_eval_count and answer.total_duration
assert "Mario" in answer.message.content, answer.message.content
print("ok: chat", repr(answer.message.content))

pieces = list(client.chat(model="mario", messages=[{"role": "user", "content": "Hi! Who are you?"}], options=greedy, stream=True))
assert pieces[-1].done and not any(p.done for p in pieces[:-1])
streamed = "".join(p.message.content for p in pieces)
assert streamed == answer.message.content, (streamed, answer.message.content)
print("ok: chat stream", len(pieces), "chunks")

gen = client.generate(model="smollm2-chat", prompt="Name a color.", options=greedy)
assert gen.done and gen.response and gen.context, gen
gen_pieces = list(client.generate(model="smollm2-chat", prompt="Name a color.", options=greedy, stream=True))
assert "".join(p.response for p in gen_pieces) == gen.response
print("ok: generate", repr(gen.response))

as_json = client.generate(model="smollm2-chat", prompt="Give a JSON object with a key name.", format="json",
                          options={"temperature": 0, "num_predict": 256})
import json
# The JSON grammar ends the answer when the object closes (and closes it before num_predict).
assert as_json.done_reason == "stop", as_json
assert isinstance(json.loads(as_json.response), dict), as_json.response
print("ok: generate json", as_json.done_reason, as_json.response[:80])

pet = {"type": "object", "properties": {"name": {"type": "string"}, "legs": {"type": "integer"},
                                        "sounds": {"type": "array", "items": {"type": "string"}, "maxItems": 3}},
       "required": ["name", "legs", "sounds"]}
structured = client.chat(model="smollm2-chat", messages=[{"role": "user", "content": "Describe a dog."}], format=pet,
                         options={"temperature": 0, "num_predict": 256})
assert structured.done_reason == "stop", structured
value = json.loads(structured.message.content)
assert list(value) == ["name", "legs", "sounds"], value   # every property, in the schema's order
assert isinstance(value["name"], str) and isinstance(value["legs"], int) and len(value["sounds"]) <= 3, value
assert all(isinstance(s, str) for s in value["sounds"]), value
print("ok: chat schema", structured.message.content[:80])

try:
    client.chat(model="smollm2-chat", messages=[{"role": "user", "content": "hi"}],
                format={"type": "string", "pattern": "^a"})
    raise AssertionError("a schema with pattern was accepted")
except ollama.ResponseError as e:
    assert e.status_code == 400 and "unsupported JSON schema keyword 'pattern'" in e.error, (e.status_code, e.error)
print("ok: unsupported schema 400")

emb = client.embed(model="smollm2-chat", input=["hello", "world"])
assert len(emb.embeddings) == 2 and len(emb.embeddings[0]) == 576, [len(e) for e in emb.embeddings]
norm = sum(x * x for x in emb.embeddings[0]) ** 0.5
assert abs(norm - 1) < 1e-3, norm
old = client.embeddings(model="smollm2-chat", prompt="hello")
assert len(old.embedding) == 576
print("ok: embed")

running = client.ps()
assert any(m.model == "mario:latest" for m in running.models), running
assert all(m.size > 0 and m["context_length"] > 0 and m.expires_at for m in running.models)
print("ok: ps", [m.model for m in running.models])

status = list(client.create(model="pirate", from_="smollm2-chat", system="You are a pirate. Answer like a pirate.",
                            parameters={"temperature": 0.5, "stop": ["<|im_end|>"]}, stream=True))
assert status[-1].status == "success", status
pirate = client.show("pirate")
assert "SYSTEM You are a pirate" in pirate.modelfile or "SYSTEM \"You are a pirate" in pirate.modelfile, pirate.modelfile
assert "temperature" in pirate.parameters, pirate.parameters
print("ok: create", [s.status for s in status])

client.copy("pirate", "pirate-copy")
assert "pirate-copy:latest" in [m.model for m in client.list().models]
client.delete("pirate-copy")
client.delete("pirate")
left = [m.model for m in client.list().models]
assert "pirate:latest" not in left and "pirate-copy:latest" not in left, left
print("ok: copy and delete")

try:
    client.chat(model="no-such-model", messages=[{"role": "user", "content": "hi"}])
    raise AssertionError("unknown model accepted")
except ollama.ResponseError as e:
    assert e.status_code == 404, e.status_code
    print("ok: unknown model 404:", e.error)
print("all ok")
