import Foundation

/// Go's `json.Marshal` of template values (the template `json` function and Ollama's JSON
/// `String()` methods): the value as Go's reflection would present it to `encoding/json`, written
/// by `JSONValue.goJSON`.
public enum GoJSON {
    /// `json.Marshal(v)` as a string.
    /// Go fails on what JSON cannot hold (a complex number, NaN, an infinity) and Ollama's `json`
    /// ignores the error: the result is then empty.
    public static func marshal(_ v: TemplateValue) -> String {
        guard let json = jsonValue(v) else { return "" }
        return String(decoding: json.goJSON(GoJSONWriter(escapeHTML: true, bytesMarkers: true)), as: UTF8.self)
    }

    /// What a value's `String()` method returns, for Ollama's types that print as JSON; nil otherwise.
    static func stringerText(_ v: TemplateValue) -> String? {
        switch v {
        case .list(let l) where l.typeName == "api.PropertyType":
            // PropertyType.String(): "" for none, the type for one, "[a b]" for several.
            if l.items.count <= 1 { return l.items.first?.stringValue ?? "" }
            return "[" + l.items.compactMap(\.stringValue).joined(separator: " ") + "]"
        case .list(let l) where l.printsAsJSON: return marshal(v)
        case .map(let m) where m.printsAsJSON: return m.isNil ? "{}" : marshal(v)
        case .record(let r) where r.printsAsJSON: return marshal(v)
        default: return nil
        }
    }

    /// The JSON value `json.Marshal` sees for a template value: maps sorted by key (or in their
    /// recorded order, for Ollama's ordered maps), structs by field with their tags, a `[]byte`
    /// as base64. Nil when Go's encoder would fail.
    static func jsonValue(_ v: TemplateValue) -> JSONValue? {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let n): return .int(n)
        case .uint8(let b): return .int(Int(b))
        case .float(let d): return d.isFinite ? .float64(d) : nil
        case .complex: return nil
        case .string(let s): return .string(s)
        case .list(let l):
            if l.isNil { return .null }
            if l.typeName == "api.ImageData" {   // a []byte marshals as base64
                let bytes = l.items.map { v -> UInt8 in if case .uint8(let b) = v { return b }; return 0 }
                return .string(Data(bytes).base64EncodedString())
            }
            if l.typeName == "api.PropertyType", l.items.count == 1 {   // its MarshalJSON: one type is a plain string
                return jsonValue(l.items[l.items.startIndex])
            }
            var items: [JSONValue] = []
            for e in l.items {
                guard let j = jsonValue(e) else { return nil }
                items.append(j)
            }
            return .array(items)
        case .map(let m):
            if m.isNil { return .null }
            var members: [(String, JSONValue)] = []
            for k in m.orderedKeys {
                guard let j = jsonValue(m.entries[k] ?? .null) else { return nil }
                members.append((k, j))
            }
            return .object(members)
        case .record(let r):
            var members: [(String, JSONValue)] = []
            // omitempty leaves out a pointer only when it is nil.
            for f in r.fields where !(f.omitEmpty && (f.goType.hasPrefix("*") ? f.value == .null : isEmpty(f.value))) {
                guard let j = jsonValue(f.value) else { return nil }
                members.append((f.jsonName ?? f.name, j))
            }
            return .object(members)
        }
    }

    /// encoding/json's `isEmptyValue` for `omitempty`.
    static func isEmpty(_ v: TemplateValue) -> Bool {
        switch v {
        case .null: return true
        case .bool(let b): return !b
        case .int(let n): return n == 0
        case .uint8(let b): return b == 0
        case .float(let d): return d == 0
        case .complex(let re, let im): return re == 0 && im == 0
        case .string(let s): return s.isEmpty
        case .list(let l): return l.items.isEmpty
        case .map(let m): return m.entries.isEmpty
        case .record: return false
        }
    }
}
