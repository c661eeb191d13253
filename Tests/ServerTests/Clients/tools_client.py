"""Tool calls and thinking through `mfc serve`, with the official ollama and openai Python clients.

Usage: tools_client.py BASE_URL TOOLS_TEMPLATE THINKING_TEMPLATE. The templates are mfc's Llama 3.1 and
DeepSeek-R1 family templates; the models are SmolLM2 under them, so the answers are greedy SmolLM2 text:
asked for JSON after an example call, it writes a call to the offered tool; under DeepSeek's template
everything it writes is reasoning (the prompt opens <think> and SmolLM2 never closes it).
Prints one `ok: ...` line per check; any failure raises (exit 1).
"""
import json
import sys

import ollama
import openai

base, tools_template, thinking_template = sys.argv[1], open(sys.argv[2]).read(), open(sys.argv[3]).read()
client = ollama.Client(host=base)
greedy = {"temperature": 0, "num_predict": 40}

for name, template in (("weather", tools_template), ("thinker", thinking_template)):
    status = list(client.create(model=name, from_="smollm2-chat", template=template, system="", stream=True))
    assert status[-1].status == "success", status
assert "tools" in client.show("weather").capabilities, client.show("weather").capabilities
assert "thinking" in client.show("thinker").capabilities and "tools" not in client.show("thinker").capabilities
assert not {"tools", "thinking"} & set(client.show("mario").capabilities or [])
print("ok: capabilities")

weather = {"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a city.",
           "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "The city"}}, "required": ["city"]}}}
example = [
    {"role": "user", "content": "What is the weather in Rome?"},
    {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Rome"}}}]},
    {"role": "tool", "content": "25 degrees, sunny", "tool_name": "get_weather"},
    {"role": "assistant", "content": "It is 25 degrees and sunny in Rome."},
    {"role": "user", "content": "Use the get_weather function: what is the weather in Paris?"},
]

answer = client.chat(model="weather", messages=example, tools=[weather], format="json", options=greedy)
calls = answer.message.tool_calls or []
assert len(calls) == 1 and calls[0].function.name == "get_weather", answer.message
assert dict(calls[0].function.arguments) == {"city": "Paris"}, calls[0].function.arguments
assert answer.message.content.strip() == "", answer.message.content
print("ok: chat tool call", calls[0].function.name, dict(calls[0].function.arguments))

pieces = list(client.chat(model="weather", messages=example, tools=[weather], format="json", options=greedy, stream=True))
streamed = [c for p in pieces for c in (p.message.tool_calls or [])]
assert [(c.function.name, dict(c.function.arguments)) for c in streamed] == [("get_weather", {"city": "Paris"})], pieces
assert pieces[-1].done and pieces[-1].done_reason == "stop"
print("ok: chat stream tool call in", len(pieces), "chunks")

for call in [lambda: client.chat(model="mario", messages=example[-1:], tools=[weather]),
             lambda: client.chat(model="mario", messages=example[-1:], think=True)]:
    try:
        call()
        raise AssertionError("not refused")
    except ollama.ResponseError as e:
        assert e.status_code == 400 and "does not support" in e.error, (e.status_code, e.error)
        print("ok: refused:", e.error)

thought = client.chat(model="thinker", messages=[{"role": "user", "content": "What is 2+2?"}], options=greedy)
assert thought.message.thinking and thought.message.content == "", thought.message
assert "</think>" not in thought.message.thinking and "<think>" not in thought.message.thinking
generated = client.generate(model="thinker", prompt="What is 2+2?", options=greedy)
assert generated.thinking == thought.message.thinking and generated.response == "", generated
print("ok: thinking", repr(thought.message.thinking[:40]))

oai = openai.OpenAI(base_url=base + "/v1", api_key="unused")
oai_messages = [
    {"role": "user", "content": "What is the weather in Rome?"},
    {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function",
                                                         "function": {"name": "get_weather", "arguments": "{\"city\": \"Rome\"}"}}]},
    {"role": "tool", "tool_call_id": "call_1", "content": "25 degrees, sunny"},
    {"role": "assistant", "content": "It is 25 degrees and sunny in Rome."},
    {"role": "user", "content": "Use the get_weather function: what is the weather in Paris?"},
]
completion = oai.chat.completions.create(model="weather", messages=oai_messages, tools=[weather], temperature=0, max_tokens=40,
                                         response_format={"type": "json_object"})
choice = completion.choices[0]
assert choice.finish_reason == "tool_calls", choice
call = choice.message.tool_calls[0]
assert call.type == "function" and call.function.name == "get_weather" and json.loads(call.function.arguments) == {"city": "Paris"}, call
print("ok: openai tool call", call.id, call.function.arguments)

stream = oai.chat.completions.create(model="weather", messages=oai_messages, tools=[weather], temperature=0, max_tokens=40,
                                     response_format={"type": "json_object"}, stream=True)
chunks = list(stream)
deltas = [t for c in chunks if c.choices for t in (c.choices[0].delta.tool_calls or [])]
assert [(t.function.name, json.loads(t.function.arguments)) for t in deltas] == [("get_weather", {"city": "Paris"})], chunks
assert chunks[-1].choices[0].finish_reason == "tool_calls", chunks[-1]
print("ok: openai stream tool call")

reasoning = oai.chat.completions.create(model="thinker", messages=[{"role": "user", "content": "What is 2+2?"}], temperature=0, max_tokens=40)
assert getattr(reasoning.choices[0].message, "reasoning", None) == thought.message.thinking, reasoning
print("ok: openai reasoning")
print("all ok")
