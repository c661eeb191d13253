import Testing
import ModelTestSupport
@testable import Runtime

/// A NaN or infinity anywhere in the weights never traps (every kernel variant quantizes NaN inputs
/// without overflow) and stops the forward pass with an error naming where it first appeared.
struct NonFiniteTests {
    static func forwardError(_ model: TinyModel, isa: InstructionSet? = nil) throws -> String? {
        let engine = try LlamaModel(gguf: model.file(), contextLength: 16, threads: 3, batchSize: 4, dequantized: false, instructionSet: isa)
        do { _ = try engine.forward(tokens: [2, 3, 4, 5, 6, 7], startPosition: 0); return nil } catch { return error.description }
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func aBadWeightInALayerNamesTheLayer(_ bad: Float) throws {
        var model = TinyModel()
        model.pokes = ["blk.1.ffn_up.weight": (5, bad)]
        let message = try #require(try Self.forwardError(model))
        #expect(message.contains("the model produced NaN or infinity at layer 1 (blk.1.*)"), "\(message)")
    }

    @Test func aBadEmbeddingAndABadOutputNormAreNamed() throws {
        var model = TinyModel()
        model.pokes = ["token_embd.weight": (3 * 32 + 1, .nan)]   // row of token 3, which the prompt uses
        #expect(try Self.forwardError(model)?.contains("in the token embeddings") == true)
        model.pokes = ["output_norm.weight": (0, .nan)]
        #expect(try Self.forwardError(model)?.contains("in the output layer") == true)
    }

    @Test func aCleanModelRunsAndAFailedRunCanBeRepeated() throws {
        #expect(try Self.forwardError(TinyModel()) == nil)
        var model = TinyModel()
        model.pokes = ["blk.0.attn_q.weight": (0, .nan)]
        let engine = try LlamaModel(gguf: model.file(), contextLength: 16, threads: 2)
        for _ in 0..<2 { #expect(throws: ModelError.self) { try engine.forward(tokens: [2, 3], startPosition: 0) } }
        #expect(engine.cachedCount == 0)
    }

    /// Every kernel variant this CPU runs prepares NaN and infinite inputs without trapping.
    @Test func everyKernelVariantPreparesNonFiniteInputs() throws {
        let variants = InstructionSet.allCases.filter { $0.missingFlags(cpuinfo: InstructionSet.cpuinfo()).isEmpty }
        #expect(!variants.isEmpty)
        for isa in variants {
            var model = TinyModel()
            model.pokes = ["blk.0.attn_norm.weight": (7, .infinity)]
            #expect(try Self.forwardError(model, isa: isa)?.contains("layer 0") == true, "\(isa)")
            let input = PreparedBatch(columns: 256, capacity: 1, kernels: isa.kernels)
            let x = (0..<256).map { i -> Float in [Float.nan, .infinity, -.infinity, 1e38, 3][i % 5] }
            x.withUnsafeBufferPointer { input.prepare($0.baseAddress!, count: 1, stride: 256) }
        }
    }

    @Test func activationQuantizersAcceptNonFiniteInputs() {
        let x = (0..<256).map { i -> Float in [Float.nan, .infinity, -.infinity, 2][i % 4] }
        var out = [UInt8](repeating: 0, count: 292)
        x.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBytes { o in
                quantizeRowQ8_0(p.baseAddress!, o.baseAddress!, count: 32)
                quantizeRowQ8_1(p.baseAddress!, o.baseAddress!, count: 32)
                quantizeRowQ8_K(p.baseAddress!, o.baseAddress!, count: 256)
            }
        }
        #expect(out.count == 292)
    }
}
