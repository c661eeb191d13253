import Foundation

/// Llama 3.x (header ids) and Llama 2 ([INST] with <<SYS>>).
extension ChatTemplateFamily {
    static let llama3 = ChatTemplateFamily(name: "llama3", template: """
        {{- range $i, $_ := .Messages }}
        {{- $last := eq (len (slice $.Messages $i)) 1 -}}
        <|start_header_id|>{{ .Role }}<|end_header_id|>

        {{ .Content }}{{ if or (ne .Role "assistant") (not $last) }}<|eot_id|>{{ end }}
        {{- if and $last (ne .Role "assistant") }}<|start_header_id|>assistant<|end_header_id|>

        {{ end }}
        {{- end }}
        """, stop: ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"])

    /// Llama 3.1/3.2/3.3: a system turn always opens the prompt with the knowledge cutoff and a date:
    /// the Jinja's fixed default date, or today's (`currentDate`, ISO format) when the Jinja asks for
    /// the current date (3.2's `strftime_now`).
    static func llama31(jinja: String) -> ChatTemplateFamily {
        var date = "26 Jul 2024"
        if jinja.contains("strftime_now") {
            date = "{{ currentDate }}"
        } else if let m = jinja.range(of: #"date_string = "[^"]*""#, options: .regularExpression) {
            date = String(jinja[m].dropFirst("date_string = \"".count).dropLast())
        }
        return ChatTemplateFamily(name: "llama3", template: """
            {{- range $i, $_ := .Messages }}
            {{- $last := eq (len (slice $.Messages $i)) 1 }}
            {{- if eq $i 0 }}<|start_header_id|>system<|end_header_id|>

            Cutting Knowledge Date: December 2023
            Today Date: \(date)

            {{ if eq .Role "system" }}{{ .Content }}{{ end }}<|eot_id|>
            {{- end }}
            {{- if ne .Role "system" }}<|start_header_id|>{{ .Role }}<|end_header_id|>

            {{ .Content }}{{ if or (ne .Role "assistant") (not $last) }}<|eot_id|>{{ end }}
            {{- end }}
            {{- if and $last (ne .Role "assistant") }}<|start_header_id|>assistant<|end_header_id|>

            {{ end }}
            {{- end }}
            """, stop: llama3.stop)
    }

    /// Llama 2 chat: the system message goes inside the first [INST] between <<SYS>> markers; every
    /// later user turn starts a new sequence with the BOS text.
    static let llama2 = ChatTemplateFamily(name: "llama2", template: """
        {{- range $i, $_ := .Messages }}
        {{- $afterSystem := and (eq $i 1) (eq (index $.Messages 0).Role "system") }}
        {{- if eq .Role "user" }}{{ if not (or (eq $i 0) $afterSystem) }}<s>{{ end }}[INST] {{ if $afterSystem }}<<SYS>>
        {{ (index $.Messages 0).Content }}
        <</SYS>>

        {{ end }}{{ .Content }} [/INST]
        {{- else if eq .Role "assistant" }} {{ .Content }} </s>
        {{- end }}
        {{- end }}
        """, stop: ["[INST]", "[/INST]", "<<SYS>>", "<</SYS>>"])
}
