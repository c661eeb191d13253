/// Qwen 2/2.5 and Qwen 3: ChatML with tools. With tools, the system turn lists them in `<tools>`
/// (after the conversation's system text, or Qwen 2's default); calls are `<tool_call>` JSON lines in
/// the assistant turn, and consecutive tool results share one user turn of `<tool_response>` blocks.
/// Qwen 3 also shows the reasoning of answers after the last user message (`<think>` blocks) and
/// closes an empty one when thinking is turned off.
extension ChatTemplateFamily {
    static func qwen(defaultSystem: String?, name: String) -> ChatTemplateFamily {
        let qwen3 = name == "qwen3"
        let json = PythonJSON(indent: nil)
        // Without tools, the first turn writes the default system text when the conversation has none.
        let system = defaultSystem.map { "{{- if and (not $.Tools) (eq $i 0) (ne .Role \"system\") }}<|im_start|>system\n\($0)<|im_end|>\n{{ end }}" } ?? ""
        let toolsSystem = qwen3
            ? "{{ if $firstSystem }}{{ (index .Messages 0).Content }}\n\n{{ end }}"
            : "{{ if $firstSystem }}{{ (index .Messages 0).Content }}{{ else }}\(defaultSystem ?? ""){{ end }}\n\n"
        // Qwen 3 shows reasoning only after the last user message: of the answer being continued, or
        // of an answer that has some.
        let reasoning = qwen3 ? "{{ if and (gt $i $lastQuery) (or $last .Thinking) }}<think>\n{{ .Thinking }}\n</think>\n\n{{ end }}" : ""
        // The calls: each in a `<tool_call>` block, on its own line. The block's text comes first inside
        // `if .ToolCalls`, where Ollama looks for the tag that starts a call in the model's output.
        let calls = qwen3
            ? "{{ $calls := .ToolCalls }}{{ if and .Content $calls }}\n{{ end }}{{ if .ToolCalls }}{{ range $j, $_ := $calls }}<tool_call>\n"
                + "{\"name\": \"{{ .Function.Name }}\", \"arguments\": \(PythonJSON.compactValue(".Function.Arguments"))}\n</tool_call>"
                + "{{ if ne (len (slice $calls $j)) 1 }}\n{{ end }}{{ end }}{{ end }}"
            : "{{ if .ToolCalls }}{{ range .ToolCalls }}\n<tool_call>\n"
                + "{\"name\": \"{{ .Function.Name }}\", \"arguments\": \(PythonJSON.compactValue(".Function.Arguments"))}\n</tool_call>{{ end }}{{ end }}"
        // Qwen 2 leaves out the newline after the header when a call has no text.
        let assistant = qwen3 ? "<|im_start|>assistant\n\(reasoning){{ .Content }}" : "<|im_start|>assistant{{ if or .Content (not .ToolCalls) }}\n{{ .Content }}{{ end }}"
        let noThinking = qwen3 ? "{{ if and $.IsThinkSet (not $.Think) }}<think>\n\n</think>\n\n{{ end }}" : ""
        // The index of the last user message (Qwen 3's `last_query_index`).
        let lastQuery = qwen3 ? """
            {{- $lastQuery := len .Messages }}
            {{- range $i, $_ := .Messages }}{{ if eq .Role "user" }}{{ $lastQuery = $i }}{{ end }}{{ end }}

            """ : ""
        let template = json.defines + lastQuery + """
            {{- $firstSystem := and (gt (len .Messages) 0) (eq (index .Messages 0).Role "system") }}
            {{- if .Tools }}<|im_start|>system
            \(toolsSystem)# Tools

            You may call one or more functions to assist with the user query.

            You are provided with function signatures within <tools></tools> XML tags:
            <tools>
            {{- range .Tools }}
            {{ template "\(json.toolDefine)" . }}
            {{- end }}
            </tools>

            For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:
            <tool_call>
            {"name": <function-name>, "arguments": <args-json-object>}
            </tool_call><|im_end|>
            {{ end }}
            {{- $previous := "" }}
            {{- range $i, $_ := .Messages }}
            {{- $last := eq (len (slice $.Messages $i)) 1 }}
            \(system)
            {{- if and $.Tools (eq $i 0) (eq .Role "system") }}
            {{- else if eq .Role "tool" }}
            {{- if ne $previous "tool" }}<|im_start|>user{{ end }}
            <tool_response>
            {{ .Content }}
            </tool_response>
            {{- if or $last (ne (index (slice $.Messages $i) 1).Role "tool") }}<|im_end|>
            {{ end }}
            {{- else if eq .Role "assistant" }}\(assistant)\(calls){{ if not $last }}<|im_end|>
            {{ end }}
            {{- else }}<|im_start|>{{ .Role }}
            {{ .Content }}<|im_end|>
            {{ end }}
            {{- if and $last (ne .Role "assistant") }}<|im_start|>assistant
            \(noThinking){{ end }}
            {{- $previous = .Role }}
            {{- end }}
            """
        return ChatTemplateFamily(name: name, template: template, stop: ["<|im_start|>", "<|im_end|>"])
    }
}
