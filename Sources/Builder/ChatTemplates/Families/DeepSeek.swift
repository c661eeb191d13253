/// DeepSeek-R1 and its distills (Qwen and Llama based): full-width markers, the system text bare at
/// the start, and the answer opened with `<think>` so the model reasons first.
extension ChatTemplateFamily {
    static let deepSeekR1 = ChatTemplateFamily(name: "deepseek-r1", template: """
        {{- $system := "" }}
        {{- range .Messages }}{{ if eq .Role "system" }}{{ $system = .Content }}{{ end }}{{ end }}
        {{- $system }}
        {{- range $i, $_ := .Messages }}
        {{- $last := eq (len (slice $.Messages $i)) 1 }}
        {{- if eq .Role "user" }}<｜User｜>{{ .Content }}
        {{- else if eq .Role "assistant" }}<｜Assistant｜>{{ .Content }}{{ if not $last }}<｜end▁of▁sentence｜>{{ end }}
        {{- end }}
        {{- if and $last (ne .Role "assistant") }}<｜Assistant｜><think>
        {{ end }}
        {{- end }}
        """, stop: ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>"])
}
