import Foundation

/// The functions Ollama registers on every template (`template/template.go`).
enum OllamaFunctions {
    static let table: [String: TemplateFunction] = {
        func fn(_ fixed: [ArgType], _ variadic: ArgType? = nil,
                _ body: @escaping @Sendable ([Reflected], TemplateOptions) -> String) -> TemplateFunction {
            TemplateFunction(signature: FunctionSignature(fixed: fixed, variadic: variadic), isBuiltin: false) { a, o in
                .success(.plain(.string(body(a, o))))
            }
        }
        return [
            // json.Marshal; errors are ignored and give "".
            "json": fn([.any]) { a, _ in GoJSON.marshal(Builtins.interfaceValue(a[0])) },
            "currentDate": fn([], .string) { _, o in o.fixedToday ?? date(daysAgo: 0) },
            "yesterdayDate": fn([], .string) { _, o in o.fixedYesterday ?? date(daysAgo: 1) },
            "toTypeScriptType": fn([.any]) { a, _ in typeScriptType(Builtins.interfaceValue(a[0])) },
        ]
    }()

    /// Local date as YYYY-MM-DD.
    static func date(daysAgo: Int) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = .current
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date().addingTimeInterval(-86_400 * Double(daysAgo)))
    }

    /// Ollama's `ToolProperty.ToTypeScriptType`; anything that is not a tool property is `any`.
    static func typeScriptType(_ v: TemplateValue) -> String {
        guard case .record(let r) = v, r.typeName == OllamaTypes.toolProperty else { return "any" }
        if case .list(let anyOf)? = r.field("AnyOf")?.value, !anyOf.items.isEmpty {
            return anyOf.items.map(typeScriptType).joined(separator: " | ")
        }
        guard case .list(let types)? = r.field("Type")?.value, !types.items.isEmpty else { return "any" }
        return types.items.map { t -> String in
            guard case .string(let s) = t else { return "any" }
            switch s {
            case "string": return "string"
            case "number", "integer": return "number"
            case "boolean": return "boolean"
            case "array": return "any[]"
            case "object": return "Record<string, any>"
            case "null": return "null"
            default: return "any"
            }
        }.joined(separator: " | ")
    }
}
