import Foundation

/// ChatML (`<|im_start|>role\ncontent<|im_end|>`): plain ChatML, SmolLM, Qwen 2/2.5/3, QwQ.
extension ChatTemplateFamily {
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

    /// Which ChatML model wrote the Jinja: Qwen 2/2.5 (a default system naming Qwen), QwQ (the
    /// answer opens with `<think>`), Qwen 3 (thinking switch, no default system) or plain ChatML.
    static func chatMLVariant(jinja: String) -> ChatTemplateFamily {
        let system = chatMLDefaultSystem(jinja)
        if jinja.contains(#"'<|im_start|>assistant\n<think>\n'"#) { return chatML(defaultSystem: system, name: "qwq", answerPrefix: "<think>\n") }
        if system?.contains("Qwen") == true { return qwen(defaultSystem: system, name: "qwen2") }
        if jinja.contains("enable_thinking") { return qwen(defaultSystem: system, name: "qwen3") }
        return chatML(defaultSystem: system, name: "chatml")
    }

    /// ChatML (`<|im_start|>role\ncontent<|im_end|>\n`), with the system message the model's template
    /// adds when there is none.
    /// - Parameters:
    ///   - defaultSystem: the system message the Jinja writes when the conversation has none.
    ///   - answerPrefix: text the Jinja writes after the assistant header of the answer (QwQ's `<think>`).
    static func chatML(defaultSystem: String?, name: String, answerPrefix: String = "") -> ChatTemplateFamily {
        let system = defaultSystem.map { "{{- if and (eq $i 0) (ne .Role \"system\") }}<|im_start|>system\n\($0)<|im_end|>\n{{ end }}" } ?? "{{- \"\" }}"
        return ChatTemplateFamily(name: name, template: """
            {{- range $i, $_ := .Messages }}
            {{- $last := eq (len (slice $.Messages $i)) 1 }}
            \(system)<|im_start|>{{ .Role }}
            {{ .Content }}{{ if or (ne .Role "assistant") (not $last) }}<|im_end|>
            {{ end }}
            {{- if and $last (ne .Role "assistant") }}<|im_start|>assistant
            \(answerPrefix){{ end }}
            {{- end }}
            """, stop: ["<|im_start|>", "<|im_end|>"])
    }
}
