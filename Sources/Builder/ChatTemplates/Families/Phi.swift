import Foundation

/// Phi-3/3.5 (`<|user|>`, `<|end|>`).
extension ChatTemplateFamily {
    static let phi3 = ChatTemplateFamily(name: "phi3", template: """
        {{- range $i, $_ := .Messages }}
        {{- $last := eq (len (slice $.Messages $i)) 1 }}
        {{- if and (eq .Role "system") .Content }}<|system|>
        {{ .Content }}<|end|>
        {{ else if eq .Role "user" }}<|user|>
        {{ .Content }}<|end|>
        {{ else if eq .Role "assistant" }}<|assistant|>
        {{ .Content }}{{ if not $last }}<|end|>
        {{ end }}
        {{- end }}
        {{- if and $last (ne .Role "assistant") }}<|assistant|>
        {{ end }}
        {{- end }}
        """, stop: ["<|end|>", "<|user|>", "<|assistant|>"])
}

extension ChatTemplateFamily {
    /// Phi-4: ChatML's markers with `<|im_sep|>` after the role and no newlines.
    static let phi4 = ChatTemplateFamily(name: "phi4", template: """
        {{- range $i, $_ := .Messages }}
        {{- $last := eq (len (slice $.Messages $i)) 1 }}
        {{- if or (eq .Role "system") (eq .Role "user") }}<|im_start|>{{ .Role }}<|im_sep|>{{ .Content }}<|im_end|>
        {{- else if eq .Role "assistant" }}<|im_start|>assistant<|im_sep|>{{ .Content }}{{ if not $last }}<|im_end|>{{ end }}
        {{- end }}
        {{- if and $last (ne .Role "assistant") }}<|im_start|>assistant<|im_sep|>{{ end }}
        {{- end }}
        """, stop: ["<|im_start|>", "<|im_end|>", "<|im_sep|>"])
}
