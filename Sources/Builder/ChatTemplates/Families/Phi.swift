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
