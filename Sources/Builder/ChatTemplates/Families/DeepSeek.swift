/// DeepSeek-R1 and its distills (Qwen and Llama based): full-width markers, the system text bare at
/// the start, and the answer opened with `<think>` so the model reasons first. Reasoning of earlier
/// answers is not shown (the Jinja drops it); an answer being continued shows its own, which also
/// marks the tags Ollama reads for thinking. Where the Jinja has a thinking switch, `think: false`
/// closes the reasoning at once.
extension ChatTemplateFamily {
    static func deepSeekR1(jinja: String) -> ChatTemplateFamily {
        let noThinking = jinja.contains("enable_thinking") ? "{{ if and $.IsThinkSet (not $.Think) }}</think>{{ end }}" : ""
        return ChatTemplateFamily(name: "deepseek-r1", template: """
            {{- $system := "" }}
            {{- range .Messages }}{{ if eq .Role "system" }}{{ $system = .Content }}{{ end }}{{ end }}
            {{- $system }}
            {{- range $i, $_ := .Messages }}
            {{- $last := eq (len (slice $.Messages $i)) 1 }}
            {{- if eq .Role "user" }}<｜User｜>{{ .Content }}
            {{- else if eq .Role "assistant" }}<｜Assistant｜>{{ if and $last .Thinking }}<think>
            {{ .Thinking }}
            </think>

            {{ end }}{{ .Content }}{{ if not $last }}<｜end▁of▁sentence｜>{{ end }}
            {{- end }}
            {{- if and $last (ne .Role "assistant") }}<｜Assistant｜><think>
            \(noThinking){{ end }}
            {{- end }}
            """, stop: ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>"])
    }
}
