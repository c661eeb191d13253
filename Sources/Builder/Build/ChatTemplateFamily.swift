import Foundation

/// mfc's own Go templates for the chat formats most checkpoints use, chosen from distinctive
/// markers of a model's Jinja `chat_template`. Ollama maps Jinja templates to its named templates,
/// whose data mfc does not ship; these give an import a working TEMPLATE and stop words anyway.
///
/// Each template renders what transformers renders from the family's real Jinja template with
/// add_generation_prompt (Tests/Fixtures/templates/families), minus the leading BOS that the runtime
/// adds as a token. Like Ollama's templates, a conversation that ends with an assistant message is left
/// open for the model to continue; Jinja's `trim` of message contents is not reproduced.
package struct ChatTemplateFamily: Sendable, Equatable {
    /// "chatml", "qwen2", "llama3", "llama2", "mistral", "gemma" or "phi3".
    package let name: String
    /// The Go template text.
    package let template: String
    /// The family's stop words.
    package let stop: [String]

    /// The family of a Jinja chat template, or nil when no marker is known.
    package static func detect(jinja: String) -> ChatTemplateFamily? {
        if jinja.contains("<|start_header_id|>") { return jinja.contains("Cutting Knowledge Date") ? llama31(jinja: jinja) : llama3 }
        if jinja.contains("<start_of_turn>") { return gemma }
        if jinja.contains("<|im_start|>") {
            let system = chatMLDefaultSystem(jinja)
            return chatML(defaultSystem: system, name: system?.contains("Qwen") == true ? "qwen2" : "chatml")
        }
        if jinja.contains("<|user|>") && jinja.contains("<|end|>") { return phi3 }
        if jinja.contains("[INST]") { return jinja.contains("<<SYS>>") ? llama2 : mistral(jinja: jinja) }
        return nil
    }

    /// The Jinja chat template of a Hugging Face folder, as an import reads it.
    package static func jinja(inCheckpoint directory: String) -> String? {
        let config = (try? HFCheckpoint.json(directory + "/tokenizer_config.json", required: false)) ?? .null
        return HFTokenizerMetadata.chatTemplate(directory: directory, tokenizerConfig: config)
    }

    /// The system message a ChatML template writes when the conversation has none (Qwen's "You are
    /// Qwen…", SmolLM's "You are a helpful AI assistant named SmolLM…"): the literal text between
    /// "<|im_start|>system" and "<|im_end|>" in a Jinja string, when it holds no Jinja at all.
    static func chatMLDefaultSystem(_ jinja: String) -> String? {
        var rest = jinja[...]
        while let start = rest.range(of: "<|im_start|>system") {
            rest = rest[start.upperBound...]
            guard let end = rest.range(of: "<|im_end|>") else { return nil }
            var text = String(rest[..<end.lowerBound])
            if text.hasPrefix("\\n") { text.removeFirst(2) } else if text.hasPrefix("\n") { text.removeFirst() } else { continue }
            text = text.replacingOccurrences(of: "\\n", with: "\n")
            if !text.isEmpty, !text.contains(where: { "{}'\"+\\".contains($0) }) { return text }
        }
        return nil
    }

    /// ChatML (`<|im_start|>role\ncontent<|im_end|>\n`), with the system message the model's template
    /// adds when there is none.
    static func chatML(defaultSystem: String?, name: String) -> ChatTemplateFamily {
        let system = defaultSystem.map { "{{- if and (eq $i 0) (ne .Role \"system\") }}<|im_start|>system\n\($0)<|im_end|>\n{{ end }}" } ?? "{{- \"\" }}"
        return ChatTemplateFamily(name: name, template: """
            {{- range $i, $_ := .Messages }}
            {{- $last := eq (len (slice $.Messages $i)) 1 }}
            \(system)<|im_start|>{{ .Role }}
            {{ .Content }}{{ if or (ne .Role "assistant") (not $last) }}<|im_end|>
            {{ end }}
            {{- if and $last (ne .Role "assistant") }}<|im_start|>assistant
            {{ end }}
            {{- end }}
            """, stop: ["<|im_start|>", "<|im_end|>"])
    }

    static let llama3 = ChatTemplateFamily(name: "llama3", template: """
        {{- range $i, $_ := .Messages }}
        {{- $last := eq (len (slice $.Messages $i)) 1 -}}
        <|start_header_id|>{{ .Role }}<|end_header_id|>

        {{ .Content }}{{ if or (ne .Role "assistant") (not $last) }}<|eot_id|>{{ end }}
        {{- if and $last (ne .Role "assistant") }}<|start_header_id|>assistant<|end_header_id|>

        {{ end }}
        {{- end }}
        """, stop: ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"])

    /// Llama 3.1: a system turn always opens the prompt with the knowledge cutoff and the Jinja's
    /// default date (what transformers renders when it passes no date_string).
    static func llama31(jinja: String) -> ChatTemplateFamily {
        var date = "26 Jul 2024"
        if let m = jinja.range(of: #"date_string = "[^"]*""#, options: .regularExpression) {
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
        return ChatTemplateFamily(name: "mistral", template: """
            {{- range $i, $_ := .Messages }}
            {{- $last := eq (len (slice $.Messages $i)) 1 }}
            {{- if eq .Role "user" }}\(open){{ if and \(systemHere) (eq (index $.Messages 0).Role "system") }}{{ (index $.Messages 0).Content }}

            {{ end }}{{ .Content }}\(close)
            {{- else if eq .Role "assistant" }}\(answerSpace ? " " : ""){{ .Content }}</s>
            {{- end }}
            {{- end }}
            """, stop: ["[INST]", "[/INST]"])
    }

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
