import Foundation

/// Gemma 1/2/3 (`<start_of_turn>`).
extension ChatTemplateFamily {
    /// Gemma: "model" for the assistant; a system message leads the first user turn (Gemma 3).
    static let gemma = ChatTemplateFamily(name: "gemma", template: """
        {{- range $i, $_ := .Messages }}
        {{- $last := eq (len (slice $.Messages $i)) 1 }}
        {{- if eq .Role "user" }}<start_of_turn>user
        {{ if and (eq $i 1) (eq (index $.Messages 0).Role "system") }}{{ (index $.Messages 0).Content }}

        {{ end }}{{ .Content }}<end_of_turn>
        {{ else if eq .Role "assistant" }}<start_of_turn>model
        {{ .Content }}{{ if not $last }}<end_of_turn>
        {{ end }}
        {{- end }}
        {{- if and $last (ne .Role "assistant") }}<start_of_turn>model
        {{ end }}
        {{- end }}
        """, stop: ["<start_of_turn>", "<end_of_turn>"])
}
