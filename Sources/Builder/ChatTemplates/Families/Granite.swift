/// IBM Granite 3.x: `<|start_of_role|>role<|end_of_role|>content<|end_of_text|>`, with the default
/// system prompt the Jinja writes when the conversation has none (knowledge cutoff, today's date as
/// Ollama's `currentDate`, and the plain-chat sentence of its no-tools branch).
extension ChatTemplateFamily {
    static func granite(jinja: String) -> ChatTemplateFamily {
        var defaultSystem = ""
        if let head = JinjaLiterals.expression(after: "set system_message =", in: jinja) {
            defaultSystem = JinjaLiterals.goText(head)
        }
        // The sentence of the branch without tools or documents: the last addition before the citation controls.
        let beforeControls = jinja.components(separatedBy: "'citations'").first ?? jinja
        if let r = beforeControls.range(of: "set system_message = system_message +", options: .backwards),
           let tail = JinjaLiterals.expression(after: "set system_message = system_message +", in: String(beforeControls[r.lowerBound...])) {
            defaultSystem += JinjaLiterals.goText(tail)
        }
        let system = defaultSystem.isEmpty ? "" : """
            {{- if or (eq (len .Messages) 0) (ne (index .Messages 0).Role "system") }}<|start_of_role|>system<|end_of_role|>\(defaultSystem)<|end_of_text|>
            {{ end }}
            """
        return ChatTemplateFamily(name: "granite", template: system + """
            {{- range $i, $_ := .Messages }}
            {{- $last := eq (len (slice $.Messages $i)) 1 -}}
            <|start_of_role|>{{ .Role }}<|end_of_role|>{{ .Content }}{{ if or (ne .Role "assistant") (not $last) }}<|end_of_text|>
            {{ end }}
            {{- if and $last (ne .Role "assistant") }}<|start_of_role|>assistant<|end_of_role|>{{ end }}
            {{- end }}
            """, stop: ["<|end_of_text|>", "<|start_of_role|>"])
    }
}
