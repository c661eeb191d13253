import ModelfileLang

/// An Ollama image manifest: the config blob and the ordered layers (package spec §2).
package struct Manifest: Sendable, Equatable {
    package var config: Descriptor
    package var layers: [Descriptor]

    package init(config: Descriptor, layers: [Descriptor]) {
        self.config = config
        self.layers = layers
    }

    /// The exact file bytes Ollama writes (Go's json.Encoder: compact, trailing newline).
    package var encoded: [UInt8] {
        JSONValue.object([
            ("schemaVersion", .int(2)),
            ("mediaType", .string(MediaType.manifest)),
            ("config", config.json),
            ("layers", .array(layers.map(\.json))),
        ]).goEncoded
    }

    /// Reads a manifest file's bytes.
    package init(bytes: [UInt8]) throws(StoreError) {
        let json: JSONValue
        do { json = try JSONValue.parse(bytes) } catch { throw StoreError("manifest is not JSON: \(error)") }
        guard let configJSON = json["config"] else { throw StoreError("manifest has no config") }
        config = try Descriptor(json: configJSON)
        var layers: [Descriptor] = []
        for entry in json["layers"]?.arrayValue ?? [] { layers.append(try Descriptor(json: entry)) }
        self.layers = layers
    }

    /// Sum of layer sizes plus the config size, as `ollama list` shows it.
    package var totalSize: Int64 { layers.reduce(config.size) { $0 + $1.size } }

    /// Every blob the manifest needs: config first, then layers.
    package var allDescriptors: [Descriptor] { [config] + layers }

    /// The layers of one media type, in order.
    package func layers(ofType mediaType: String) -> [Descriptor] { layers.filter { $0.mediaType == mediaType } }
}
