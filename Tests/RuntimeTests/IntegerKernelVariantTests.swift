import Testing
@testable import Runtime

/// The interleaved integer matrix kernels (bytes and nibbles) give the same bits in every variant with FMA: AVX2,
/// AVX-512 and the C kernels on AVX-512 VNNI compute the same exact integer lanes and the same f32 operations in
/// the same order. Random blocks (seeded per type; the seed is in every message) with a partial last row group and
/// an odd number of groups, token counts around the 4-token tiles, and row ranges that start inside the matrix
/// (worker shares).
@Test(arguments: [GGMLType.q8_0, .q5_0, .q6_K, .q3_K, .q4_0, .q4_1, .q4_K])
func integerKernelsAreBitIdenticalAcrossVariants(_ type: GGMLType) throws {
    let variants = InstructionSet.supported().filter { $0 != .portable }
    let reference = try #require(variants.first, "this CPU runs no kernel variant with FMA")
    let rows = 22, columns = type.blockSize == 256 ? 768 : 640
    let seed = 1_000 + UInt64(type.rawValue)
    let blocks = randomBlocks(type, columns: columns, rows: rows, seed: seed)
    let matrix = try blocks.withUnsafeBytes { try WeightMatrix(type: type, data: $0, rows: rows, columns: columns) }
    var rng = TestRNG(seed: seed)
    for tokens in [1, 2, 3, 4, 5, 7, 9] {
        // Magnitudes from 0.01 to 100 across tokens; one token of zeros (a zero scale in every block).
        let x: [Float] = (0..<tokens * columns).map { i in
            i / columns == 1 ? 0 : Float.random(in: -1...1, using: &rng) * [0.01, 1, 100][(i / columns) % 3]
        }
        for range in [0..<rows, 8..<rows, 4..<12] {
            func product(_ isa: InstructionSet) -> [UInt32] {
                let input = PreparedBatch(columns: columns, capacity: tokens, kernels: isa.kernels)
                x.withUnsafeBufferPointer { input.prepare($0.baseAddress!, count: tokens, stride: columns) }
                var out = [Float](repeating: .nan, count: tokens * rows)
                out.withUnsafeMutableBufferPointer { matrix.multiply(input, rows: range, $0.baseAddress!, outStride: rows) }
                return (0..<tokens).flatMap { t in range.map { out[t * rows + $0].bitPattern } }
            }
            let expected = product(reference)
            #expect(!expected.contains(Float.nan.bitPattern), "\(type.name) \(reference): rows \(range) not all written")
            for isa in variants.dropFirst() {
                #expect(product(isa) == expected, "\(type.name), seed \(seed), \(tokens) tokens, rows \(range): \(isa) differs from \(reference)")
            }
        }
    }
}
