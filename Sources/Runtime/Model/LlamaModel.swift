import Foundation
import KernelInterface

/// A loaded llama-family model (llama, mistral, SmolLM, qwen2, gemma, gemma2, gemma3, phi3) with its KV cache, ready to run.
///
/// Weights are repacked from the GGUF file at load time; the file's mapping stays alive with the model.
/// Not thread-safe: one forward pass at a time (it uses all `threads` internally).
package final class LlamaModel: @unchecked Sendable {
    package let config: LlamaConfig
    /// Positions the KV cache can hold (num_ctx).
    package let contextLength: Int
    /// Number of positions currently in the KV cache of the model's own sequence.
    package var cachedCount: Int { sequence.cachedCount }
    let weights: LlamaWeights
    /// The sequence `forward(tokens:startPosition:)` decodes (`mfc run`'s conversation).
    package let sequence: KVSequence
    let state: RunState
    let pool: WorkerPool
    /// How the KV caches of its sequences store keys and values.
    package let kvCacheType: KVCacheType
    /// The Hadamard rotation of Q, K and V a quantized cache gets (KVRotation.swift); nil for f16. Settable
    /// so measurements can compare the cache without it.
    var kvRotation: KVRotation?
    /// Position chunks a decode step's attention is split into from 512 cells on (nil: one per thread, as
    /// llama.cpp); settable so tests can split on one thread exactly as on several.
    var attentionChunks: Int?
    /// The kernel variant this model computes with (`MFC_ISA` or the best this CPU runs).
    package let instructionSet: InstructionSet
    let kernels: KernelTable
    /// GELU lookup for families with a GELU feed-forward (the gemmas); nil means SwiGLU.
    let geluTable: GeluTable?
    /// Buffers of the LoRA adapters' products; nil without adapters.
    let loraScratch: LoRAScratch?
    /// RoPE frequency divisors for this context length (phi3: long beyond the original context, else short),
    /// empty when only a magnitude factor applies, nil for plain RoPE.
    let ropeFactors: [Float]?
    /// Logits rows of one batch, reused between calls.
    private var logitsScratch: [Float] = []

    /// Loads the model in `gguf`.
    /// - Parameters:
    ///   - contextLength: KV cache size in positions (num_ctx); clamped to at least 1.
    ///   - threads: worker threads, the caller included.
    ///   - batchSize: tokens processed together during prompt processing.
    ///   - instructionSet: the kernel variant; nil picks `InstructionSet.select()` (`MFC_ISA`, else the best this CPU runs).
    ///   - adapters: LoRA adapters applied beside the base matrices, stacked in order.
    /// - Throws: `ModelError` for an unsupported architecture or tensor type, a missing or misshapen tensor,
    ///   an adapter that does not fit, or an instruction set this CPU lacks.
    package convenience init(gguf: GGUFFile, contextLength: Int, threads: Int, batchSize: Int = 64,
                            instructionSet: InstructionSet? = nil, kvCacheType: KVCacheType = .f16,
                            adapters: [LoRAAdapter] = []) throws(ModelError) {
        try self.init(gguf: gguf, contextLength: contextLength, threads: threads, batchSize: batchSize, dequantized: false,
                      instructionSet: instructionSet, kvCacheType: kvCacheType, adapters: adapters)
    }

    /// `dequantized: true` builds the slow f32 reference model that tests compare the quantized kernels with.
    convenience init(gguf: GGUFFile, contextLength: Int, threads: Int, batchSize: Int, dequantized: Bool,
                     instructionSet: InstructionSet? = nil, kvCacheType: KVCacheType = .f16,
                     adapters: [LoRAAdapter] = []) throws(ModelError) {
        let isa: InstructionSet
        if let instructionSet {
            let missing = instructionSet.missingFlags(cpuinfo: InstructionSet.cpuinfo())
            guard missing.isEmpty else {
                throw ModelError(description: "this CPU lacks \(missing.joined(separator: ", ")) for the \(instructionSet) kernels")
            }
            isa = instructionSet
        } else {
            isa = try InstructionSet.select()
        }
        let config = try LlamaConfig(gguf: gguf)
        guard config.headDimension % 16 == 0 else {
            throw ModelError(description: "head dimension \(config.headDimension) is not a multiple of 16")
        }
        try Self.checkCache(config, contextLength: contextLength)
        let weights = try LlamaWeights(gguf: gguf, config: config, dequantized: dequantized, adapters: adapters)
        try self.init(config: config, weights: weights, instructionSet: isa, contextLength: contextLength, threads: threads,
                      batchSize: batchSize, kvCacheType: kvCacheType)
    }

    /// A model with its own KV cache, scratch and threads over the weights of `other`, which are only read,
    /// so both models may run at the same time.
    /// - Throws: `ModelError` when a KV cache of `contextLength` positions would not fit in memory.
    package convenience init(sharingWeightsOf other: LlamaModel, contextLength: Int, threads: Int, batchSize: Int = 64) throws(ModelError) {
        try self.init(config: other.config, weights: other.weights, instructionSet: other.instructionSet,
                      contextLength: contextLength, threads: threads, batchSize: batchSize, kvCacheType: other.kvCacheType)
    }

    private init(config: LlamaConfig, weights: LlamaWeights, instructionSet isa: InstructionSet, contextLength: Int,
                 threads: Int, batchSize: Int, kvCacheType: KVCacheType) throws(ModelError) {
        try Self.checkCache(config, contextLength: contextLength)
        self.kvCacheType = kvCacheType
        kvRotation = KVRotation(type: kvCacheType, headDimension: config.headDimension,
                                norms: weights.layers.map { layer in layer.qNorm.flatMap { q in layer.kNorm.map { (q, $0) } } },
                                ropePairs: config.ropeIsNeoX ? .neox(dimension: config.ropeDimension) : .adjacent(dimension: config.ropeDimension))
        self.instructionSet = isa
        kernels = isa.kernels
        self.config = config
        self.contextLength = max(1, contextLength)
        self.weights = weights
        pool = WorkerPool(threads: threads)
        geluTable = config.isGemma ? GeluTable() : nil
        loraScratch = weights.lora.map { LoRAScratch($0, batchCapacity: max(1, batchSize), kernels: isa.kernels) }
        let factors = self.contextLength > config.ropeOriginalContextLength ? weights.ropeFactorsLong : weights.ropeFactorsShort
        ropeFactors = factors ?? (config.ropeAttentionFactor != 1 ? [] : nil)
        sequence = KVSequence(cache: try KVCache(type: kvCacheType, layers: config.layerCount, contextLength: self.contextLength,
                                                 kvDimension: config.kvDimension, kernels: kernels, searchesScales: kvRotation?.balancesKeys ?? false))
        // Attention scratch for every worker: a decode step's attention is split over all of them.
        state = RunState(config: config, batchCapacity: max(1, batchSize), contextLength: self.contextLength, threads: pool.threadCount,
                         kernels: kernels)
    }

    /// Refuses a KV cache (4 bytes per position per KV dimension per layer) that overflows or exceeds 1 TiB, and
    /// positions past Int32 (the attention kernels index positions in 32-bit lanes).
    private static func checkCache(_ config: LlamaConfig, contextLength: Int) throws(ModelError) {
        let positions = max(1, contextLength)
        let (perPosition, overflow1) = (4 * config.kvDimension).multipliedReportingOverflow(by: config.layerCount)
        let (cacheBytes, overflow2) = perPosition.multipliedReportingOverflow(by: positions)
        guard !overflow1, !overflow2, cacheBytes < 1 << 40, positions < Int(Int32.max) else {
            throw ModelError(description: "a KV cache of \(positions) positions would not fit in memory")
        }
    }

    /// The most worker threads a model computes with; larger requests are capped.
    package static var maximumThreads: Int { WorkerPool.maximumThreads }

    /// Forgets every cached position of the model's own sequence.
    package func reset() { sequence.reset() }

    /// Keeps only the first `count` cached positions of the model's own sequence.
    package func truncate(to count: Int) { sequence.truncate(to: count) }

    /// A new, empty sequence with its own KV cache of `contextLength` positions (at most the model's),
    /// decoded beside others by `forward(_:)`.
    /// - Throws: `ModelError` when the cache cannot be reserved.
    package func makeSequence(contextLength: Int? = nil) throws(ModelError) -> KVSequence {
        let positions = min(max(1, contextLength ?? self.contextLength), self.contextLength)
        return KVSequence(cache: try KVCache(type: kvCacheType, layers: config.layerCount, contextLength: positions, kvDimension: config.kvDimension,
                                             kernels: kernels, searchesScales: kvRotation?.balancesKeys ?? false))
    }

    /// Runs `tokens` at positions `startPosition...` of the model's own sequence (earlier positions must be
    /// cached; later ones are dropped).
    /// - Parameter allLogits: return the logits of every token (tokens.count × vocabulary) instead of the last only.
    /// - Returns: logits, `vocabularySize` floats per returned position.
    /// - Throws: `ModelError` when a token id is out of range, `startPosition` is past the cache, or the context is full.
    package func forward(tokens: [Int32], startPosition: Int, allLogits: Bool = false) throws(ModelError) -> [Float] {
        try forward([SequenceStep(sequence: sequence, tokens: tokens, startPosition: startPosition, allLogits: allLogits)])[0]
    }

    /// Runs the steps of several sequences together: rows are packed into batches of up to the batch
    /// capacity, so each weight matrix is read once per batch for all sequences (a step longer than a
    /// batch continues in the next). Each sequence computes exactly what it would alone.
    /// - Returns: each step's logits, in order (the last token's, or every token's with `allLogits`).
    /// - Throws: `ModelError` when a step is empty, names a token outside the vocabulary, starts past its
    ///   cache or overflows its context, when two steps share a sequence, or when the model produces NaN.
    package func forward(_ steps: [SequenceStep]) throws(ModelError) -> [[Float]] {
        let vocab = config.vocabularySize
        for (i, step) in steps.enumerated() {
            let cached = step.sequence.cachedCount
            guard !step.tokens.isEmpty else { throw ModelError(description: "no tokens to evaluate") }
            guard step.startPosition >= 0, step.startPosition <= cached else {
                throw ModelError(description: "start position \(step.startPosition) is past the \(cached) cached positions")
            }
            guard step.startPosition + step.tokens.count <= step.sequence.contextLength else {
                throw ModelError(description: "context full: \(step.startPosition) + \(step.tokens.count) tokens exceed num_ctx \(step.sequence.contextLength)")
            }
            if let bad = step.tokens.first(where: { $0 < 0 || Int($0) >= vocab }) {
                throw ModelError(description: "token id \(bad) is outside the vocabulary of \(vocab)")
            }
            guard !steps[..<i].contains(where: { $0.sequence === step.sequence }) else {
                throw ModelError(description: "two steps of one batch name the same sequence")
            }
        }
        for step in steps { step.sequence.cachedCount = step.startPosition }
        let batches = packBatches(steps)
        var results = steps.map { [Float](repeating: 0, count: ($0.allLogits ? $0.tokens.count : 1) * vocab) }
        for (segments, tokens) in batches {
            let outputs = segments.reduce(0) { $0 + $1.outputRows.count }
            if logitsScratch.count < outputs * vocab { logitsScratch = [Float](repeating: 0, count: outputs * vocab) }
            logitsScratch.withUnsafeMutableBufferPointer { logits in
                _ = tokens.withUnsafeBufferPointer { ids in
                    forwardBatch(segments, tokens: ids.baseAddress!, logits: outputs > 0 ? logits.baseAddress! : nil)
                }
                var o = 0
                for segment in segments {
                    let step = steps[segment.step]
                    for t in segment.outputRows {
                        let row = step.allLogits ? segment.tokenOffset + t : 0
                        results[segment.step].withUnsafeMutableBufferPointer { out in
                            (out.baseAddress! + row * vocab).update(from: logits.baseAddress! + o * vocab, count: vocab)
                        }
                        o += 1
                    }
                }
            }
            for segment in segments { segment.sequence.cachedCount = segment.position + segment.count }
        }
        for step in steps { step.sequence.record(step.tokens, at: step.startPosition) }
        // Non-finite logits mean corrupt weights (or values that overflowed): stop with the layer where they
        // first appear rather than sample from garbage. The check is one pass over the logits; locating
        // re-runs the batches, which rewrite their cache positions with the same values.
        if !results.allSatisfy(allFinite) {
            var site: NonFiniteSite? = nil
            for (segments, tokens) in batches where site == nil {
                let outputs = segments.reduce(0) { $0 + $1.outputRows.count }
                site = logitsScratch.withUnsafeMutableBufferPointer { logits in
                    tokens.withUnsafeBufferPointer { ids in
                        forwardBatch(segments, tokens: ids.baseAddress!, logits: outputs > 0 ? logits.baseAddress! : nil,
                                     locatingNonFinite: true)
                    }
                }
            }
            for step in steps { step.sequence.cachedCount = step.startPosition }
            throw ModelError(description: "the model produced NaN or infinity \(site?.description ?? "in its output")"
                             + "; its weights or metadata are corrupt")
        }
        return results
    }

    /// Splits the steps' tokens into batches of at most `batchCapacity` rows, in step order.
    private func packBatches(_ steps: [SequenceStep]) -> [(segments: [BatchSegment], tokens: [Int32])] {
        var batches: [([BatchSegment], [Int32])] = []
        var segments: [BatchSegment] = [], rows: [Int32] = []
        func flush() {
            guard !rows.isEmpty else { return }
            batches.append((segments, rows))
            segments = []; rows = []
        }
        for (i, step) in steps.enumerated() {
            var offset = 0
            while offset < step.tokens.count {
                if rows.count == state.batchCapacity { flush() }
                let count = min(state.batchCapacity - rows.count, step.tokens.count - offset)
                let isLast = offset + count == step.tokens.count
                segments.append(BatchSegment(sequence: step.sequence, step: i, tokenOffset: offset, firstRow: rows.count, count: count,
                                             position: step.startPosition + offset,
                                             outputRows: step.allLogits ? 0..<count : (isLast ? count - 1..<count : 0..<0)))
                rows += step.tokens[offset..<(offset + count)]
                offset += count
            }
        }
        flush()
        return batches
    }

    /// Multiplies prepared inputs by several matrices in one fork/join: each worker takes a share of every matrix's rows.
    func multiply(_ input: PreparedBatch, _ jobs: (matrix: WeightMatrix, out: UnsafeMutablePointer<Float>)...) {
        multiply(jobs.map { ($0.matrix, input, $0.out) })
    }

    /// Multiplies each job's prepared input by its matrix, all in one fork/join.
    func multiply(_ jobs: [(matrix: WeightMatrix, input: PreparedBatch, out: UnsafeMutablePointer<Float>)]) {
        // Row shares are multiples of 4 rows, so neighbours do not split a cache line of output (and the
        // nibble kernels start at a row group); only as many workers as the largest matrix has groups.
        let workers = WorkerPool.workers(for: jobs.map(\.matrix.rows).max() ?? 0, granule: 4, threads: pool.threadCount)
        pool.run(workers: workers) { worker in
            for job in jobs {
                let rows = WorkerPool.share(of: job.matrix.rows, worker: worker, workers: workers, granule: 4)
                if !rows.isEmpty { job.matrix.multiply(job.input, rows: rows, job.out, outStride: job.matrix.rows) }
            }
        }
    }
}
