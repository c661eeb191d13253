import Foundation

/// Mistral's [INST] formats.
extension ChatTemplateFamily {
    /// Mistral's [INST] format, whose spacing changed between releases: the "[INST]" and "[/INST]"
    /// literals and the space before an answer are read from the Jinja template. The system message leads
    /// the first user turn, or the last one in the v3 templates (`loop.last and system_message`).
    static func mistral(jinja: String) -> ChatTemplateFamily {
        func literal(containing marker: String) -> String? {
            for quote in ["'", "\""] {
                var rest = jinja[...]
                while let m = rest.range(of: marker) {
                    let before = rest[..<m.lowerBound], after = rest[m.upperBound...]
                    if let open = before.lastIndex(where: { "'\"".contains($0) }), String(before[open]) == quote,
                       let close = after.firstIndex(where: { "'\"".contains($0) }), String(after[close]) == quote,
                       !before[before.index(after: open)...].contains("\n") {
                        return String(before[before.index(after: open)...]) + marker + String(after[..<close])
                    }
                    rest = after
                }
            }
            return nil
        }
        let open = literal(containing: "[INST]") ?? "[INST] ", close = literal(containing: "[/INST]") ?? " [/INST]"
        let answerSpace = jinja.range(of: #"['"] ['"]\s*\+\s*(message|content)"#, options: .regularExpression) != nil
        let systemInLast = jinja.contains("loop.last and system_message")
        let systemHere = systemInLast ? "$last" : "(eq $i 1)"
        let tools = literal(containing: "[AVAILABLE_TOOLS]").map { mistralTools(availableTools: $0) }
        return ChatTemplateFamily(name: "mistral", template: (tools?.defines ?? "") + """
            {{- $lastUser := -1 }}
            {{- range $i, $_ := .Messages }}{{ if eq .Role "user" }}{{ $lastUser = $i }}{{ end }}{{ end }}
            {{- range $i, $_ := .Messages }}
            {{- $last := eq (len (slice $.Messages $i)) 1 }}
            {{- if eq .Role "user" }}\(tools?.available ?? "")\(open){{ if and \(systemHere) (eq (index $.Messages 0).Role "system") }}{{ (index $.Messages 0).Content }}

            {{ end }}{{ .Content }}\(close)
            {{- else if eq .Role "assistant" }}\(tools?.calls ?? "")\(answerSpace ? " " : ""){{ .Content }}</s>\(tools == nil ? "" : "{{ end }}")
            {{- else if eq .Role "tool" }}\(tools?.result ?? "")
            {{- end }}
            {{- end }}
            """, stop: ["[INST]", "[/INST]"])
    }

    /// Mistral v0.3's and Nemo's tools, spaced as the Jinja's `[AVAILABLE_TOOLS]` literal is: the tools
    /// before the last user message (name and description as plain text, the parameters as JSON),
    /// calls as one JSON list with the call ids, results as JSON with the content as it is.
    private static func mistralTools(availableTools literal: String) -> (defines: String, available: String, calls: String, result: String) {
        let space = literal.hasSuffix(" [") ? " " : ""
        let json = PythonJSON(indent: nil)
        let tool = "{\"type\": \"function\", \"function\": {\"name\": \"{{ .Function.Name }}\", "
            + "{{ if .Function.Description }}\"description\": \"{{ .Function.Description }}\", {{ end }}"
            + "\"parameters\": {{ template \"\(json.parametersDefine)\" .Function.Parameters }}}}"
        let available = "{{ if and $.Tools (eq $i $lastUser) }}[AVAILABLE_TOOLS]\(space)[{{ range $j, $_ := $.Tools }}{{ if $j }}, {{ end }}\(tool){{ end }}][/AVAILABLE_TOOLS]{{ end }}"
        let calls = "{{ if .ToolCalls }}[TOOL_CALLS]\(space)[{{ range $j, $_ := .ToolCalls }}{{ if $j }}, {{ end }}{\"name\": \"{{ .Function.Name }}\", "
            + "\"arguments\": \(PythonJSON.compactValue(".Function.Arguments")), \"id\": \"{{ .ID }}\"}{{ end }}]</s>{{ else }}"
        let result = "[TOOL_RESULTS]\(space){\"content\": {{ .Content }}, \"call_id\": \"{{ .ToolCallID }}\"}[/TOOL_RESULTS]"
        return (json.defines, available, calls, result)
    }
}

extension ChatTemplateFamily {
    /// Mistral's v7 / tekken format (Mistral Small 3.x, Devstral): a `[SYSTEM_PROMPT]` block first, the
    /// conversation's system message or the long default one the Jinja carries (its date as Ollama's
    /// `currentDate`), then `[INST]…[/INST]answer</s>` with no spaces. Where the Jinja writes calls with
    /// `[CALL_ID]` (Mistral Small 3.2), tools are rendered as it does: `[AVAILABLE_TOOLS]` and their JSON
    /// before the last user message, each call as `[TOOL_CALLS]name[CALL_ID]id[ARGS]arguments`, and a
    /// result as `[TOOL_RESULTS]id[TOOL_CONTENT]content[/TOOL_RESULTS]`.
    static func mistralV7(jinja: String) -> ChatTemplateFamily {
        let defaultSystem = JinjaLiterals.expression(after: "default_system_message =", in: jinja).map(JinjaLiterals.goText)
        let first = "(and (gt (len .Messages) 0) (eq (index .Messages 0).Role \"system\"))"
        let system = defaultSystem.map { "[SYSTEM_PROMPT]{{ if \(first) }}{{ (index .Messages 0).Content }}{{ else }}\($0){{ end }}[/SYSTEM_PROMPT]" }
            ?? "{{- if \(first) }}[SYSTEM_PROMPT]{{ (index .Messages 0).Content }}[/SYSTEM_PROMPT]{{ end }}"
        guard jinja.contains("[CALL_ID]") else {
            return ChatTemplateFamily(name: "mistral-v7", template: system + """
                {{- range $i, $_ := .Messages }}
                {{- $last := eq (len (slice $.Messages $i)) 1 }}
                {{- if and (eq .Role "system") (ne $i 0) }}[SYSTEM_PROMPT]{{ .Content }}[/SYSTEM_PROMPT]
                {{- else if eq .Role "user" }}[INST]{{ .Content }}[/INST]
                {{- else if eq .Role "assistant" }}{{ .Content }}{{ if not $last }}</s>{{ end }}
                {{- end }}
                {{- end }}
                """, stop: mistralV7Stop)
        }
        let json = PythonJSON(indent: nil)
        return ChatTemplateFamily(name: "mistral-v7", template: json.defines + system + """
            {{- $lastUser := -1 }}
            {{- range $i, $_ := .Messages }}{{ if eq .Role "user" }}{{ $lastUser = $i }}{{ end }}{{ end }}
            {{- range $i, $_ := .Messages }}
            {{- $last := eq (len (slice $.Messages $i)) 1 }}
            {{- if and (eq .Role "system") (ne $i 0) }}[SYSTEM_PROMPT]{{ .Content }}[/SYSTEM_PROMPT]
            {{- else if eq .Role "user" }}
            {{- if and $.Tools (eq $i $lastUser) }}[AVAILABLE_TOOLS][{{ range $j, $_ := $.Tools }}{{ if $j }}, {{ end }}{{ template "\(json.toolDefine)" . }}{{ end }}][/AVAILABLE_TOOLS]{{ end -}}
            [INST]{{ .Content }}[/INST]
            {{- else if eq .Role "assistant" }}
            {{- if .ToolCalls }}{{ range .ToolCalls }}[TOOL_CALLS]{{ .Function.Name }}[CALL_ID]{{ .ID }}[ARGS]\(PythonJSON.compactValue(".Function.Arguments")){{ end }}</s>
            {{- else }}{{ .Content }}{{ if not $last }}</s>{{ end }}{{ end }}
            {{- else if eq .Role "tool" }}[TOOL_RESULTS]{{ .ToolCallID }}[TOOL_CONTENT]{{ .Content }}[/TOOL_RESULTS]
            {{- end }}
            {{- end }}
            """, stop: mistralV7Stop)
    }

    private static let mistralV7Stop = ["[INST]", "[/INST]", "[SYSTEM_PROMPT]", "</s>"]
}
