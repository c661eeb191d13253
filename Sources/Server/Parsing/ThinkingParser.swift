/// Splits a model's streamed output into reasoning and answer at the template's thinking tags
/// (`<think>` … `</think>`), as Ollama's `thinking.Parser` does: reasoning starts only with an
/// opening tag at the very beginning (after blanks), blanks after either tag are dropped, and text
/// that may be the start of a tag is held back until the next piece tells.
package struct ThinkingParser: Sendable {
    private enum State { case lookingForOpening, thinkingStarted, thinking, thinkingEnded, answering }

    package let opening: String
    package let closing: String
    private var state = State.lookingForOpening
    private var held = ""

    package init(opening: String, closing: String) {
        self.opening = opening
        self.closing = closing
    }

    /// Takes the next piece of output; returns the reasoning and the answer text it completes.
    package mutating func add(_ piece: String) -> (thinking: String, content: String) {
        held += piece
        var thinking = "", content = ""
        while let (t, c, more) = step() {
            thinking += t
            content += c
            if !more { break }
        }
        return (thinking, content)
    }

    /// One state transition over the held text: reasoning, answer, and whether to go on.
    private mutating func step() -> (String, String, Bool)? {
        switch state {
        case .lookingForOpening:
            let trimmed = Self.trimLeadingSpace(held)
            if trimmed.hasPrefix(opening) {
                let after = Self.trimLeadingSpace(String(trimmed.dropFirst(opening.count)))
                held = after
                state = after.isEmpty ? .thinkingStarted : .thinking
                return ("", "", true)
            }
            if opening.hasPrefix(trimmed) { return nil }   // a partial tag or only blanks so far
            state = .answering
            defer { held = "" }
            return ("", held, false)   // no reasoning: the text is kept as it came
        case .thinkingStarted:
            let trimmed = Self.trimLeadingSpace(held)
            held = ""
            guard !trimmed.isEmpty else { return nil }
            state = .thinking
            held = trimmed
            return ("", "", true)
        case .thinking:
            if let r = held.range(of: closing) {
                let thinking = String(held[..<r.lowerBound])
                let rest = Self.trimLeadingSpace(String(held[r.upperBound...]))
                held = ""
                state = rest.isEmpty ? .thinkingEnded : .answering
                return (thinking, rest, false)
            }
            let overlap = Self.overlap(held, closing)
            let thinking = String(held.dropLast(overlap))
            held = String(held.suffix(overlap))
            return (thinking, "", false)
        case .thinkingEnded:
            let trimmed = Self.trimLeadingSpace(held)
            held = ""
            if !trimmed.isEmpty { state = .answering }
            return ("", trimmed, false)
        case .answering:
            defer { held = "" }
            return ("", held, false)
        }
    }

    /// The longest end of `s` that begins `tag`, in characters.
    private static func overlap(_ s: String, _ tag: String) -> Int {
        for n in stride(from: min(s.count, tag.count), to: 0, by: -1) where s.hasSuffix(String(tag.prefix(n))) { return n }
        return 0
    }

    private static func trimLeadingSpace(_ s: String) -> String {
        String(s.unicodeScalars.drop(while: \.properties.isWhitespace))
    }
}
