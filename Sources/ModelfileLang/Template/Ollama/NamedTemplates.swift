import Foundation

/// Ollama's named templates (`template/index.json` plus `<name>.gotmpl` and `<name>.json`):
/// a GGUF's Jinja `tokenizer.chat_template` is matched to the nearest known one, as
/// `template.Named` does, so a GGUF imported without TEMPLATE gets Ollama's template and stops.
///
/// The data is Ollama's and is not part of this repository: point `MFC_OLLAMA_TEMPLATES` (or
/// the `directory` argument) at a copy of Ollama's `template/` folder.
public struct NamedTemplates: Sendable {
    /// One entry of `index.json`: a Hugging Face Jinja template and the Ollama template it maps to.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var jinja: String
    }

    /// A detection result: the template's name, its Go template text and its default stops.
    public struct Match: Sendable, Hashable {
        public var name: String
        public var template: String
        public var stop: [String]
        /// Levenshtein distance (in code points) between the GGUF's template and the index entry.
        public var distance: Int
    }

    public let directory: String
    public let entries: [Entry]

    /// Ollama accepts a match only below this distance.
    public static let threshold = 100
    /// The environment variable naming the data folder.
    public static let environmentKey = "MFC_OLLAMA_TEMPLATES"

    /// Loads `index.json` from a copy of Ollama's `template/` folder.
    /// - Throws: `RequestError` when the folder or index is missing or malformed.
    public init(directory: String) throws(RequestError) {
        self.directory = directory
        guard let data = FileManager.default.contents(atPath: directory + "/index.json") else {
            throw RequestError("no named-template index at \(directory)/index.json")
        }
        let index: TemplateValue
        do {
            index = try TemplateValue.decodeJSON(String(decoding: data, as: UTF8.self))
        } catch {
            throw RequestError("\(directory)/index.json: \(error)")
        }
        guard case .list(let items) = index else { throw RequestError("\(directory)/index.json is not a list") }
        entries = items.items.compactMap { item in
            guard let name = item["name"]?.stringValue, let jinja = item["template"]?.stringValue else { return nil }
            return Entry(name: name, jinja: jinja)
        }
    }

    /// The data folder from `MFC_OLLAMA_TEMPLATES`, if set.
    public static func fromEnvironment(_ environment: [String: String]) throws(RequestError) -> NamedTemplates? {
        guard let dir = environment[environmentKey], !dir.isEmpty else { return nil }
        return try NamedTemplates(directory: dir)
    }

    /// Ollama's `template.Named`: the index entry nearest to `chatTemplate` (first on ties),
    /// accepted only when the distance is below 100; with its `.gotmpl` (CRLF → LF) and stops.
    /// - Returns: nil when nothing is close enough.
    public func match(chatTemplate: String) throws(RequestError) -> Match? {
        let target = Array(chatTemplate.unicodeScalars)
        var best: (Int, Entry)?
        for e in entries {
            let bound = min(best?.0 ?? Self.threshold, Self.threshold) - 1   // only strictly better counts
            guard bound >= 0, let d = Self.levenshtein(target, Array(e.jinja.unicodeScalars), atMost: bound) else { continue }
            best = (d, e)
        }
        guard let (distance, entry) = best else { return nil }
        guard let bytes = FileManager.default.contents(atPath: directory + "/" + entry.name + ".gotmpl") else {
            throw RequestError("named template \(entry.name).gotmpl is missing from \(directory)")
        }
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        var stop: [String] = []
        if let p = FileManager.default.contents(atPath: directory + "/" + entry.name + ".json"),
           let v = try? TemplateValue.decodeJSON(String(decoding: p, as: UTF8.self)), case .list(let l)? = v["stop"] {
            stop = l.items.compactMap(\.stringValue)
        }
        return Match(name: entry.name, template: text, stop: stop, distance: distance)
    }

    /// Levenshtein distance over code points, or nil when it exceeds `limit` (banded, O(n·limit)).
    public static func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], atMost limit: Int) -> Int? {
        if abs(a.count - b.count) > limit { return nil }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let big = limit + 1
        var prev = [Int](repeating: big, count: b.count + 1)
        var cur = [Int](repeating: big, count: b.count + 1)
        for j in 0...min(b.count, limit) { prev[j] = j }
        for i in 1...a.count {
            let lo = max(1, i - limit), hi = min(b.count, i + limit)
            // Cells just outside the band must read as "too far".
            cur[lo - 1] = lo == 1 && i <= limit ? i : big
            var rowMin = cur[lo - 1]
            if lo <= hi {
                for j in lo...hi {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    let v = min(prev[j - 1] + cost, prev[j] + 1, cur[j - 1] + 1)
                    cur[j] = min(v, big)
                    rowMin = min(rowMin, cur[j])
                }
            }
            if hi + 1 <= b.count { cur[hi + 1] = big }
            if rowMin > limit { return nil }
            swap(&prev, &cur)
        }
        return prev[b.count] <= limit ? prev[b.count] : nil
    }
}
