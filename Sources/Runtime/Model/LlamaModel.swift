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
    /// Number of positions currently in the KV cache.
    package private(set) var cachedCount = 0
    let weights: LlamaWeights
    let cache: KVCache
    let state: RunState
    let pool: WorkerPool
    /// The kernel variant this model computes with (`MFC_ISA` or the best this CPU runs).
    package let instructionSet: InstructionSet
    let kernels: KernelTable
    /// GELU lookup for families with a GELU feed-forward (the gemmas); nil means SwiGLU.
    let geluTable: GeluTable?
    /// RoPE frequency divisors for this context length (phi3: long beyond the original context, else short),
    /// empty when only a magnitude factor applies, nil for plain RoPE.
    let ropeFactors: [Float]?
    private var logitsBuffer: [Float] = []

    /// Loads the model in `gguf`.
    /// - Parameters:
    ///   - contextLength: KV cache size in positions (num_ctx); clamped to at least 1.
    ///   - threads: worker threads, the caller included.
    ///   - batchSize: tokens processed together during prompt processing.
    ///   - instructionSet: the kernel variant; nil picks `InstructionSet.select()` (`MFC_ISA`, else the best this CPU runs).
    /// - Throws: `ModelError` for an unsupported architecture or tensor type, a missing or misshapen tensor,
    ///   or an instruction set this CPU lacks.
    package convenience init(gguf: GGUFFile, contextLength: Int, threads: Int, batchSize: Int = 64,
                            instructionSet: InstructionSet? = nil) throws(ModelError) {
        try self.init(gguf: gguf, contextLength: contextLength, threads: threads, batchSize: batchSize, dequantized: false,
                      instructionSet: instructionSet)
    }

    /// `dequantized: true` builds the slow f32 reference model that tests compare the quantized kernels with.
    convenience init(gguf: GGUFFile, contextLength: Int, threads: Int, batchSize: Int, dequantized: Bool,
                     instructionSet: InstructionSet? = nil) throws(ModelError) {
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
        let weights = try LlamaWeights(gguf: gguf, config: config, dequantized: dequantized)
        try self.init(config: config, weights: weights, instructionSet: isa, contextLength: contextLength, threads: threads,
                      batchSize: batchSize)
    }

    /// A model with its own KV cache, scratch and threads over the weights of `other`, which are only read,
    /// so both models may run at the same time.
    /// - Throws: `ModelError` when a KV cache of `contextLength` positions would not fit in memory.
    package convenience init(sharingWeightsOf other: LlamaModel, contextLength: Int, threads: Int, batchSize: Int = 64) throws(ModelError) {
        try self.init(config: other.config, weights: other.weights, instructionSet: other.instructionSet,
                      contextLength: contextLength, threads: threads, batchSize: batchSize)
    }

    private init(config: LlamaConfig, weights: LlamaWeights, instructionSet isa: InstructionSet, contextLength: Int,
                 threads: Int, batchSize: Int) throws(ModelError) {
        try Self.checkCache(config, contextLength: contextLength)
        self.instructionSet = isa
        kernels = isa.kernels
        self.config = config
        self.contextLength = max(1, contextLength)
        self.weights = weights
        pool = WorkerPool(threads: threads)
        geluTable = config.isGemma ? GeluTable() : nil
        let factors = self.contextLength > config.ropeOriginalContextLength ? weights.ropeFactorsLong : weights.ropeFactorsShort
        ropeFactors = factors ?? (config.ropeAttentionFactor != 1 ? [] : nil)
        cache = KVCache(layers: config.layerCount, contextLength: self.contextLength, kvDimension: config.kvDimension, kernels: kernels)
        // Attention scratch for as many workers as a batch has (token, head) pairs to split.
        let attentionWorkers = WorkerPool.workers(for: max(1, batchSize) * config.headCount, threads: pool.threadCount)
        state = RunState(config: config, batchCapacity: max(1, batchSize), contextLength: self.contextLength, threads: attentionWorkers,
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

    /// Forgets every cached position.
    package func reset() { cachedCount = 0 }

    /// Keeps only the first `count` cached positions.
    package func truncate(to count: Int) { cachedCount = min(max(0, count), cachedCount) }

    /// Runs `tokens` at positions `startPosition...` (earlier positions must be cached; later ones are dropped).
    /// - Parameter allLogits: return the logits of every token (tokens.count × vocabulary) instead of the last only.
    /// - Returns: logits, `vocabularySize` floats per returned position.
    /// - Throws: `ModelError` when a token id is out of range, `startPosition` is past the cache, or the context is full.
    package func forward(tokens: [Int32], startPosition: Int, allLogits: Bool = false) throws(ModelError) -> [Float] {
        let vocab = config.vocabularySize
        guard !tokens.isEmpty else { throw ModelError(description: "no tokens to evaluate") }
        guard startPosition >= 0, startPosition <= cachedCount else {
            throw ModelError(description: "start position \(startPosition) is past the \(cachedCount) cached positions")
        }
        guard startPosition + tokens.count <= contextLength else {
            throw ModelError(description: "context full: \(startPosition) + \(tokens.count) tokens exceed num_ctx \(contextLength)")
        }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= vocab }) {
            throw ModelError(description: "token id \(bad) is outside the vocabulary of \(vocab)")
        }
        cachedCount = startPosition
        let outputCount = allLogits ? tokens.count : 1
        if logitsBuffer.count != outputCount * vocab { logitsBuffer = [Float](repeating: 0, count: outputCount * vocab) }
        var start = 0
        while start < tokens.count {
            let count = min(state.batchCapacity, tokens.count - start)
            let isLast = start + count == tokens.count
            logitsBuffer.withUnsafeMutableBufferPointer { logits in
                tokens.withUnsafeBufferPointer { ids in
                    forwardBatch(ids.baseAddress! + start, count: count, position: startPosition + start,
                                 logits: allLogits ? logits.baseAddress! + start * vocab : (isLast ? logits.baseAddress! : nil),
                                 allLogits: allLogits)
                }
            }
            cachedCount = startPosition + start + count
            start += count
        }
        // Non-finite logits mean corrupt weights (or values that overflowed): stop with the layer where they
        // first appear rather than sample from garbage. The check is one pass over the logits; locating
        // re-runs the batches, which rewrite their cache positions with the same values.
        if !allFinite(logitsBuffer) {
            var site: NonFiniteSite? = nil
            var start = 0
            while site == nil && start < tokens.count {
                let count = min(state.batchCapacity, tokens.count - start)
                site = tokens.withUnsafeBufferPointer { ids in
                    logitsBuffer.withUnsafeMutableBufferPointer { logits in
                        forwardBatch(ids.baseAddress! + start, count: count, position: startPosition + start,
                                     logits: logits.baseAddress!, allLogits: false, locatingNonFinite: true)
                    }
                }
                start += count
            }
            cachedCount = startPosition
            throw ModelError(description: "the model produced NaN or infinity \(site?.description ?? "in its output")"
                             + "; its weights or metadata are corrupt")
        }
        return logitsBuffer
    }

    /// Multiplies prepared inputs by several matrices in one fork/join: each worker takes a share of every matrix's rows.
    func multiply(_ input: PreparedBatch, _ jobs: (matrix: WeightMatrix, out: UnsafeMutablePointer<Float>)...) {
        // Row shares are multiples of 4 rows, so neighbours do not split a cache line of output (and the
        // nibble kernels start at a row group); only as many workers as the largest matrix has groups.
        let workers = WorkerPool.workers(for: jobs.map(\.matrix.rows).max() ?? 0, granule: 4, threads: pool.threadCount)
        pool.run(workers: workers) { worker in
            for job in jobs {
                let rows = WorkerPool.share(of: job.matrix.rows, worker: worker, workers: workers, granule: 4)
                if !rows.isEmpty { job.matrix.multiply(input, rows: rows, job.out, outStride: job.matrix.rows) }
            }
        }
    }
}
