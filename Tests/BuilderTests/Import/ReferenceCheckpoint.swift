import Foundation
import Testing
import TestSupport
import ModelfileLang
@testable import Builder

/// The tiny checkpoints of scripts/reference/make-import-reference.py, rebuilt from their committed small
/// files (Tests/Fixtures/import/reference/NAME) with weights from `values`.
enum ReferenceCheckpoint {
    /// The weights make-import-reference.py writes: a short periodic ramp (tensor `index`, `count` elements).
    static func ramp(index: Int, count: Int) -> [Float] {
        (0..<count).map { Float(($0 * 7 + index * 13) % 29) / 64 - 0.25 }
    }

    /// The weights make-runtime-reference.py writes: uniform in [-1, 1) from a 32-bit hash of
    /// (index * 1000003 + element), so that no two rows of a matrix repeat (no tied logits).
    static func hashed(index: Int, count: Int) -> [Float] {
        let seed = UInt32(truncatingIfNeeded: index &* 1_000_003)
        return (0..<count).map { element in
            var x = (seed &+ UInt32(truncatingIfNeeded: element)) &* 0x9E37_79B1
            x ^= x >> 15
            x = x &* 0x85EB_CA6B
            x ^= x >> 13
            return (Float(x >> 8) / 16_777_216 - 0.5) * 2
        }
    }

    /// Writes the checkpoint `name` into `dir`: config.json, tokenizer_config.json, tokenizer.json or
    /// Mistral's tokenizer.model, and model.safetensors (F32) with the tensors of hf-tensors.json.
    static func write(_ name: String, to dir: String, values: (_ index: Int, _ count: Int) -> [Float]) throws {
        let fixture = Golden.repositoryRoot + "/Tests/Fixtures/import/reference/" + name
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture)
        for file in ["config.json", "tokenizer_config.json", "tokenizer.json"] where files.contains(file) {
            try FileManager.default.copyItem(atPath: fixture + "/" + file, toPath: dir + "/" + file)
        }
        if !files.contains("tokenizer.json") {
            try FileManager.default.copyItem(atPath: try TestModels.mistralSentencePiece(), toPath: dir + "/tokenizer.model")
        }
        let hfTensors = try #require(try readJSON(fixture + "/hf-tensors.json").arrayValue)
        var tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] = []
        for (i, entry) in hfTensors.enumerated() {
            let name = try #require(entry.arrayValue?.first?.stringValue)
            let shapeValues = entry.arrayValue?.last?.arrayValue?.compactMap(\.intValue)
            let shape = try #require(shapeValues)
            tensors.append((name, "F32", shape, values(i, shape.reduce(1, *)).withUnsafeBytes { Array($0) }))
        }
        try writeSafetensors(tensors, to: dir + "/model.safetensors")
    }

    static func readJSON(_ path: String) throws -> JSONValue {
        try JSONValue.parse([UInt8](try #require(FileManager.default.contents(atPath: path))))
    }
}
