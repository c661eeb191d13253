import ModelfileLang
import Foundation

/// The config blob (`model.ConfigV2`, package spec §4), fields in Go's order.
package struct ModelConfig: Sendable, Equatable {
    package var modelFormat = "gguf"
    package var modelFamily = ""
    package var modelFamilies: [String] = []
    package var modelType = ""
    package var fileType = ""
    package var renderer = ""
    package var parser = ""
    package var requires = ""
    package var remoteHost = ""
    package var remoteModel = ""
    package var capabilities: [String] = []
    package var contextLength = 0
    package var embeddingLength = 0
    package var baseName = ""
    /// The `draft` object as read, kept verbatim when inherited.
    package var draft: JSONValue? = nil

    package init() {}

    /// The exact blob bytes (Go's json.Encoder, trailing newline).
    package var encoded: [UInt8] {
        var m: [(String, JSONValue)] = [
            ("model_format", .string(modelFormat)),
            ("model_family", .string(modelFamily)),
            ("model_families", modelFamilies.isEmpty ? .null : .array(modelFamilies.map { .string($0) })),
            ("model_type", .string(modelType)),
            ("file_type", .string(fileType)),
        ]
        if !renderer.isEmpty { m.append(("renderer", .string(renderer))) }
        if !parser.isEmpty { m.append(("parser", .string(parser))) }
        if !requires.isEmpty { m.append(("requires", .string(requires))) }
        if !remoteHost.isEmpty { m.append(("remote_host", .string(remoteHost))) }
        if !remoteModel.isEmpty { m.append(("remote_model", .string(remoteModel))) }
        if !capabilities.isEmpty { m.append(("capabilities", .array(capabilities.map { .string($0) }))) }
        if contextLength != 0 { m.append(("context_length", .int(contextLength))) }
        if embeddingLength != 0 { m.append(("embedding_length", .int(embeddingLength))) }
        if !baseName.isEmpty { m.append(("base_name", .string(baseName))) }
        if let draft { m.append(("draft", draft)) }
        m.append(("architecture", .string("amd64")))
        m.append(("os", .string("linux")))
        return JSONValue.object(m).goEncoded
    }

    /// Reads a config blob; unknown fields are ignored as Go would.
    package init(bytes: [UInt8]) throws(StoreError) {
        let json: JSONValue
        do { json = try JSONValue.parse(bytes) } catch { throw StoreError("config blob is not JSON: \(error)") }
        func s(_ k: String) -> String { json[k]?.stringValue ?? "" }
        modelFormat = s("model_format")
        modelFamily = s("model_family")
        modelFamilies = json["model_families"]?.arrayValue?.compactMap(\.stringValue) ?? []
        modelType = s("model_type")
        fileType = s("file_type")
        renderer = s("renderer"); parser = s("parser"); requires = s("requires")
        remoteHost = s("remote_host"); remoteModel = s("remote_model")
        capabilities = json["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? []
        contextLength = json["context_length"]?.intValue ?? 0
        embeddingLength = json["embedding_length"]?.intValue ?? 0
        baseName = s("base_name")
        if let d = json["draft"], d != .null { draft = d }
    }

    /// Ollama's `format.HumanNumber` for parameter counts: `135M`, `1.5B`, `268.10M`, `12K`, `0`.
    package static func humanNumber(_ n: UInt64) -> String {
        let d = Double(n)
        // C's %.Nf rounds the exact binary value like Go's strconv does.
        if n >= 1_000_000_000 {
            let v = d / 1e9
            return (v == v.rounded(.down) ? String(format: "%.0f", v) : String(format: "%.1f", v)) + "B"
        }
        if n >= 1_000_000 {
            let v = d / 1e6
            return (v == v.rounded(.down) ? String(format: "%.0f", v) : String(format: "%.2f", v)) + "M"
        }
        if n >= 1_000 { return String(format: "%.0f", d / 1e3) + "K" }
        return String(n)
    }
}
