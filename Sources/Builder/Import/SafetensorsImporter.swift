import Foundation
import Runtime

/// Converts a Hugging Face safetensors folder into a GGUF model: renamed tensors (rotary Q/K rows
/// permuted for llama, +1 on gemma norms), F16 for matrices (BF16 stays BF16), F32 for vectors,
/// hyperparameters from config.json and the tokenizer from tokenizer.json/tokenizer_config.json.
/// Tensors are streamed from the mmapped shards a few rows at a time.
package enum SafetensorsImporter {
    /// What an import wrote.
    package struct Summary: Sendable {
        package var architecture: String
        package var tensorCount: Int
        package var outputBytes: Int
    }

    /// One tensor to write, with where its rows come from.
    struct Plan {
        /// A shard's tensor, or values computed from config.json (Phi-3's RoPE factors, written as F32).
        enum Source {
            case file(SafetensorsFile, SafetensorsTensor)
            case values([Float])
        }
        let source: Source
        let output: GGUFOutputTensor
        let sourceType: GGMLType
        /// Output row → source row (rotary permutation), nil for identity.
        let rowSource: [Int]?
        let addOne: Bool

        init(source: Source, output: GGUFOutputTensor, sourceType: GGMLType, rowSource: [Int]?, addOne: Bool) {
            (self.source, self.output, self.sourceType, self.rowSource, self.addOne) = (source, output, sourceType, rowSource, addOne)
        }

        /// A tensor of a shard (the PEFT adapter import plans these too).
        init(file: SafetensorsFile, source: SafetensorsTensor, output: GGUFOutputTensor, sourceType: GGMLType, rowSource: [Int]?, addOne: Bool) {
            self.init(source: .file(file, source), output: output, sourceType: sourceType, rowSource: rowSource, addOne: addOne)
        }
    }

    /// Imports the folder at `directory` into a GGUF file at `outputPath`.
    /// - Throws: `StoreError` naming an unsupported architecture, a missing file, or an unexpected tensor.
    @discardableResult
    package static func importFolder(_ directory: String, to outputPath: String) throws(StoreError) -> Summary {
        let checkpoint = try HFCheckpoint(directory: directory)
        guard let hfName = checkpoint.architecture else { throw StoreError("\(directory)/config.json has no architectures entry") }
        guard let arch = HFArchitecture.supported[hfName] else {
            throw StoreError("unsupported architecture \"\(hfName)\" in \(directory)/config.json (supported: \(HFArchitecture.supported.keys.sorted().joined(separator: ", ")))")
        }
        let config = checkpoint.config
        let heads = config["num_attention_heads"]?.intValue ?? 0
        let kvHeads = config["num_key_value_heads"]?.intValue ?? heads
        let tied = config["tie_word_embeddings"] == .bool(true) || arch.normOffset   // gemma always ties

        var plans: [Plan] = []
        for (file, tensor) in checkpoint.tensors {
            guard let name = try arch.ggufName(of: tensor.name) else { continue }
            if name == "output.weight" && tied { continue }
            guard let sourceType = tensor.ggmlType else {
                throw StoreError("tensor '\(tensor.name)' in \(file.path) has dtype \(tensor.dtype); only F32, F16 and BF16 can be imported")
            }
            let dims = Array(tensor.shape.reversed())
            let isMatrix = dims.filter { $0 != 1 }.count >= 2
            let outType: GGMLType = isMatrix ? (sourceType == .bf16 ? .bf16 : .f16) : .f32
            let rows = dims.dropFirst().reduce(1, *)
            var rowSource: [Int]? = nil
            if arch.permutesQK && (name.hasSuffix("attn_q.weight") || name.hasSuffix("attn_k.weight")) {
                let n = name.hasSuffix("attn_q.weight") ? heads : kvHeads
                guard let p = ropeRowPermutation(rows: rows, heads: n) else {
                    throw StoreError("tensor '\(tensor.name)': \(rows) rows do not split into \(n) heads of even size")
                }
                rowSource = p
            }
            let elements = dims.reduce(1, *)
            plans.append(Plan(source: .file(file, tensor),
                              output: GGUFOutputTensor(name: name, dimensions: dims, type: outType, byteCount: elements * outType.blockBytes),
                              sourceType: sourceType, rowSource: rowSource,
                              addOne: arch.normOffset && name.hasSuffix("_norm.weight")))
        }
        if arch.ggufName == "phi3" {
            for (name, values) in try RopeScaling.phi3FactorTensors(config: config, ropeDimensions: try RopeScaling.phi3RopeDimensions(config)) {
                plans.append(Plan(source: .values(values), output: GGUFOutputTensor(name: name, dimensions: [values.count], type: .f32, byteCount: 4 * values.count),
                                  sourceType: .f32, rowSource: nil, addOne: false))
            }
        }
        guard Set(plans.map(\.output.name)).count == plans.count else { throw StoreError("\(directory): two tensors map to the same GGUF name") }
        plans = TensorTypePolicy.llamaCppOrder(plans.map(\.output.name)).map { plans[$0] }

        let name = (directory as NSString).lastPathComponent
        let metadata = try HFModelMetadata.keys(config: config, architecture: arch, name: name).map { ($0.key, GGUFWriter.Value.value($0.value)) }
            + HFTokenizerMetadata.keys(directory: directory, config: config, architecture: arch)
        let written = try writeGGUF(metadata: metadata, plans: plans, to: outputPath)
        return Summary(architecture: arch.ggufName, tensorCount: plans.count, outputBytes: written)
    }

    /// Writes the header and every planned tensor (padded to 32 bytes) through a temp file and rename.
    /// - Returns: the file size.
    @discardableResult
    static func writeGGUF(metadata: [(key: String, value: GGUFWriter.Value)], plans: [Plan], to outputPath: String) throws(StoreError) -> Int {
        let header = GGUFWriter.header(metadata: metadata, tensors: plans.map(\.output), alignment: 32)
        do {
            var out = try OutputFile(path: outputPath)
            try out.write(header)
            for plan in plans {
                try write(plan, to: &out)
                try out.writeZeros(padded(plan.output.byteCount, to: 32) - plan.output.byteCount)
            }
            try out.commit()
        } catch {
            throw StoreError("writing \(outputPath): \(error.message)")
        }
        return header.count + plans.reduce(0) { $0 + padded($1.output.byteCount, to: 32) }
    }

    /// Streams one tensor, up to 256 rows at a time, converting, permuting and offsetting as planned.
    static func write(_ plan: Plan, to out: inout OutputFile) throws(QuantizeError) {
        let data: UnsafeRawBufferPointer
        switch plan.source {
        case .file(let file, let tensor): data = file.data(of: tensor)
        case .values(let values):
            try out.write(values.withUnsafeBytes { Array($0) })
            return
        }
        guard let base = data.baseAddress else { return }
        if plan.sourceType == plan.output.type && plan.rowSource == nil && !plan.addOne {
            try out.write(data)
            return
        }
        let rowLength = plan.output.dimensions.first ?? 0, rows = plan.output.dimensions.dropFirst().reduce(1, *)
        let inRow = rowLength * plan.sourceType.blockBytes, outRow = rowLength * plan.output.type.blockBytes
        let chunkRows = max(1, min(rows, 256))
        let floats = UnsafeMutablePointer<Float>.allocate(capacity: chunkRows * rowLength)
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkRows * outRow, alignment: 16)
        defer { floats.deallocate(); bytes.deallocate() }
        var first = 0
        while first < rows {
            let count = min(chunkRows, rows - first)
            for r in 0..<count {
                let sourceRow = plan.rowSource?[first + r] ?? first + r
                readAsFloat(plan.sourceType, base + sourceRow * inRow, count: rowLength, into: floats + r * rowLength)
            }
            if plan.addOne { for i in 0..<count * rowLength { floats[i] += 1 } }
            guard let dst = bytes.baseAddress else { return }
            try quantizeRow(plan.output.type, floats, count: count * rowLength, into: dst)
            try out.write(UnsafeRawBufferPointer(rebasing: bytes[0..<count * outRow]))
            first += count
        }
    }
}
