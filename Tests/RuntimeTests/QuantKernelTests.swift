import Testing
@testable import Runtime

/// Random ggml blocks: random quant bytes, with every f16 field replaced by a modest finite value.
func randomBlocks(_ type: GGMLType, columns: Int, rows: Int, seed: UInt64) -> [UInt8] {
    var rng = TestRNG(seed: seed)
    let rowBytes = type.rowBytes(elements: columns)!
    var bytes = (0..<rowBytes * rows).map { _ in UInt8.random(in: 0...255, using: &rng) }
    let halfFields: [Int]
    switch type {
    case .q4_0, .q8_0, .q5_0: halfFields = [0]
    case .q4_1, .q5_1: halfFields = [0, 2]
    case .q2_K: halfFields = [80, 82]
    case .q3_K: halfFields = [108]
    case .q4_K, .q5_K: halfFields = [0, 2]
    case .q6_K: halfFields = [208]
    case .f16, .bf16, .f32: halfFields = []
    default: halfFields = []
    }
    let blocks = rowBytes * rows / type.blockBytes
    for b in 0..<blocks {
        for f in halfFields {
            let h = Float16(Float.random(in: -0.02...0.02, using: &rng)).bitPattern
            bytes[b * type.blockBytes + f] = UInt8(h & 0xFF)
            bytes[b * type.blockBytes + f + 1] = UInt8(h >> 8)
        }
    }
    if type == .f16 || type == .bf16 || type == .f32 {
        // Replace raw bytes by encodings of modest floats (random bytes would give NaN and infinities).
        bytes = []
        for _ in 0..<columns * rows {
            let v = Float.random(in: -1...1, using: &rng)
            switch type {
            case .f32: withUnsafeBytes(of: v) { bytes += $0 }
            case .f16: withUnsafeBytes(of: Float16(v).bitPattern) { bytes += $0 }
            default: withUnsafeBytes(of: UInt16(v.bitPattern >> 16)) { bytes += $0 }
            }
        }
    }
    return bytes
}

/// SplitMix64, so random blocks are the same on every run.
struct TestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct KernelCase: Sendable, CustomTestStringConvertible {
    let type: GGMLType
    let columns: Int
    var testDescription: String { "\(type.name) × \(columns)" }
    static let all: [KernelCase] = [
        .init(type: .f32, columns: 100), .init(type: .f16, columns: 576), .init(type: .bf16, columns: 576),
        .init(type: .q4_0, columns: 576), .init(type: .q4_1, columns: 576), .init(type: .q4_1, columns: 1536),
        .init(type: .q5_0, columns: 640), .init(type: .q5_1, columns: 576), .init(type: .q8_0, columns: 576),
        .init(type: .q2_K, columns: 768), .init(type: .q3_K, columns: 768), .init(type: .q4_K, columns: 640 + 128),
        .init(type: .q5_K, columns: 1536), .init(type: .q6_K, columns: 2048),
    ]
}

/// Each fast kernel of every instruction set this CPU runs against the scalar reference: dequantize the
/// weights, dequantize the q8 activations (or use the floats themselves for float weights) and dot in Double.
/// Tolerance: 1e-5 of Σ|w·x|.
@Test(arguments: KernelCase.all, InstructionSet.supported())
func fastKernelMatchesScalarReference(_ c: KernelCase, _ isa: InstructionSet) throws {
    let rows = 5, tokens = 6   // 6 tokens: one tile of 4 plus a remainder of 2
    let blocks = randomBlocks(c.type, columns: c.columns, rows: rows, seed: UInt64(c.type.rawValue) * 7919 + UInt64(c.columns))
    var rng = TestRNG(seed: 42)
    let x = (0..<tokens * c.columns).map { _ in Float.random(in: -2...2, using: &rng) }

    let matrix = try blocks.withUnsafeBytes { try WeightMatrix(type: c.type, data: $0, rows: rows, columns: c.columns) }
    let input = PreparedBatch(columns: c.columns, capacity: tokens, kernels: isa.kernels)
    x.withUnsafeBufferPointer { input.prepare($0.baseAddress!, count: tokens, stride: c.columns) }
    var fast = [Float](repeating: .nan, count: tokens * rows)
    fast.withUnsafeMutableBufferPointer { matrix.multiply(input, rows: 0..<rows, $0.baseAddress!, outStride: rows) }

    var weights = [Float](repeating: 0, count: c.columns * rows)
    let rowBytes = c.type.rowBytes(elements: c.columns)!
    blocks.withUnsafeBytes { b in
        weights.withUnsafeMutableBufferPointer { w in
            for r in 0..<rows { #expect(dequantizeRow(c.type, b.baseAddress! + r * rowBytes, w.baseAddress! + r * c.columns, count: c.columns)) }
        }
    }
    let quantizesInput = matrix.layout != .float
    var maxError = 0.0
    for t in 0..<tokens {
        var xs = Array(x[t * c.columns ..< (t + 1) * c.columns])
        if quantizesInput { xs = roundTripQ8_0(xs) }
        for r in 0..<rows {
            var expected = 0.0, magnitude = 0.0
            for j in 0..<c.columns {
                expected += Double(weights[r * c.columns + j]) * Double(xs[j])
                magnitude += abs(Double(weights[r * c.columns + j]) * Double(xs[j]))
            }
            let error = abs(Double(fast[t * rows + r]) - expected) / max(magnitude, 1e-30)
            maxError = max(maxError, error)
        }
    }
    #expect(maxError < 1e-5, "max relative error \(maxError)")
}

/// Quantize to Q8_0 with the reference quantizer and back.
func roundTripQ8_0(_ x: [Float]) -> [Float] {
    let padded = x + [Float](repeating: 0, count: (32 - x.count % 32) % 32)
    var blocks = [UInt8](repeating: 0, count: padded.count / 32 * 34)
    var out = [Float](repeating: 0, count: padded.count)
    padded.withUnsafeBufferPointer { p in
        blocks.withUnsafeMutableBytes { quantizeRowQ8_0(p.baseAddress!, $0.baseAddress!, count: padded.count) }
    }
    blocks.withUnsafeBytes { b in out.withUnsafeMutableBufferPointer { dequantizeActivations(.q8_0, b.baseAddress!, $0.baseAddress!, count: padded.count) } }
    return Array(out.prefix(x.count))
}

/// The prepared input's quants and scales are exactly the reference Q8_0/Q8_1 blocks, for every instruction set.
@Test(arguments: InstructionSet.supported())
func preparedInputMatchesReferenceQuantizer(_ isa: InstructionSet) {
    var rng = TestRNG(seed: 7)
    let n = 576
    let x = (0..<n).map { _ in Float.random(in: -3...3, using: &rng) * (Bool.random(using: &rng) ? 1 : 0.01) }
    var q8_1 = [UInt8](repeating: 0, count: n / 32 * 36)
    x.withUnsafeBufferPointer { p in q8_1.withUnsafeMutableBytes { quantizeRowQ8_1(p.baseAddress!, $0.baseAddress!, count: n) } }
    let input = PreparedBatch(columns: n, capacity: 1, kernels: isa.kernels)
    x.withUnsafeBufferPointer { input.prepare($0.baseAddress!, count: 1, stride: n) }
    let base = input.token(0)
    var mismatches = 0
    for b in 0..<n / 32 {
        let d = q8_1.withUnsafeBytes { $0.baseAddress!.half(at: 36 * b) }
        let s = q8_1.withUnsafeBytes { $0.baseAddress!.half(at: 36 * b + 2) }
        if base.load(fromByteOffset: input.view.scalesOffset + 4 * b, as: Float.self) != d { mismatches += 1 }
        if base.load(fromByteOffset: input.view.sumsOffset + 4 * b, as: Float.self) != s { mismatches += 1 }
        for j in 0..<32 where base.load(fromByteOffset: input.view.quantsOffset + 32 * b + j, as: Int8.self) != Int8(bitPattern: q8_1[36 * b + 4 + j]) {
            mismatches += 1
        }
    }
    #expect(mismatches == 0)
}

/// Q8_K: the block sums are the sums of the quants, and the round trip is within half a step.
@Test func q8KQuantizationRoundTrips() {
    var rng = TestRNG(seed: 9)
    let x = (0..<512).map { _ in Float.random(in: -5...5, using: &rng) }
    var blocks = [UInt8](repeating: 0, count: 2 * 292)
    var back = [Float](repeating: 0, count: 512)
    x.withUnsafeBufferPointer { p in blocks.withUnsafeMutableBytes { quantizeRowQ8_K(p.baseAddress!, $0.baseAddress!, count: 512) } }
    blocks.withUnsafeBytes { b in back.withUnsafeMutableBufferPointer { dequantizeActivations(.q8_K, b.baseAddress!, $0.baseAddress!, count: 512) } }
    for b in 0..<2 {
        let d = blocks.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 292 * b, as: Float.self) }
        for j in 0..<256 { #expect(abs(back[256 * b + j] - x[256 * b + j]) <= abs(d) * 0.5001) }
        for g in 0..<16 {
            let stored = blocks.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 292 * b + 260 + 2 * g, as: Int16.self) }
            let sum = (0..<16).reduce(0) { $0 + Int(Int8(bitPattern: blocks[292 * b + 4 + 16 * g + $1])) }
            #expect(Int(stored) == sum)
        }
    }
}

/// Hand-computed values pin the reference dequantizers to the spec's formulas.
@Test func referenceDequantizationOfHandMadeBlocks() {
    // Q4_0: d = 0.5, qs[0] = 0x1F → y[0] = (15-8)·0.5, y[16] = (1-8)·0.5.
    var q4_0 = [UInt8](repeating: 0x88, count: 18)
    q4_0[0] = 0x00; q4_0[1] = 0x38; q4_0[2] = 0x1F
    var y = [Float](repeating: 0, count: 32)
    q4_0.withUnsafeBytes { b in y.withUnsafeMutableBufferPointer { _ = dequantizeRow(.q4_0, b.baseAddress!, $0.baseAddress!, count: 32) } }
    #expect(y[0] == 3.5 && y[16] == -3.5 && y[1] == 0)
    // Q6_K: d = 1, scales all 2, ql = 0, qh = 0 → every q = -32 → y = -64; set qh[0] bits 2-3 = 1 → y[32] = (16-32)·2.
    var q6 = [UInt8](repeating: 0, count: 210)
    for s in 0..<16 { q6[192 + s] = 2 }
    q6[208] = 0x00; q6[209] = 0x3C
    q6[128] = 0b0100
    var z = [Float](repeating: 0, count: 256)
    q6.withUnsafeBytes { b in z.withUnsafeMutableBufferPointer { _ = dequantizeRow(.q6_K, b.baseAddress!, $0.baseAddress!, count: 256) } }
    #expect(z[0] == -64 && z[32] == -32 && z[255] == -64)
}
