import Foundation

/// Runs llama.cpp's llama-bench (built from the same machine's sources) for the anchor figures.
struct LlamaBench {
    let executable: String

    /// Where a llama.cpp tool may be when no path is given: `$LLAMA_CPP_BIN/NAME`, then each `$PATH` entry.
    static func defaultPaths(named name: String = "llama-bench",
                             environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        let dirs = [environment["LLAMA_CPP_BIN"]].compactMap { $0 } + (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return dirs.map { $0 + "/" + name }
    }

    /// The given path, or the first default one that exists and is executable.
    static func locate(_ path: String?, named name: String = "llama-bench") -> LlamaBench? {
        let candidates = path.map { [$0] } ?? defaultPaths(named: name)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }.map { LlamaBench(executable: $0) }
    }

    /// Figures by test name as llama-bench prints them ("pp256", "tg128", "tg128 @ d4096"); empty when llama-bench fails.
    func run(model: String, prompt: Int, generate: Int, depth: Int = 0, threads: Int, repetitions: Int) -> [String: Statistics] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-m", model, "-p", "\(prompt)", "-n", "\(generate)", "-t", "\(threads)",
                             "-r", "\(repetitions)", "-o", "json"] + (depth > 0 ? ["-d", "\(depth)"] : [])
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return [:] }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let rows = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [:] }
        var result: [String: Statistics] = [:]
        for row in rows {
            guard let mean = row["avg_ts"] as? Double, let deviation = row["stddev_ts"] as? Double else { continue }
            let nPrompt = row["n_prompt"] as? Int ?? 0, nGen = row["n_gen"] as? Int ?? 0, nDepth = row["n_depth"] as? Int ?? 0
            let name = (nPrompt > 0 ? "pp\(nPrompt)" : "tg\(nGen)") + (nDepth > 0 ? " @ d\(nDepth)" : "")
            result[name] = Statistics(mean: mean, deviation: deviation)
        }
        return result
    }
}
