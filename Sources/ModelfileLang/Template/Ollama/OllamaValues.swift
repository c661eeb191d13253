import Foundation

/// Ollama's template data as Go values: the records Ollama's `template.Execute` builds
/// (`templateMessage`, `templateToolCall`, `templateTool`, ...), with their Go type names,
/// JSON tags and `String()` methods, so printing and `json` give Ollama's bytes.
enum OllamaValues {
    typealias Field = TemplateRecord.Field

    /// `[]*template.templateMessage`.
    static func messages(_ msgs: [ChatMessage]) -> TemplateValue {
        .list(TemplateList(msgs.map(message), elementType: "*template.templateMessage"))
    }

    static func message(_ m: ChatMessage) -> TemplateValue {
        let images = TemplateList(m.images.map(imageData), elementType: "api.ImageData", isNil: m.images.isEmpty)
        let calls = TemplateList(m.toolCalls.map(toolCall), elementType: "template.templateToolCall", isNil: m.toolCalls.isEmpty)
        return .record(TemplateRecord(typeName: "template.templateMessage", isPointer: true, fields: [
            Field("Role", .string(m.role), goType: "string"),
            Field("Content", .string(m.content), goType: "string"),
            Field("Thinking", .string(m.thinking), goType: "string"),
            Field("Images", .list(images), goType: "[]api.ImageData"),
            Field("ToolCalls", .list(calls), goType: "[]template.templateToolCall"),
            Field("ToolName", .string(m.toolName), goType: "string"),
            Field("ToolCallID", .string(m.toolCallID), goType: "string"),
        ]))
    }

    /// An `api.ImageData` (a `[]byte`): prints as its bytes, marshals as base64.
    static func imageData(_ base64: String) -> TemplateValue {
        let bytes = Data(base64Encoded: base64).map { [UInt8]($0) } ?? Array(base64.utf8)
        return .list(TemplateList(bytes.map { .uint8($0) }, elementType: "uint8", typeName: "api.ImageData"))
    }

    static func toolCall(_ c: ToolCall) -> TemplateValue {
        // `ToMap()` of absent or null arguments is a nil map: `{}` as text, `null` as json.
        var args = TemplateMap([:], typeName: "template.templateArgs", printsAsJSON: true, isNil: true)
        if case .map(let m) = c.arguments {
            args.entries = m.entries
            args.isNil = m.isNil
        }
        let function = TemplateRecord(typeName: "template.templateToolCallFunction", fields: [
            Field("Index", .int(c.index), goType: "int"),
            Field("Name", .string(c.name), goType: "string"),
            Field("Arguments", .map(args), goType: "template.templateArgs"),
        ])
        return .record(TemplateRecord(typeName: "template.templateToolCall", fields: [
            Field("ID", .string(c.id), goType: "string"),
            Field("Function", .record(function), goType: "template.templateToolCallFunction"),
        ]))
    }

    /// `template.templateTools`; nil (prints `null`, is false) when the request has no tools.
    static func tools(_ tools: [Tool]?) -> TemplateValue {
        guard let tools else {
            return .list(TemplateList([], elementType: "template.templateTool", typeName: "template.templateTools",
                                      printsAsJSON: true, isNil: true))
        }
        return .list(TemplateList(tools.map(tool), elementType: "template.templateTool", typeName: "template.templateTools",
                                  printsAsJSON: true))
    }

    static func tool(_ t: Tool) -> TemplateValue {
        // `ToMap()`: a plain Go map (sorted when printed), nil when the tool had no properties.
        let properties = TemplateMap((t.properties?.byName ?? [:]).mapValues(property), elementType: "api.ToolProperty",
                                     typeName: "template.templateProperties", printsAsJSON: true, isNil: t.properties == nil)
        let required = TemplateList((t.required ?? []).map { .string($0) }, elementType: "string", isNil: t.required == nil)
        let parameters = TemplateRecord(typeName: "template.templateToolFunctionParameters", fields: [
            Field("Type", .string(t.parametersType), goType: "string", json: "type"),
            Field("Defs", t.defs ?? .null, goType: "interface {}", json: "$defs", omitEmpty: true),
            Field("Items", t.parametersItems ?? .null, goType: "interface {}", json: "items", omitEmpty: true),
            Field("Required", .list(required), goType: "[]string", json: "required", omitEmpty: true),
            Field("Properties", .map(properties), goType: "template.templateProperties", json: "properties"),
        ])
        let function = TemplateRecord(typeName: "template.templateToolFunction", fields: [
            Field("Name", .string(t.name), goType: "string", json: "name"),
            Field("Description", .string(t.description), goType: "string", json: "description"),
            Field("Parameters", .record(parameters), goType: "template.templateToolFunctionParameters", json: "parameters"),
        ])
        return .record(TemplateRecord(typeName: "template.templateTool", fields: [
            Field("Type", .string(t.type), goType: "string", json: "type"),
            Field("Items", t.items ?? .null, goType: "interface {}", json: "items", omitEmpty: true),
            Field("Function", .record(function), goType: "template.templateToolFunction", json: "function"),
        ], printsAsJSON: true))
    }

    /// `api.ToolProperty` (its `Type` is an `api.PropertyType`: one type marshals as a string).
    static func property(_ p: ToolProperty) -> TemplateValue {
        let anyOf = TemplateList(p.anyOf.map(property), elementType: "api.ToolProperty", isNil: p.anyOf.isEmpty)
        let type = TemplateList(p.type.map { .string($0) }, elementType: "string", typeName: "api.PropertyType", isNil: p.type.isEmpty)
        let enumList = TemplateList(p.enumValues ?? [], isNil: p.enumValues == nil)
        // Nested properties stay an ordered map: json keeps the request's order.
        let props: TemplateValue = p.properties.map {
            var m = TemplateMap($0.byName.mapValues(property), elementType: "api.ToolProperty", typeName: "*api.ToolPropertiesMap")
            m.keyOrder = $0.names
            return .map(m)
        } ?? .null
        let required = TemplateList((p.required ?? []).map { .string($0) }, elementType: "string", isNil: p.required == nil)
        return .record(TemplateRecord(typeName: OllamaTypes.toolProperty, fields: [
            Field("AnyOf", .list(anyOf), goType: "[]api.ToolProperty", json: "anyOf", omitEmpty: true),
            Field("Type", .list(type), goType: "api.PropertyType", json: "type", omitEmpty: true),
            Field("Items", p.items ?? .null, goType: "interface {}", json: "items", omitEmpty: true),
            Field("Description", .string(p.description), goType: "string", json: "description", omitEmpty: true),
            Field("Enum", .list(enumList), goType: "[]interface {}", json: "enum", omitEmpty: true),
            Field("Properties", props, goType: "*api.ToolPropertiesMap", json: "properties", omitEmpty: true),
            Field("Required", .list(required), goType: "[]string", json: "required", omitEmpty: true),
        ]))
    }
}
