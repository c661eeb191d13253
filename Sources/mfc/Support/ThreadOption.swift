import Runtime

/// The one parser of thread counts (`run`, `quantize` and `bench` take `--threads`).
enum ThreadOption {
    /// A thread count from 1 to the runtime's maximum; anything else is a usage error, never thousands of threads.
    static func parse(_ text: some StringProtocol, option: String = "--threads") throws(UsageError) -> Int {
        let limit = LlamaModel.maximumThreads
        guard let n = Int(text), (1...limit).contains(n) else {
            throw UsageError("\(option) needs a whole number from 1 to \(limit), got '\(text)'")
        }
        return n
    }
}
