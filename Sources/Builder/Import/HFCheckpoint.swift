import ModelfileLang
import Foundation

/// A Hugging Face model folder as training tools export it: config.json, one or many
/// *.safetensors shards (with model.safetensors.index.json), tokenizer files.
package struct HFCheckpoint: Sendable {
    package let directory: String
    package let config: JSONValue
    package let shards: [SafetensorsFile]

    /// Opens the folder's config and shards (mmap; no tensor data is read).
    /// - Throws: `StoreError` naming the missing or invalid file.
    package init(directory: String) throws(StoreError) {
        self.directory = directory
        config = Self.flattened(try Self.json(directory + "/config.json", required: true) ?? .null)
        var names: [String]
        if let index = try Self.json(directory + "/model.safetensors.index.json", required: false) {
            guard let map = index["weight_map"]?.objectValue else {
                throw StoreError("\(directory)/model.safetensors.index.json has no weight_map")
            }
            names = Array(Set(map.compactMap { $0.1.stringValue })).sorted()
        } else {
            names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .filter { $0.hasSuffix(".safetensors") && !$0.hasPrefix("adapter_model") }.sorted()
        }
        guard !names.isEmpty else { throw StoreError("\(directory): no *.safetensors weights found") }
        var shards: [SafetensorsFile] = []
        for name in names {
            guard !name.contains("/") else { throw StoreError("\(directory): shard name '\(name)' leaves the folder") }
            let path = directory + "/" + name
            guard FileManager.default.fileExists(atPath: path) else { throw StoreError("\(directory): missing shard \(name)") }
            shards.append(try SafetensorsFile(path: path))
        }
        self.shards = shards
    }

    /// A multimodal config.json keeps the text model's hyperparameters in `text_config`: they are
    /// moved to the top level (overriding), as llama.cpp's converter does.
    static func flattened(_ config: JSONValue) -> JSONValue {
        guard let root = config.objectValue, let text = config["text_config"]?.objectValue else { return config }
        let overridden = Set(text.map(\.0))
        return .object(root.filter { !overridden.contains($0.0) } + text)
    }

    /// `config.json`'s first `architectures` entry, e.g. "LlamaForCausalLM".
    package var architecture: String? { config["architectures"]?.arrayValue?.first?.stringValue }

    /// Every tensor with the shard that holds it, in shard then data order.
    package var tensors: [(file: SafetensorsFile, tensor: SafetensorsTensor)] {
        shards.flatMap { file in file.tensors.map { (file, $0) } }
    }

    /// Parses a JSON file of the folder; nil when absent and not required.
    static func json(_ path: String, required: Bool) throws(StoreError) -> JSONValue? {
        guard let data = FileManager.default.contents(atPath: path) else {
            if required { throw StoreError("missing \((path as NSString).lastPathComponent) in \((path as NSString).deletingLastPathComponent)") }
            return nil
        }
        do { return try JSONValue.parse([UInt8](data)) } catch { throw StoreError("\(path): \(error)") }
    }
}
