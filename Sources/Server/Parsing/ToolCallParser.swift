import ModelfileLang

/// One tool call found in a model's output.
package struct ParsedToolCall: Sendable, Equatable {
    /// The position of the call among those of the answer (Ollama's `function.index`).
    package var index: Int
    package var name: String
    /// A JSON object.
    package var arguments: JSONValue

    package init(index: Int, name: String, arguments: JSONValue) {
        self.index = index
        self.name = name
        self.arguments = arguments
    }
}

/// Finds tool calls in generated text as it streams, as Ollama's `tools.Parser` does: text before
/// the template's tool-call tag (`<tool_call>`, `[TOOL_CALLS]`, or `{` when the template shows none)
/// is content; after the tag, each call is the first tool name the request offered followed by the
/// first complete JSON object, whose `arguments` (or `parameters`, or a member named after the tool)
/// are the call's arguments. With a `{` or `[` tag, only an answer that starts with it is parsed,
/// and parsing ends at its closing bracket. Text that may still turn into a tag or a name is held back.
package struct ToolCallParser: Sendable {
    private enum State { case lookingForTag, calling, done }

    package let tag: String
    private let names: [String]
    private var state = State.lookingForTag
    private var buffer: [UInt8] = []
    private var count = 0

    /// - Parameters:
    ///   - tag: the template's tool-call tag (`PromptTemplate.toolCallTag`).
    ///   - toolNames: the names of the request's tools.
    package init(tag: String, toolNames: [String]) {
        self.tag = tag
        self.names = toolNames
    }

    private var jsonTag: Bool { tag == "{" || tag == "[" }

    /// Takes the next piece of output; returns the calls completed by it and the text to show as content.
    package mutating func add(_ piece: String) -> (calls: [ParsedToolCall], content: String) {
        if state == .done { return ([], piece) }
        buffer += Array(piece.utf8)
        var content = ""
        if state == .lookingForTag {
            let (start, found) = findTag()
            let cut = start ?? buffer.count
            content = String(decoding: buffer[..<cut], as: UTF8.self)
            buffer.removeSubrange(..<cut)
            // With a bare `{`/`[` tag, only an answer that starts with the bracket is a call.
            if jsonTag && !content.allSatisfy(\.isWhitespace) {
                state = .done
                defer { buffer = [] }
                return ([], content + String(decoding: buffer, as: UTF8.self))
            }
            if !found { return ([], content) }
            state = .calling
        }
        var calls: [ParsedToolCall] = []
        while let call = nextCall() { calls.append(call) }
        if jsonTag && closed() {
            state = .done
            content += String(decoding: buffer, as: UTF8.self)
            buffer = []
        }
        return (calls, content)
    }

    /// What is left to show as content when the output ends: the held text of an answer that turned
    /// out not to be a call (only with a `{`/`[` tag, and only if no call was found).
    package var remainder: String {
        count == 0 && jsonTag ? String(decoding: buffer, as: UTF8.self) : ""
    }

    /// Where the tag starts in the buffer and whether it is all there; a partial tag at the end
    /// gives its start and false; nil when there is none.
    private func findTag() -> (Int?, Bool) {
        let t = Array(tag.utf8)
        if let i = Self.index(of: t, in: buffer[...]) { return (i, true) }
        for n in stride(from: min(buffer.count, t.count), to: 0, by: -1) where buffer.suffix(n).elementsEqual(t.prefix(n)) {
            return (buffer.count - n, false)
        }
        return (nil, false)
    }

    /// The next complete call in the buffer, which then drops what the call used.
    private mutating func nextCall() -> ParsedToolCall? {
        guard let (name, nameEnd) = findName(), let (arguments, objectEnd) = findArguments(name) else { return nil }
        let call = ParsedToolCall(index: count, name: name, arguments: arguments)
        count += 1
        buffer.removeSubrange(..<max(nameEnd, objectEnd))
        return call
    }

    /// The tool name that occurs first in the buffer (the longest at one place), and where it ends;
    /// nil while the buffer ends with the beginning of a longer name.
    private func findName() -> (String, Int)? {
        guard !buffer.isEmpty else { return nil }
        let longest = names.map(\.utf8.count).max() ?? 0
        for n in stride(from: 1, through: min(buffer.count, longest), by: 1) {
            let tail = buffer.suffix(n)
            if names.contains(where: { $0.utf8.count > n && $0.utf8.starts(with: tail) }) { return nil }
        }
        var best: (name: String, start: Int)?
        for name in names where !name.isEmpty {
            guard let start = Self.index(of: Array(name.utf8), in: buffer[...]) else { continue }
            if let b = best, start > b.start || (start == b.start && name.utf8.count <= b.name.utf8.count) { continue }
            best = (name, start)
        }
        return best.map { ($0.name, $0.start + $0.name.utf8.count) }
    }

    /// The arguments in the first complete JSON object of the buffer, and the offset of its closing
    /// brace. An object with a `name` gives its `arguments` or `parameters` (an object, or a string
    /// holding one) or nothing; otherwise a member named after the tool, one found in a nested object,
    /// or the whole object.
    private func findArguments(_ tool: String) -> (JSONValue, Int)? {
        var depth = 0, start: Int?, inString = false, escaped = false
        for (i, c) in buffer.enumerated() {
            if escaped { escaped = false; continue }
            if c == UInt8(ascii: "\\") { escaped = true; continue }
            if c == UInt8(ascii: "\"") { inString.toggle(); continue }
            if inString { continue }
            if c == UInt8(ascii: "{") {
                if depth == 0 { start = i }
                depth += 1
            } else if c == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0, let s = start {
                    guard let object = try? JSONValue.parse(Array(buffer[s...i])), object.objectValue != nil else {
                        start = nil
                        continue
                    }
                    switch Self.arguments(in: object, tool: tool) {
                    case .found(let args): return (args, i)
                    case .named: return nil
                    case .none: return (object, i)
                    }
                }
                depth = max(depth, 0)
            }
        }
        return nil
    }

    private enum Search { case found(JSONValue), named, none }

    private static func arguments(in object: JSONValue, tool: String) -> Search {
        func member(_ key: String) -> JSONValue? {
            switch object[key] {
            case let v? where v.objectValue != nil: return v
            case .string(let s)?: return (try? JSONValue.parse(s)).flatMap { $0.objectValue != nil ? $0 : nil }
            default: return nil
            }
        }
        if object["name"] != nil {
            if let a = member("arguments") ?? member("parameters") { return .found(a) }
            return .named
        }
        if let a = member(tool) { return .found(a) }
        for (_, child) in object.objectValue ?? [] {
            let objects = child.objectValue != nil ? [child] : (child.arrayValue ?? []).filter { $0.objectValue != nil }
            for o in objects {
                switch arguments(in: o, tool: tool) {
                case .found(let a): return .found(a)
                case .named: return .named
                case .none: continue
                }
            }
        }
        return .none
    }

    /// With a `{`/`[` tag: whether the buffer holds the bracket's whole value.
    private func closed() -> Bool {
        let (open, close) = tag == "{" ? (UInt8(ascii: "{"), UInt8(ascii: "}")) : (UInt8(ascii: "["), UInt8(ascii: "]"))
        var depth = 0, inString = false, escaped = false
        for c in buffer {
            if escaped { escaped = false; continue }
            if c == UInt8(ascii: "\\") { escaped = true; continue }
            if c == UInt8(ascii: "\"") { inString.toggle(); continue }
            if inString { continue }
            if c == open { depth += 1 } else if c == close {
                depth -= 1
                if depth == 0 { return true }
            }
        }
        return false
    }

    private static func index(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        for i in haystack.startIndex...(haystack.endIndex - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }
}
