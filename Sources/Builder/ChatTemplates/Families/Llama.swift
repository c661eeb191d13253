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
    /// the current date (3.2's `strftime_now`). With tools, the system turn says `Environment: ipython`
    /// and the first user turn lists the tools as indented JSON before its text; a call is a
    /// `{"name": …, "parameters": …}` answer and a tool result an `ipython` turn holding it as a JSON string.
    static func llama31(jinja: String) -> ChatTemplateFamily {
        var date = "26 Jul 2024"
        if jinja.contains("strftime_now") {
            date = "{{ currentDate }}"
        } else if let m = jinja.range(of: #"date_string = "[^"]*""#, options: .regularExpression) {
            date = String(jinja[m].dropFirst("date_string = \"".count).dropLast())
        }
        let tools = PythonJSON(indent: 4)
        let template = tools.defines + PythonJSON.compactValueDefine + """
            {{- $system := "" }}
            {{- $first := 0 }}
            {{- if and (gt (len .Messages) 0) (eq (index .Messages 0).Role "system") }}{{ $system = (index .Messages 0).Content }}{{ $first = 1 }}{{ end -}}
            <|start_header_id|>system<|end_header_id|>

            {{ if .Tools }}Environment: ipython
            {{ end }}Cutting Knowledge Date: December 2023
            Today Date: \(date)

            {{ $system }}<|eot_id|>
            {{- range $i, $_ := .Messages }}
            {{- $last := eq (len (slice $.Messages $i)) 1 }}
            {{- if lt $i $first }}
            {{- else if and $.Tools (eq $i $first) }}<|start_header_id|>user<|end_header_id|>

            Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.

            Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.Do not use variables.

            {{ range $.Tools }}{{ template "\(tools.toolDefine)" . }}

            {{ end }}{{ .Content }}<|eot_id|>
            {{- else if eq .Role "tool" }}<|start_header_id|>ipython<|end_header_id|>

            {{ printf "%q" .Content }}<|eot_id|>
            {{- else }}<|start_header_id|>{{ .Role }}<|end_header_id|>

            {{ if .ToolCalls }}{{ range .ToolCalls }}{"name": "{{ .Function.Name }}", "parameters": \(PythonJSON.compactValue(".Function.Arguments"))}{{ end }}<|eot_id|>
            {{- else }}{{ .Content }}{{ if or (ne .Role "assistant") (not $last) }}<|eot_id|>{{ end }}{{ end }}
            {{- end }}
            {{- if and $last (ne .Role "assistant") }}<|start_header_id|>assistant<|end_header_id|>

            {{ end }}
            {{- end }}
            """
        return ChatTemplateFamily(name: "llama3", template: template, stop: llama3.stop)
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
