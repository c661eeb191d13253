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

/// `mfc bench --serve` starts `mfc serve` and streams from it beside the in-process generation: both rows
/// have the asked number of tokens, positive rates and CPU, and the same greedy text.
@Test func benchServeComparesTheServerWithInProcessGeneration() throws {
    let model = try TestModels.smolLM2()
    let r = try runChild(["bench", "--serve", model, "-n", "6", "-t", "1", "-r", "1", "--no-llama"],
                         cwd: FileManager.default.currentDirectoryPath, environment: [:])
    #expect(r.status == 0, "\(r.err)")
    let rows = r.out.split(separator: "\n").filter { $0.hasPrefix("| mfc ") }.map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
    #expect(rows.map { $0[0] } == ["mfc run (in-process)", "mfc serve"], "\(r.out)")
    for row in rows {
        #expect(row[2] == "6", "tokens: \(row)")
        for column in 3...5 { #expect((Double(row[column].split(separator: " ")[0]) ?? 0) > 0, "\(row)") }
    }
    #expect(r.out.contains("mfc serve text equals the in-process text"), "\(r.out)")
    #expect(!r.out.contains("warning:"), "\(r.out)")
}

/// `--serve` measures tokens/s after the first token, so it needs two.
@Test func benchServeNeedsTwoTokens() {
    #expect(runMFC(["bench", "--serve", "x.gguf", "-n", "1", "--no-llama"]).status == 2)
}
