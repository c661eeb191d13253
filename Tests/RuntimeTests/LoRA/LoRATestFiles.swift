import Foundation
@testable import Runtime

// GGUF files written by the LoRA tests: base models and adapters made of generated tensors.

/// Writes a GGUF with the metadata and tensors given as (name, ne, type, raw bytes).
func writeGGUF(_ path: String, metadata: [(key: String, value: GGUFValue)], tensors: [(String, [Int], GGMLType, [UInt8])]) throws {
    let infos = tensors.map { GGUFOutputTensor(name: $0.0, dimensions: $0.1, type: $0.2, byteCount: $0.3.count) }
    var bytes = GGUFWriter.header(metadata: metadata, tensors: infos, alignment: 32)
    for (_, _, _, data) in tensors {
        bytes += data
        bytes.append(contentsOf: repeatElement(0, count: padded(bytes.count, to: 32) - bytes.count))
    }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func f32Bytes(_ values: [Float]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
