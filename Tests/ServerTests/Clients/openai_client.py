"""Drives `mfc serve`'s OpenAI-compatible API with the official openai Python client.

Usage: openai_client.py BASE_URL. Prints `ok: ...` per check; any failure raises (exit 1).
"""
import json
import sys

import openai

client = openai.OpenAI(base_url=sys.argv[1] + "/v1", api_key="unused")

models = [m.id for m in client.models.list().data]
assert "mario:latest" in models, models
assert client.models.retrieve("mario").id == "mario:latest"
print("ok: models", models)

chat = client.chat.completions.create(model="mario", messages=[{"role": "user", "content": "Hi! Who are you?"}],
                                      temperature=0, max_tokens=24, seed=1)
text = chat.choices[0].message.content
assert chat.choices[0].finish_reason in ("stop", "length") and chat.usage.completion_tokens > 0
assert "Mario" in text, text
print("ok: chat", repr(text))

stream = client.chat.completions.create(model="mario", messages=[{"role": "user", "content": "Hi! Who are you?"}],
                                        temperature=0, max_tokens=24, stream=True, stream_options={"include_usage": True})
chunks = list(stream)
streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
assert streamed == text, (streamed, text)
assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0
assert any(c.choices and c.choices[0].finish_reason for c in chunks)
print("ok: chat stream", len(chunks), "chunks")

schema = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
structured = client.chat.completions.create(
    model="smollm2-chat", messages=[{"role": "user", "content": "Give me a JSON object with your name."}],
    temperature=0, max_tokens=256,
    response_format={"type": "json_schema", "json_schema": {"name": "person", "schema": schema}})
content = structured.choices[0].message.content
# The schema is followed: the answer closes by itself and has exactly the required string property.
assert structured.choices[0].finish_reason == "stop", structured
parsed = json.loads(content)
assert list(parsed) == ["name"] and isinstance(parsed["name"], str), content
print("ok: json_schema", structured.choices[0].finish_reason, content[:80])

completion = client.completions.create(model="smollm2-chat", prompt="Name a color.", temperature=0, max_tokens=12)
assert completion.choices[0].text, completion
print("ok: completions", repr(completion.choices[0].text))

emb = client.embeddings.create(model="smollm2-chat", input=["hello", "world"])
assert len(emb.data) == 2 and len(emb.data[0].embedding) == 576
print("ok: embeddings")

try:
    client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "hi"}])
    raise AssertionError("unknown model accepted")
except openai.NotFoundError as e:
    print("ok: unknown model 404")
print("all ok")
