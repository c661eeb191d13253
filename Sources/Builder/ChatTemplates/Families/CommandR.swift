/// Cohere Command-R's plain chat format: `<|START_OF_TURN_TOKEN|>` then a role token (SYSTEM, USER,
/// CHATBOT), the text and `<|END_OF_TURN_TOKEN|>`, with no newlines. The tool-use and RAG variants of
/// its Jinja add long preambles this template does not write.
extension ChatTemplateFamily {
    static let commandR = ChatTemplateFamily(name: "command-r", template: """
        {{- range $i, $_ := .Messages }}
        {{- $last := eq (len (slice $.Messages $i)) 1 }}
        {{- if and (eq .Role "system") (eq $i 0) }}<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>{{ .Content }}<|END_OF_TURN_TOKEN|>
        {{- else if eq .Role "user" }}<|START_OF_TURN_TOKEN|><|USER_TOKEN|>{{ .Content }}<|END_OF_TURN_TOKEN|>
        {{- else if eq .Role "assistant" }}<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>{{ .Content }}{{ if not $last }}<|END_OF_TURN_TOKEN|>{{ end }}
        {{- end }}
        {{- if and $last (ne .Role "assistant") }}<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>{{ end }}
        {{- end }}
        """, stop: ["<|END_OF_TURN_TOKEN|>", "<|START_OF_TURN_TOKEN|>"])
}
