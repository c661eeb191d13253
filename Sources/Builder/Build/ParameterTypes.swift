import ModelfileLang

/// Types PARAMETER values with the front end's parameter table (ModelfileLang `Parameters`).
enum ParameterTable {
    /// Types PARAMETER lines the way Ollama's `api.FormatParams` does. Lists accumulate; for
    /// scalars the last value wins. Returns the typed values and warnings for deprecated names.
    static func typed(_ parameters: [BuildInput.Parameter]) throws(StoreError) -> (values: [String: JSONValue], warnings: [String]) {
        var values: [String: JSONValue] = [:]
        var warnings: [String] = []
        for p in parameters {
            if Parameters.deprecated.contains(p.name) { warnings.append("parameter \(p.name) is deprecated"); continue }
            guard let kind = Parameters.table[p.name]?.type else { throw StoreError("unknown parameter '\(p.name)'") }
            switch kind {
            case .int:
                guard let v = parseGoInt(p.value) else { throw StoreError("invalid int value [\(p.value)]") }
                values[p.name] = .int(Int(v))
            case .float:
                guard let v = Float(p.value), v.isFinite else { throw StoreError("invalid float value [\(p.value)]") }
                values[p.name] = .float32(v)
            case .bool:
                guard let v = parseGoBool(p.value) else { throw StoreError("invalid bool value [\(p.value)]") }
                values[p.name] = .bool(v)
            case .stringList:
                var list = values[p.name]?.arrayValue ?? []
                list.append(.string(p.value))
                values[p.name] = .array(list)
            }
        }
        return (values, warnings)
    }

    /// `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits only.
    static func parseGoInt(_ s: String) -> Int64? {
        guard let first = s.utf8.first, first != UInt8(ascii: "+") || s.count > 1 else { return nil }
        return Int64(s)
    }

    /// `strconv.ParseBool`.
    static func parseGoBool(_ s: String) -> Bool? {
        switch s {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }
}
