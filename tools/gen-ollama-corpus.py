#!/usr/bin/env python3
"""Writes the Ollama-layer conformance cases: chat-family templates (written for mfc in the
style of each family) rendered over /api/chat and /api/generate bodies, with and without a
model SYSTEM and MESSAGE history. Go's answers come from tools/gotmpl (modes ollama-chat and
ollama-generate), which rebuilds Ollama's typed template data. Run tools/regen-template-corpus.sh."""
import json, sys

T = {
 "chatml": "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n",
 "llama3": "{{- if or .System .Tools }}<|start_header_id|>system<|end_header_id|>\n{{ if .System }}\n{{ .System }}{{ end }}{{ if .Tools }}\n\nYou can call these functions:\n{{ range .Tools }}{{ json . }}\n{{ end }}{{ end }}<|eot_id|>{{ end }}\n{{- range $i, $_ := .Messages }}{{- $last := eq (len (slice $.Messages $i)) 1 }}\n{{- if eq .Role \"user\" }}<|start_header_id|>user<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ if $last }}<|start_header_id|>assistant<|end_header_id|>\n\n{{ end }}\n{{- else if eq .Role \"assistant\" }}<|start_header_id|>assistant<|end_header_id|>\n{{ if .ToolCalls }}\n{{ range .ToolCalls }}{\"name\": \"{{ .Function.Name }}\", \"parameters\": {{ .Function.Arguments }}}{{ end }}{{ else }}\n{{ .Content }}{{ end }}{{ if not $last }}<|eot_id|>{{ end }}\n{{- else if eq .Role \"tool\" }}<|start_header_id|>ipython<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ if $last }}<|start_header_id|>assistant<|end_header_id|>\n\n{{ end }}\n{{- end }}{{- end }}",
 "gemma": "{{- range $i, $_ := .Messages }}{{- $last := eq (len (slice $.Messages $i)) 1 }}\n{{- if or (eq .Role \"user\") (eq .Role \"system\") }}<start_of_turn>user\n{{ .Content }}<end_of_turn>\n{{ if $last }}<start_of_turn>model\n{{ end }}\n{{- else if eq .Role \"assistant\" }}<start_of_turn>model\n{{ .Content }}{{ if not $last }}<end_of_turn>\n{{ end }}{{- end }}{{- end }}",
 "mistral": "{{- range $i, $_ := .Messages }}{{- if eq .Role \"user\" }}{{- if and $.Tools (le (len (slice $.Messages $i)) 2) }}[AVAILABLE_TOOLS] {{ $.Tools }}[/AVAILABLE_TOOLS]{{ end }}[INST] {{ if and $.System (eq (len (slice $.Messages $i)) 1) }}{{ $.System }}\n\n{{ end }}{{ .Content }}[/INST]{{- else if eq .Role \"assistant\" }}{{- if .Content }} {{ .Content }}{{ if not (eq (len (slice $.Messages $i)) 1) }}</s>{{ end }}{{- else if .ToolCalls }}[TOOL_CALLS] [{{ range .ToolCalls }}{\"name\": \"{{ .Function.Name }}\", \"arguments\": {{ json .Function.Arguments }}}{{ end }}]</s>{{ end }}{{- else if eq .Role \"tool\" }}[TOOL_RESULTS] {\"content\": {{ .Content }}} [/TOOL_RESULTS]{{- end }}{{- end }}",
 "phi3": "{{ range .Messages }}<|{{ .Role }}|>\n{{ .Content }}<|end|>\n{{ end }}<|assistant|>\n",
 "llama2": "{{- range $index, $_ := .Messages }}{{- if eq .Role \"system\" }}[INST] <<SYS>>{{ .Content }}<</SYS>>\n\n{{- else if eq .Role \"user\" }}{{- if and (eq $index 0) (not $.System) }}[INST] {{ end }}{{ .Content }} [/INST]{{- else }} {{ .Content }}</s><s>[INST] {{ end }}{{- end }}",
 "zephyr": "{{- range .Messages }}<|{{ .Role }}|>\n{{ .Content }}</s>\n{{ end }}<|assistant|>\n",
 "granite": "{{- range .Messages }}\n{{- if eq .Role \"system\" }}System:\n{{- else if eq .Role \"user\" }}Question:\n{{- else }}Answer:\n{{- end }}\n{{ .Content }}\n\n{{ end }}Answer:\n",
 "commandr": "{{- if or .System .Tools }}<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>{{ .System }}{{ range .Tools }}\n## {{ .Function.Name }}\n{{ .Function.Description }}\n{{ range $name, $p := .Function.Parameters.Properties }}- {{ $name }} ({{ toTypeScriptType $p }}): {{ $p.Description }}\n{{ end }}{{ end }}<|END_OF_TURN_TOKEN|>{{ end }}{{ range .Messages }}{{ if eq .Role \"user\" }}<|START_OF_TURN_TOKEN|><|USER_TOKEN|>{{ .Content }}<|END_OF_TURN_TOKEN|>{{ else if eq .Role \"assistant\" }}<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>{{ .Content }}<|END_OF_TURN_TOKEN|>{{ else if eq .Role \"tool\" }}<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|><results>{{ .Content }}</results><|END_OF_TURN_TOKEN|>{{ end }}{{ end }}<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>",
 "qwen-tools": "{{- if .Messages }}{{- if or .System .Tools }}<|im_start|>system\n{{- if .System }}\n{{ .System }}{{- end }}{{- if .Tools }}\n\n# Tools\n\n<tools>{{- range .Tools }}\n{\"type\": \"function\", \"function\": {{ .Function }}}{{- end }}\n</tools>{{- end }}<|im_end|>\n{{ end }}{{- range $i, $_ := .Messages }}{{- $last := eq (len (slice $.Messages $i)) 1 -}}{{- if eq .Role \"user\" }}<|im_start|>user\n{{ .Content }}<|im_end|>\n{{ else if eq .Role \"assistant\" }}<|im_start|>assistant\n{{ if .Content }}{{ .Content }}{{ else if .ToolCalls }}<tool_call>\n{{ range .ToolCalls }}{\"name\": \"{{ .Function.Name }}\", \"arguments\": {{ .Function.Arguments }}}\n{{ end }}</tool_call>{{ end }}{{ if not $last }}<|im_end|>\n{{ end }}{{ else if eq .Role \"tool\" }}<|im_start|>user\n<tool_response>\n{{ .Content }}\n</tool_response><|im_end|>\n{{ end }}{{- if and (ne .Role \"assistant\") $last }}<|im_start|>assistant\n{{ end }}{{- end }}{{- else }}{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}{{ if .Prompt }}<|im_start|>user\n{{ .Prompt }}<|im_end|>\n{{ end }}<|im_start|>assistant\n{{ end }}{{ .Response }}{{ if .Response }}<|im_end|>{{ end }}",
 "thinking": "{{- range $i, $_ := .Messages }}{{- $last := eq (len (slice $.Messages $i)) 1 -}}<|{{ .Role }}|>{{ if and .Thinking (not $last) }}<think>{{ .Thinking }}</think>{{ end }}{{ .Content }}\n{{ if and $last (ne .Role \"assistant\") }}<|assistant|>{{ if and $.IsThinkSet $.Think }}<think level=\"{{ $.ThinkLevel }}\">{{ else if $.IsThinkSet }}<think></think>{{ end }}{{ end }}{{ end }}",
 "dump": "{{ json .Messages }}|{{ .Tools }}|{{ range .Messages }}{{ range .ToolCalls }}{{ .Function.Index }}:{{ .Function.Arguments }}{{ range $k, $v := .Function.Arguments }}[{{ $k }}={{ $v }}]{{ end }}{{ end }}{{ .Images }}{{ end }}|{{ range .Tools }}{{ .Function.Parameters.Properties }}{{ range $n, $p := .Function.Parameters.Properties }}{{ $n }}:{{ $p.Type }}:{{ toTypeScriptType $p }};{{ end }}{{ end }}|{{ printf \"%v\" .Think }}",
 "fim": "{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>{{- else }}{{ range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n{{ end }}",
 "legacy-alpaca": "{{ if .System }}{{ .System }}\n\n{{ end }}{{ if .Prompt }}### Instruction:\n{{ .Prompt }}\n\n{{ end }}### Response:\n{{ .Response }}\n\n",
 "legacy-vicuna": "{{ if .System }}{{ .System }}\n\n{{ end }}USER: {{ .Prompt }}\nASSISTANT:",
 "legacy-llama2": "[INST] {{ if .System }}<<SYS>>{{ .System }}<</SYS>>\n\n{{ end }}{{ .Prompt }} [/INST]",
 "legacy-json": "{{ json .Prompt }} {{ .Response }}",
 "legacy-json-after": "{{ .Prompt }}{{ .Response }}{{ json .System }}",
 "legacy-else": "{{ .Prompt }}{{ if .Response }}{{ .Response }}{{ else }}-{{ end }}",
 "legacy-think": "{{ if .IsThinkSet }}[think={{ .Think }} {{ .ThinkLevel }}]{{ end }}{{ .System }}|{{ .Prompt }}|{{ .Response }}",
 "tool-json": "{{ range .Tools }}{{ json .Function.Parameters }}|{{ .Function.Parameters.Properties }}|{{ json .Function.Parameters.Properties }}|{{ range $n, $p := .Function.Parameters.Properties }}{{ $n }}:{{ json $p }};{{ end }}\n{{ end }}{{ range .Messages }}{{ range .ToolCalls }}{{ .Function.Name }}={{ .Function.Arguments }}|{{ json .Function.Arguments }}|{{ printf \"%v\" .Function.Arguments }}|{{ len .Function.Arguments }}|{{ if .Function.Arguments }}T{{ else }}F{{ end }}\n{{ end }}{{ end }}",
 "prompt-in-messages": "{{ range .Messages }}{{ .Content }}{{ end }}[{{ .Prompt }}][{{ .Suffix }}]",
}

def msg(role, content, **kw):
    d = {"role": role, "content": content}
    d.update(kw)
    return d

weather = {"type": "function", "function": {"name": "get_weather", "description": "Get the <current> weather & more",
    "parameters": {"type": "object", "required": ["city"], "properties": {
        "city": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["c", "f"]},
        "days": {"type": ["integer", "null"], "description": "Days ahead"},
        "opts": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}}}}}
clock = {"type": "function", "function": {"name": "now", "parameters": {"type": "object", "properties": {}}}}

nested = {"type": "function", "function": {"name": "book", "parameters": {"type": "object", "required": ["when"], "properties": {
    "when": {"type": "string"}, "where": {"type": "object", "properties": {"zip": {"type": "string"}, "city": {"type": "string"},
        "geo": {"type": "object", "properties": {"lon": {"type": "number"}, "lat": {"type": "number"}}}}},
    "party": {"type": "integer", "properties": None}, "alpha": {"type": "object", "properties": {}}}}}}
bare = {"type": "function", "function": {"name": "ping", "parameters": {"type": "object"}}}

chats = {
    "user": {"messages": [msg("user", "Hello!")]},
    "system-user": {"messages": [msg("system", "Be brief."), msg("user", "Hello!")]},
    "user-assistant-user": {"messages": [msg("user", "Hi"), msg("assistant", "Hello, how can I help?"), msg("user", "A joke <b>&</b>")]},
    "system-user-assistant-user": {"messages": [msg("system", "You are Mario."), msg("user", "Hi"), msg("assistant", "It's-a me!"), msg("user", "Jump")]},
    "prefill": {"messages": [msg("user", "Count"), msg("assistant", "1, 2,")]},
    "merged": {"messages": [msg("USER", "one"), msg("user", "two"), msg("system", "s1"), msg("system", "s2"), msg("user", "three")]},
    "tools": {"tools": [weather, clock], "messages": [msg("user", "Weather in Paris?"),
        msg("assistant", "", tool_calls=[{"function": {"name": "get_weather", "arguments": {"unit": "c", "city": "Paris", "days": 2}}},
                                          {"id": "call_2", "function": {"index": 1, "name": "now", "arguments": {}}}]),
        msg("tool", "21C", tool_name="get_weather"), msg("tool", "noon", tool_name="now"), msg("user", "Thanks")]},
    "tool-order": {"tools": [nested, bare], "messages": [msg("user", "Book it"),
        msg("assistant", "", tool_calls=[{"function": {"name": "book", "arguments": {"when": "now", "party": 2, "where": {"zip": "1", "city": "x"}}}},
                                          {"function": {"name": "ping"}}, {"function": {"name": "ping", "arguments": None}},
                                          {"function": {"name": "ping", "arguments": {}}}]),
        msg("tool", "booked")]},
    "tools-pending": {"tools": [weather], "messages": [msg("user", "Weather?")]},
    "thinking": {"think": True, "messages": [msg("user", "2+2?"), msg("assistant", "4", thinking="add them"), msg("user", "3+3?")]},
    "think-high": {"think": "high", "messages": [msg("user", "Why?")]},
    "think-false": {"think": False, "messages": [msg("user", "Why?")]},
    "images": {"messages": [msg("user", "What is in [img] and this?", images=["aGk=", "aGk="]), msg("assistant", "cats"), msg("user", "more", images=["aGk="])]},
    "empty": {"messages": []},
    "unicode": {"messages": [msg("user", "héllo ☃ \u2028 \"quoted\" \\ back\ttab")]},
}
models = {
    "bare": {"system": "", "messages": []},
    "sys": {"system": "You are a pirate.", "messages": []},
    "history": {"system": "You are a pirate.", "messages": [msg("user", "Ahoy"), msg("assistant", "Arr!")]},
}
generates = {
    "prompt": {"prompt": "Why is the sky blue?"},
    "system": {"prompt": "Why?", "system": "Answer in French."},
    "suffix": {"prompt": "def add(a, b):", "suffix": "    return c"},
    "suffix-no-prompt": {"prompt": "", "suffix": "x"},
    "raw": {"prompt": "<raw>", "raw": True},
    "images": {"prompt": "Describe", "images": ["aGk="]},
    "think": {"prompt": "Hmm", "think": "low"},
}

cases = []
for tname, t in T.items():
    for mname, m in models.items():
        model = {"template": t, "system": m["system"], "messages": m["messages"]}
        for cname, body in chats.items():
            cases.append({"name": f"chat/{tname}/{mname}/{cname}", "mode": "ollama-chat", "model": model, "request": body})
        for gname, body in generates.items():
            cases.append({"name": f"generate/{tname}/{mname}/{gname}", "mode": "ollama-generate", "model": model, "request": body})
cases.append({"name": "chat/undefined-template", "mode": "ollama-chat",
              "model": {"template": "{{ define \"x\" }}x{{ end }}{{ template \"x\" }}{{ .Prompt }}", "system": "", "messages": []},
              "request": chats["user"]})
cases.append({"name": "chat/exec-error", "mode": "ollama-chat",
              "model": {"template": "{{ range .Messages }}{{ index .Content 99 }}{{ end }}", "system": "", "messages": []},
              "request": chats["user"]})
json.dump(cases, sys.stdout, indent=0, ensure_ascii=False)
sys.stdout.write("\n")
