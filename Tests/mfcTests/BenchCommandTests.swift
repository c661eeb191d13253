import Foundation
import Testing
import TestSupport
@testable import mfc
import Runtime

/// `mfc bench` prints one table row per thread count and test, with positive rates, and peak memory.
@Test func benchPrintsRatesForEachTest() throws {
    let model = try TestModels.smolLM2()
    let r = runMFC(["bench", model, "-p", "8", "-n", "4", "-t", "1,2", "-r", "1", "--no-llama"])
    #expect(r.status == 0, "\(r.err)")
    let rows = r.out.split(separator: "\n").filter { $0.hasPrefix("| 1 |") || $0.hasPrefix("| 2 |") }
    #expect(rows.map { $0.split(separator: "|")[0...1].map { $0.trimmingCharacters(in: .whitespaces) } }
            == [["1", "pp8"], ["1", "tg4"], ["2", "pp8"], ["2", "tg4"]])
    for row in rows {
        let rate = Double(row.split(separator: "|")[2].split(separator: " ")[0]) ?? 0
        #expect(rate > 0, "\(row)")
    }
    #expect(r.out.contains("peak memory (VmHWM): "))
    #expect(r.out.contains("kernels: \(try InstructionSet.select()) "), "\(r.out)")
}

/// Bad numbers are usage errors; a file that is not GGUF is a failure, not a crash.
@Test func benchRejectsBadArguments() {
    #expect(runMFC(["bench", "x.gguf", "-t", "0"]).status == 2)
    #expect(runMFC(["bench", "x.gguf", "-p", "many"]).status == 2)
    #expect(runMFC(["bench", "/dev/null", "--no-llama"]).status == 1)
}
