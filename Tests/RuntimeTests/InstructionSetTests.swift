import Foundation
import KernelInterface
import Testing
import TestSupport
@testable import Runtime

// Run-time choice of the kernel variant, and agreement of every variant this CPU runs: the element-wise
// kernels against scalar references, and whole-model greedy generation across variants. (The quantized
// matrix kernels of every variant are checked in QuantKernelTests.)

private let avx2Flags = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma f16c abm bmi1 bmi2 movbe\n"
private let avx512Flags = avx2Flags.replacingOccurrences(of: "movbe", with: "movbe avx512f avx512bw avx512cd avx512dq avx512vl")
private let vnniFlags = avx512Flags.replacingOccurrences(of: "avx512vl", with: "avx512vl avx512_vnni")

@Test func supportedLevelsFollowCPUFlags() {
    #if arch(x86_64)
    #expect(InstructionSet.supported(cpuinfo: vnniFlags) == [.avx512vnni, .avx512, .avx2, .portable])
    #expect(InstructionSet.supported(cpuinfo: avx512Flags) == [.avx512, .avx2, .portable])
    #expect(InstructionSet.avx512vnni.missingFlags(cpuinfo: avx512Flags) == ["avx512_vnni"])
    #expect(InstructionSet.supported(cpuinfo: avx2Flags) == [.avx2, .portable])
    #expect(InstructionSet.supported(cpuinfo: "flags\t: fpu sse sse2 avx\n") == [.portable])
    #expect(InstructionSet.avx512.missingFlags(cpuinfo: avx2Flags) == ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"])
    #endif
    #expect(InstructionSet.supported(cpuinfo: nil) == [.portable])
    #expect(InstructionSet.supported().last == .portable)
}

@Test func environmentOverridesTheChoice() throws {
    #if arch(x86_64)
    #expect(try InstructionSet.select(environment: [:], cpuinfo: vnniFlags) == .avx512vnni)
    #expect(try InstructionSet.select(environment: ["MFC_ISA": "avx512"], cpuinfo: vnniFlags) == .avx512)
    #expect(try InstructionSet.select(environment: [:], cpuinfo: avx512Flags) == .avx512)
    #expect(try InstructionSet.select(environment: ["MFC_ISA": ""], cpuinfo: avx2Flags) == .avx2)
    #expect(try InstructionSet.select(environment: ["MFC_ISA": "AVX2"], cpuinfo: avx512Flags) == .avx2)
    #expect(try InstructionSet.select(environment: ["MFC_ISA": "portable"], cpuinfo: avx512Flags) == .portable)
    // Asking for more than the CPU has must fail with a message, not SIGILL.
    #expect(throws: ModelError.self) { try InstructionSet.select(environment: ["MFC_ISA": "avx512"], cpuinfo: avx2Flags) }
    #endif
    #expect(throws: ModelError.self) { try InstructionSet.select(environment: ["MFC_ISA": "sse9"], cpuinfo: avx512Flags) }
}

/// Random floats in -scale...scale, the same on every run.
private func randomFloats(_ n: Int, seed: UInt64, scale: Float = 2) -> [Float] {
    var rng = TestRNG(seed: seed)
    return (0..<n).map { _ in Float.random(in: -scale...scale, using: &rng) }
}

private func maxRelativeError(_ a: [Float], _ reference: [Double]) -> Double {
    let magnitude = max(reference.map(abs).max() ?? 0, 1e-30)
    return zip(a, reference).map { abs(Double($0) - $1) }.max().map { $0 / magnitude } ?? 0
}

/// RMSNorm, RoPE (both pairings), SwiGLU and GELU of every variant against Double references, and f16 rounding.
/// Tolerance 1e-6 of the largest output (f32 arithmetic in a different order, FMA or not).
@Test(arguments: InstructionSet.supported())
func elementwiseKernelsMatchReferences(_ isa: InstructionSet) {
    let k = isa.kernels, n = 576
    let x = randomFloats(n, seed: 1), w = randomFloats(n, seed: 2)
    var out = [Float](repeating: 0, count: n)
    k.rmsNorm(x, w, &out, n, 1e-5)
    let meanSquare = x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(n)
    let normed = (0..<n).map { Double(x[$0]) / (meanSquare + 1e-5).squareRoot() * Double(w[$0]) }
    #expect(maxRelativeError(out, normed) < 1e-6, "rmsNorm \(isa)")

    for neox in [false, true] {
        let heads = 3, hd = 64, ropeDimension = 64
        var v = randomFloats(heads * hd, seed: 3)
        let original = v
        var table = [Float](repeating: 0, count: ropeDimension)
        k.ropeTable(17, ropeDimension, 10_000, 1, &table)
        k.applyRoPE(&v, heads, hd, ropeDimension, neox, table)
        var expected = original.map(Double.init)
        for h in 0..<heads {
            for i in 0..<ropeDimension / 2 {
                let theta = 17 * pow(10_000.0, -2 * Double(i) / Double(ropeDimension))
                let (a, b) = neox ? (h * hd + i, h * hd + i + ropeDimension / 2) : (h * hd + 2 * i, h * hd + 2 * i + 1)
                expected[a] = Double(original[a]) * cos(theta) - Double(original[b]) * sin(theta)
                expected[b] = Double(original[a]) * sin(theta) + Double(original[b]) * cos(theta)
            }
        }
        #expect(maxRelativeError(v, expected) < 1e-5, "rope neox=\(neox) \(isa)")   // the f32 θ recurrence drifts
    }

    var gate = randomFloats(n, seed: 4, scale: 8)
    let up = randomFloats(n, seed: 5)
    let swiglu = (0..<n).map { Double(gate[$0]) / (1 + exp(-Double(gate[$0]))) * Double(up[$0]) }
    k.swiGLU(&gate, up, n)
    #expect(maxRelativeError(gate, swiglu) < 1e-6, "swiGLU \(isa)")

    let table = GeluTable()
    var g2 = randomFloats(n, seed: 6, scale: 12)
    let gelu: [Float] = (0..<n).map { i in
        let g = g2[i]
        return g <= -10 ? 0 : g >= 10 ? g * up[i] : table.values[Int(Float16(g).bitPattern)] * up[i]
    }
    k.geluGLU(&g2, up, n, table.values)
    #expect(g2 == gelu, "geluGLU \(isa)")

    // The KV cache's f32 → f16 rounding: the same bits as Float16(x), with a tail past the 16-lane loop.
    let wide = randomFloats(37, seed: 10, scale: 70_000) + [1e-8, -0.0, .infinity, 65_520, 65_519.99]
    var halves = [Float16](repeating: 1, count: wide.count)
    k.roundToHalves(wide, wide.count, &halves)
    #expect(halves.map(\.bitPattern) == wide.map { Float16($0).bitPattern }, "roundToHalves \(isa)")
}

/// Both attention paths of every variant against exact softmax attention in Double over f16 keys and values,
/// without and with a score softcap (c·tanh(s/c), c = 0.5 so that it bends most scores).
/// Tolerance: 1e-6 (tiled path: f32 with ggml's approximate exp) and 2e-3 (the one-chunk path rounds q and the
/// accumulator to f16) of max |out|.
@Test(arguments: InstructionSet.supported(), [Float(0), 0.5])
func attentionKernelsMatchReference(_ isa: InstructionSet, softcap: Float) {
    let k = isa.kernels, hd = 64, stride = 3 * hd, positions = 40, scale = 1 / Float(8)
    let q = randomFloats(hd, seed: 7)
    let keys = randomFloats(positions * stride, seed: 8).map(Float16.init)
    let values = randomFloats(positions * stride, seed: 9).map(Float16.init)
    let range = 5...(positions - 1)
    let cap = Double(softcap)
    var scores = (range).map { j in
        let s = (0..<hd).reduce(0.0) { $0 + Double(q[$1]) * Double(keys[j * stride + $1]) } * Double(scale)
        return cap == 0 ? s : cap * tanh(s / cap)
    }
    let top = scores.max()!
    scores = scores.map { exp($0 - top) }
    let total = scores.reduce(0, +)
    let expected = (0..<hd).map { i in zip(range, scores).reduce(0.0) { $0 + $1.1 / total * Double(values[$1.0 * stride + i]) } }

    var tiled = [Float](repeating: 0, count: hd), online = [Float](repeating: 0, count: hd)
    // One float past an aligned start: workers' score scratch sits at worker·max(num_ctx, 64) floats, which
    // need not be 16-byte aligned (an aligned vector load there faulted with 2 threads and num_ctx 257).
    let tileScratch = UnsafeMutablePointer<Float>.allocate(capacity: 65)
    defer { tileScratch.deallocate() }
    var scratch = [Float16](repeating: 0, count: 2 * hd)
    let byPosition = positions + 16
    var keysByDimension = [Float](repeating: 0, count: stride * byPosition)
    keys.withUnsafeBufferPointer { kp in
        values.withUnsafeBufferPointer { vp in
            k.transposeKeys(kp.baseAddress!, stride, positions, &keysByDimension, byPosition)
            k.attendTiled(q, keysByDimension, byPosition, vp.baseAddress!, stride, range, scale, softcap, hd, tileScratch + 1, &tiled)
            k.attendOnline(q, kp.baseAddress!, vp.baseAddress!, stride, range, scale, softcap, hd, &scratch, &online)
        }
    }
    #expect(keysByDimension[5 * byPosition + 7] == Float(keys[7 * stride + 5]))
    #expect(maxRelativeError(tiled, expected) < 1e-6, "attendTiled \(isa) softcap \(softcap)")
    #expect(maxRelativeError(online, expected) < 2e-3, "attendOnline \(isa) softcap \(softcap)")
}

/// SmolLM2 across variants. AVX2 and AVX-512 do the same f32 operations in the same order: 32 greedy ids and
/// every logit are equal. The portable variant has no FMA and multiplies then adds (one more rounding per
/// step; with fmaf calls instead its logits were bit-equal too, at a third of the speed); the 8-bit
/// re-quantization of activations before every matrix amplifies those last-bit differences (measured max
/// |Δlogit| about 0.9, logits span about ±20), so greedy paths may part at a near-tie. It is checked by
/// teacher forcing the AVX-512 sequence: logits within 1.5, and argmax equal wherever AVX-512's top two
/// logits are more than 1.0 apart.
@Test func smolLM2AgreesAcrossVariants() throws {
    let gguf = try GGUFFile(path: TestModels.smolLM2())
    let prompt = try Tokenizer(vocabulary: Vocabulary(gguf: gguf)).encode("The three primary colors are").map(Int32.init)
    let supported = InstructionSet.supported()
    func load(_ isa: InstructionSet) throws -> LlamaModel {
        try LlamaModel(gguf: gguf, contextLength: 128, threads: 2, batchSize: 64, instructionSet: isa)
    }
    func greedy(_ model: LlamaModel) throws -> [Int32] {
        var logits = try model.forward(tokens: prompt, startPosition: 0), ids: [Int32] = []
        for _ in 0..<32 {
            ids.append(argmax(logits[...]).id)
            logits = try model.forward(tokens: [ids.last!], startPosition: prompt.count + ids.count - 1)
        }
        return ids
    }
    let reference = try #require(supported.first)
    let referenceModel = try load(reference)
    let ids = try greedy(referenceModel)
    let sequence = prompt + ids
    let expected = try referenceModel.forward(tokens: sequence, startPosition: 0, allLogits: true)
    let vocab = referenceModel.config.vocabularySize
    for isa in supported.dropFirst() {
        let model = try load(isa)
        #expect(model.instructionSet == isa)
        let logits = try model.forward(tokens: sequence, startPosition: 0, allLogits: true)
        let diff = zip(logits, expected).map { abs($0 - $1) }.max() ?? .infinity
        var flips: [String] = []
        for i in sequence.indices {
            let ours = argmax(logits[i * vocab ..< (i + 1) * vocab]), theirs = argmax(expected[i * vocab ..< (i + 1) * vocab])
            if ours.id != theirs.id { flips.append("position \(i): gap \(theirs.gap)") }
            if ours.id != theirs.id && theirs.gap > 1.0 { Issue.record("\(isa) picks \(ours.id) at \(i), \(reference) \(theirs.id) (gap \(theirs.gap))") }
        }
        print("SmolLM2 teacher-forced, \(isa) vs \(reference): max |Δlogit| \(diff), argmax differs at \(flips)")
        if isa == .portable {
            #expect(diff < 1.5, "max |Δlogit| \(diff)")
        } else {
            #expect(diff == 0, "max |Δlogit| \(diff)")
            #expect(try greedy(model) == ids)
        }
    }
}

/// The largest entry's index and its lead over the second largest.
private func argmax(_ logits: ArraySlice<Float>) -> (id: Int32, gap: Float) {
    var best = logits.startIndex, second = -Float.infinity
    for i in logits.indices where logits[i] > logits[best] { best = i }
    for i in logits.indices where i != best { second = max(second, logits[i]) }
    return (Int32(best - logits.startIndex), logits[best] - second)
}

/// The file quantizer's hot loop runs in the kernel variants: every variant writes the same bytes as the
/// Runtime's own quantizer (which the llama-quantize comparisons check) for every block format, and widens
/// every f16 bit pattern, NaNs included, to the same Float bits as `halfToFloat`.
@Test(arguments: InstructionSet.supported())
func quantizerKernelsMatchTheRuntimeQuantizer(_ isa: InstructionSet) throws {
    var rng = TestRNG(seed: 11)
    // 2 super-blocks; a few outliers, zeros and tiny values exercise the scale searches' edge cases.
    var values = (0..<512).map { _ in Float.random(in: -1...1, using: &rng) }
    values[3] = 40; values[300] = -25; values[100..<132] = ArraySlice(repeating: 0, count: 32); values[7] = 1e-30
    let types: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K]
    for type in types {
        let format = try #require(BlockFormat(type))
        let expected = try quantizeRow(type, values)
        var got = [UInt8](repeating: 0xAA, count: expected.count)
        values.withUnsafeBufferPointer { x in got.withUnsafeMutableBytes { isa.kernels.quantizeBlocks(format, x.baseAddress!, 512, $0.baseAddress!) } }
        #expect(got == expected, "\(type.name) with \(isa)")
    }
    let halves = (0...UInt16.max).map { $0.littleEndian }
    var widened = [Float](repeating: 0, count: halves.count)
    halves.withUnsafeBytes { h in widened.withUnsafeMutableBufferPointer { isa.kernels.widenHalves(h.baseAddress!, halves.count, $0.baseAddress!) } }
    let mismatches = zip(halves, widened).filter { halfToFloat($0).bitPattern != $1.bitPattern }.count
    #expect(mismatches == 0, "\(mismatches) f16 patterns widen differently with \(isa)")
}
