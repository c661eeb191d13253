import Foundation
import Testing
@testable import KernelsAVX2
@testable import KernelsAVX512
@testable import KernelsPortable
@testable import Runtime

/// approximateExp as compiled for `isa` (Kernels/ISA/ApproximateExp.swift is built once per instruction set).
private func approximateExp(_ x: SIMD16<Float>, _ isa: InstructionSet) -> SIMD16<Float> {
    switch isa {
    case .avx512, .avx512vnni: KernelsAVX512.approximateExp(x)
    case .avx2: KernelsAVX2.approximateExp(x)
    case .portable: KernelsPortable.approximateExp(x)
    }
}

/// ggml's vectorized exp (reproduced in approximateExp): close to libm's expf across the range softmax
/// and SiLU use, and flushing like ggml outside it, in every variant this CPU runs (the portable one
/// multiplies and adds instead of fusing, and stays within the same bounds).
struct ApproximateExpTests {
    @Test(arguments: InstructionSet.supported())
    func staysWithinTwoUlpOfExpf(_ isa: InstructionSet) {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            var lanes = SIMD16<Float>()
            for i in 0..<16 { lanes[i] = x + Float(i) * 0.0137 }
            let got = approximateExp(lanes, isa)
            for i in 0..<16 {
                let want = expf(lanes[i])
                worst = max(worst, abs(got[i] - want) / want.ulp)
            }
            x += 0.219
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
    }

    @Test(arguments: InstructionSet.supported())
    func flushesAndKeepsSpecialValues(_ isa: InstructionSet) {
        let got = approximateExp(SIMD16<Float>(-.infinity, .infinity, -200, 200, 0, -100, 100, .nan,
                                               -1, 1, 0.5, -0.5, 10, -10, 88.5, -95), isa)
        #expect(got[0] == 0 && got[1] == .infinity && got[2] == 0 && got[3] == .infinity)
        #expect(got[4] == 1)
        #expect(got[5] > 0 && got[5] < Float.leastNormalMagnitude)          // subnormal, not flushed
        #expect(got[6] == .infinity)                    // e^100 is past Float.max
        #expect(got[7].isNaN)
        #expect(got[14].isFinite && abs(got[14] - expf(88.5)) <= 2 * expf(88.5).ulp)   // just below Float.max
        #expect(abs(got[15] - expf(-95)) <= 2 * Float.leastNonzeroMagnitude)          // subnormal, rounded once
        #expect(abs(got[8] - expf(-1)) <= 2 * expf(-1).ulp && abs(got[12] - expf(10)) <= 2 * expf(10).ulp)
    }
}
