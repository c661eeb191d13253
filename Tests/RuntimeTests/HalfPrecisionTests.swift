import Testing
@testable import Runtime

/// The bit-level f16 conversion must round exactly like the hardware/stdlib conversion.
@Test func fp16BitsMatchesStdlibRoundingOnEveryExponent() {
    var state: UInt64 = 0x1234_5678
    var mismatches: [UInt32] = []
    for _ in 0..<200_000 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let bits = UInt32(truncatingIfNeeded: state >> 32)
        let value = Float(bitPattern: bits)
        guard !value.isNaN else { continue }
        if floatToHalf(value) != Float16(value).bitPattern { mismatches.append(bits) }
    }
    // Ties and the subnormal/overflow edges, where hand-written rounding usually goes wrong.
    let edges: [Float] = [65504, 65519.99, 65520, 0x1p-24, 0x1p-25, 0x1.8p-25, 0x1p-14, 0x1.ffcp-15, 1 + 0x1p-11, 1 + 0x3p-11]
    for e in edges + edges.map({ -$0 }) where floatToHalf(e) != Float16(e).bitPattern {
        mismatches.append(e.bitPattern)
    }
    #expect(mismatches.isEmpty, "first mismatching inputs: \(mismatches.prefix(5).map { String($0, radix: 16) })")
    #expect(floatToHalf(.nan) & 0x7FFF == 0x7E00)
}

@Test func fp16AndBF16RoundTripExactly() {
    for bits in UInt16.min...UInt16.max {
        let f = halfToFloat(bits)
        if f.isNaN { continue }
        #expect(floatToHalf(f) == bits)
        #expect(floatToBFloat16(bfloat16ToFloat(bits)) == bits || bfloat16ToFloat(bits).isNaN)
    }
    #expect(floatToBFloat16(1 + 0x1p-8) == 0x3F80)      // tie rounds to even
    #expect(floatToBFloat16(1 + 0x3p-8) == 0x3F82)
}
