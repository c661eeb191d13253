import Testing
@testable import mfc

/// `--threads` takes 1 to the runtime's maximum; 100000 is a usage error, never 100000 threads.
@Test(arguments: ["run", "quantize", "bench"])
func threadCountsBeyondTheMaximumAreUsageErrors(_ command: String) {
    let args = command == "quantize" ? ["quantize", "--threads", "100000", "a.gguf", "b.gguf", "q8_0"]
        : command == "bench" ? ["bench", "--threads", "1,100000", "a.gguf"] : ["run", "a.gguf", "--threads", "100000"]
    let r = runMFC(args)
    #expect(r.status == 2, "\(r.err)")
    #expect(r.err.contains("--threads needs a whole number from 1 to 512, got '100000'"), "\(r.err)")
}

@Test func threadCountsInRangeParse() throws {
    #expect(try ThreadOption.parse("1") == 1)
    #expect(try ThreadOption.parse("512") == 512)
    #expect(throws: UsageError.self) { try ThreadOption.parse("0") }
    #expect(throws: UsageError.self) { try ThreadOption.parse("-4") }
    #expect(throws: UsageError.self) { try ThreadOption.parse("513") }
}
