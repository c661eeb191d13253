// Interim: a small Modelfile reader so `mfc build` works before the front end's parser lands on
// main. It follows the spec's quoting rules (modelfile.md §2) for well-formed files; error
// reporting is minimal. Once ModelfileLang's parser is merged, `BuildInput` is made from its AST
// and this file is deleted.

enum InterimModelfileReader {
    static let commands: Set<String> = [
        "from", "license", "template", "system", "adapter", "draft", "renderer", "parser", "parameter", "message", "requires",
    ]

    static func read(_ text: String, directory: String) throws(StoreError) -> BuildInput {
        var input = BuildInput(directory: directory)
        // Keep line-break characters: `\r` and `\n` each end a line.
        var lines: [Substring] = []
        var start = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex {
            if scalars[i] == "\n" || scalars[i] == "\r" {
                lines.append(Substring(scalars[start...i]))
                start = scalars.index(after: i)
            }
            i = scalars.index(after: i)
        }
        if start < scalars.endIndex { lines.append(Substring(scalars[start...])) }

        var n = 0
        while n < lines.count {
            let lineNumber = n + 1
            var line = lines[n].drop { $0 == " " || $0 == "\t" }
            n += 1
            if line.allSatisfy({ $0 == "\n" || $0 == "\r" }) || line.first == "#" { continue }
            let word = line.prefix { $0.isASCII && $0.isLetter }
            line = line.dropFirst(word.count)
            guard commands.contains(word.lowercased()), line.first == " " || line.first == "\t" else {
                throw StoreError("(line \(lineNumber)): command must be one of \"from\", \"license\", \"template\", \"system\", \"adapter\", \"draft\", \"renderer\", \"parser\", \"parameter\", \"message\", or \"requires\"")
            }
            line = line.dropFirst()
            var head = ""
            let command = word.lowercased()
            if command == "parameter" || command == "message" {
                let name = line.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                line = line.dropFirst(name.count)
                guard line.first == " " || line.first == "\t" else { throw StoreError("unexpected EOF: \(name)") }
                line = line.dropFirst()
                head = String(name)
            }
            var buffer = String(line)
            var value: String
            while true {
                let trimmed = trimBreaks(buffer)
                if let v = unquote(trimmed) { value = v; break }
                guard n < lines.count else { throw StoreError("unexpected EOF") }
                buffer += lines[n]
                n += 1
            }
            switch command {
            case "from": input.from.append(value)
            case "license": input.licenses.append(value)
            case "template": input.template = value
            case "system": input.system = value
            case "adapter": input.adapters = [value]
            case "draft": input.draft = value
            case "renderer": input.renderer = value
            case "parser": input.parser = value
            case "requires": input.requires = value.hasPrefix("v") ? String(value.dropFirst()) : value
            case "parameter": input.parameters.append(.init(name: head, value: value))
            default:
                guard ["system", "user", "assistant"].contains(head) else {
                    throw StoreError("(line \(lineNumber)): message role must be one of \"system\", \"user\", or \"assistant\"")
                }
                input.messages.append(.init(role: head, content: value))
            }
        }
        guard !input.from.isEmpty else { throw StoreError("no FROM line") }
        return input
    }

    /// Unicode TrimSpace of the collected text (line breaks included).
    static func trimBreaks(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    /// nil while a quoted value is still open.
    static func unquote(_ s: String) -> String? {
        let u = Array(s.unicodeScalars)
        if s.hasPrefix("\"\"\"") {
            guard u.count >= 6, s.hasSuffix("\"\"\"") else { return nil }
            return String(String.UnicodeScalarView(u[3..<(u.count - 3)]))
        }
        if s.hasPrefix("\"") {
            guard u.count >= 2, s.hasSuffix("\"") else { return nil }
            return String(String.UnicodeScalarView(u[1..<(u.count - 1)]))
        }
        return s
    }
}
