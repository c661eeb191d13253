import Foundation
import Runtime

/// `mfc bench MODEL.gguf`: prompt processing and generation speed, per-kernel bandwidth, peak memory,
/// and llama.cpp's llama-bench on the same model in the same run when it is available.
enum BenchCommand: MFCCommand {
    static let info = CommandInfo(
        name: "bench", abstract: "Measure inference speed on a GGUF model.",
        usage: "[options] MODEL.gguf",
        discussion: """
        Prompt processing (ppN: N tokens in one batch from an empty cache) and generation (tgN: N tokens one
        at a time from an empty cache), in tokens per second, mean ± standard deviation over the repetitions,
        as llama-bench measures them. With --depth D the cache first holds D tokens (filled untimed, as
        llama-bench -d does), so "tg128 @ d4096" is generation after 4,096 tokens of context; "mfc CPU" is
        this process's CPU time per token (worker threads spin, so about threads × wall time). With --parallel, tgN xS is S sequences generating N tokens each, decoded
        together one step at a time (as `mfc serve` batches its slots), in aggregate tokens per second. With --serve: time to first token and generation speed of one streaming
        client through `mfc serve` (a child process on a free port), `mfc run`'s generation in this process and
        llama-server, each given the same raw prompt, greedy settings, -n tokens and thread count, repetitions
        interleaved. Build with `swift build -c release` first: debug builds are ~50x slower.
        """,
        options: [
            OptionSpec(["-p", "--prompt"], value: "N", help: "prompt tokens (default 256; 0 skips)"),
            OptionSpec(["-n", "--generate"], value: "N", help: "generated tokens (default 128; 0 skips)"),
            OptionSpec(["-t", "--threads"], value: "LIST", help: "thread counts, comma-separated (default 1,2)"),
            OptionSpec(["--parallel"], value: "LIST", help: "also generate with this many sequences at once, comma-separated (e.g. 1,2,4,8,16)"),
            OptionSpec(["-d", "--depth"], value: "LIST", help: "tokens of context before each test, comma-separated (default 0; e.g. 0,1024,4096)"),
            OptionSpec(["-r", "--repetitions"], value: "N", help: "repetitions per figure (default 3)"),
            OptionSpec(["--interleave"], help: "run llama-bench once after each mfc repetition (paired samples on a busy machine); the ratio is then the median of the pairs' ratios"),
            OptionSpec(["--kernels"], help: "also print per-kernel GB/s (one token) and GMAC/s (64 tokens)"),
            OptionSpec(["--lora"], value: "ADAPTER.gguf", help: "a GGUF LoRA adapter applied at scale 1 (repeat to stack)", repeatable: true),
            OptionSpec(["--llama-bench"], value: "PATH", help: "llama-bench to run alongside (default: $LLAMA_CPP_BIN/llama-bench, else llama-bench on PATH)"),
            OptionSpec(["--no-llama"], help: "do not run llama-bench (or llama-server)"),
            OptionSpec(["--serve"], help: "instead: one streaming client's first-token time and tokens/s through mfc serve, beside mfc run in-process and llama-server"),
            OptionSpec(["--llama-server"], value: "PATH", help: "llama-server for --serve (default: $LLAMA_CPP_BIN/llama-server, else on PATH)"),
            OptionSpec(["--text"], value: "TEXT", help: "the raw prompt for --serve (default: the start of a story)"),
            OptionSpec(["--grammar"], help: "instead: the JSON grammar sampler's costs on the model's vocabulary"),
        ],
        positionals: 1...1
    )

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let path = args.positionals[0]
        let prompt = try count(args, "--prompt", 256), generate = try count(args, "--generate", 128)
        let repetitions = max(1, try count(args, "--repetitions", 3))
        let threadList = try (args.value("--threads") ?? "1,2").split(separator: ",").map { part throws(UsageError) in
            try ThreadOption.parse(part)
        }
        if args.flag("--serve") {
            return try serve(args, path: path, generate: generate, repetitions: repetitions, threads: threadList, console: console)
        }
        let parallel = try (args.value("--parallel") ?? "").split(separator: ",").map { part throws(UsageError) in
            guard let n = Int(part), (1...256).contains(n) else { throw UsageError("--parallel needs counts from 1 to 256, got '\(part)'") }
            return n
        }
        let gguf: GGUFFile
        do { gguf = try GGUFFile(path: path) } catch {
            console.stderr.write("error: \(error.description)\n")
            return ExitStatus.failure
        }
        let isa: InstructionSet
        do { isa = try InstructionSet.select() } catch {
            console.stderr.write("error: \(error.description)\n")
            return ExitStatus.failure
        }
        let adapters: [LoRAAdapter]
        do { adapters = try args.values("--lora").map { LoRAAdapter(file: try GGUFFile(path: $0)) } } catch {
            console.stderr.write("error: \(error)\n")
            return ExitStatus.failure
        }
        console.stdout.write("model: \(path)\n")
        if args.flag("--grammar") {
            try GrammarBench.run(gguf, repetitions: repetitions, console: console)
            return ExitStatus.success
        }
        console.stdout.write("kernels: \(isa) (set \(InstructionSet.environmentKey)=\(InstructionSet.allCases.map(\.rawValue).joined(separator: "|")) to choose)\n")
        let depths = try (args.value("--depth") ?? "0").split(separator: ",").map { part throws(UsageError) in
            guard let n = Int(part), (0...1 << 20).contains(n) else { throw UsageError("--depth needs token counts from 0 to 1048576, got '\(part)'") }
            return n
        }
        let maxDepth = depths.max() ?? 0
        let interleave = args.flag("--interleave")
        console.stdout.write("| threads | test | mfc t/s | mfc CPU ms/token | llama.cpp t/s | ratio |\n|---:|---|---:|---:|---:|---:|\n")
        let llamaBench = args.flag("--no-llama") ? nil : LlamaBench.locate(args.value("--llama-bench"))
        for threads in threadList {
            let model: LlamaModel
            do {
                let start = DispatchTime.now().uptimeNanoseconds
                // The cache holds the deepest fill plus the test's tokens (llama-bench's n_ctx is the same sum).
                model = try LlamaModel(gguf: gguf, contextLength: maxDepth + max(prompt, generate) + 1, threads: threads,
                                       batchSize: max(1, min(prompt, 256), min(maxDepth, 256), parallel.max() ?? 1), instructionSet: isa,
                                       adapters: adapters)
                let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                console.stdout.write(String(format: "load: %.1f ms (%d adapters)\n", milliseconds, adapters.count))
            } catch {
                console.stderr.write("error: \(error.description)\n")
                return ExitStatus.failure
            }
            let vocab = model.config.vocabularySize
            let tokens = (0..<maxDepth + max(prompt, generate)).map { Int32(($0 * 7919 + 13) % vocab) }
            if prompt > 0 { _ = try model.forward(tokens: Array(tokens.prefix(min(prompt, 16))), startPosition: 0) }   // warm-up
            var rows: [(name: String, ours: [Sample], theirs: [Statistics])] = []
            for depth in depths {
                if depth > 0 { _ = try model.forward(tokens: Array(tokens.prefix(depth)), startPosition: 0) }   // untimed, as llama-bench
                let suffix = depth > 0 ? " @ d\(depth)" : ""
                var ours: [String: [Sample]] = [:], theirs: [String: [Statistics]] = [:]
                let names = (prompt > 0 ? ["pp\(prompt)" + suffix] : []) + (generate > 0 ? ["tg\(generate)" + suffix] : [])
                func reference(_ runs: Int) {
                    guard let llamaBench else { return }
                    let figures = llamaBench.run(model: path, prompt: prompt, generate: generate, depth: depth, threads: threads, repetitions: runs)
                    for name in names { if let figure = figures[name] { theirs[name, default: []].append(figure) } }
                }
                for _ in 0..<repetitions {
                    if prompt > 0 {
                        ours[names[0], default: []].append(try measure(prompt) {
                            _ = try model.forward(tokens: Array(tokens[depth..<depth + prompt]), startPosition: depth)
                        })
                    }
                    if generate > 0 {
                        ours[names[names.count - 1], default: []].append(try measure(generate) {
                            for i in 0..<generate { _ = try model.forward(tokens: [tokens[depth + i]], startPosition: depth + i) }
                        })
                    }
                    if interleave { reference(1) }
                }
                if !interleave { reference(repetitions) }
                rows += names.map { ($0, ours[$0] ?? [], theirs[$0] ?? []) }
            }
            for n in parallel where generate > 0 {
                rows.append(("tg\(generate) x\(n)", try (0..<repetitions).map { _ in
                    let sequences = try (0..<n).map { _ in try model.makeSequence(contextLength: generate) }
                    return try measure(n * generate) {
                        for i in 0..<generate {
                            _ = try model.forward(sequences.enumerated().map { s, sequence in
                                SequenceStep(sequence: sequence, tokens: [tokens[(i + 37 * s) % tokens.count]], startPosition: i)
                            })
                        }
                    }
                }, []))
            }
            for row in rows {
                let ours = Statistics(row.ours.map(\.rate))
                let cpu = row.ours.map(\.cpuPerToken).reduce(0, +) / Double(max(1, row.ours.count)) * 1e3
                let theirs: Statistics? = row.theirs.isEmpty ? nil
                    : row.theirs.count == 1 ? row.theirs[0] : Statistics(row.theirs.map(\.mean))
                var ratio = theirs.map { String(format: "%.2f", ours.mean / $0.mean) } ?? "-"
                if interleave && row.theirs.count == row.ours.count && !row.theirs.isEmpty {
                    let pairs = zip(row.ours, row.theirs).map { $0.rate / $1.mean }.sorted()
                    ratio = String(format: "%.2f (median of %d pairs)", pairs[pairs.count / 2], pairs.count)
                }
                console.stdout.write(String(format: "| %d | %@ | %@ | %.2f | %@ | %@ |\n", threads, row.name, ours.description, cpu,
                                            theirs?.description ?? "-", ratio))
            }
            if args.flag("--kernels") {
                for k in model.kernelFigures() {
                    console.stdout.write(String(format: "  kernel %-12@ %-5@ %6d x %-6d %8.1f us %6.1f GB/s, x%d tokens %6.1f GMAC/s (%d threads)\n",
                                                k.name, k.type, k.rows, k.columns, k.seconds * 1e6, k.gigabytesPerSecond, k.batchTokens,
                                                k.batchGigaMACs, threads))
                }
            }
        }
        console.stdout.write("peak memory (VmHWM): \(peakMemory())\n")
        return ExitStatus.success
    }

    /// `--serve`: the streaming comparison.
    private static func serve(_ args: ParsedArguments, path: String, generate: Int, repetitions: Int, threads: [Int],
                              console: Console) throws -> Int32 {
        guard generate >= 2 else { throw UsageError("--serve needs -n of at least 2 (tokens/s is measured after the first)") }
        let llamaServer = args.flag("--no-llama") ? nil
            : LlamaBench.locate(args.value("--llama-server"), named: "llama-server").map(\.executable)
        if llamaServer == nil && !args.flag("--no-llama") {
            console.stderr.write("note: no llama-server found (set $LLAMA_CPP_BIN or pass --llama-server PATH); comparing mfc only\n")
        }
        let bench = ServeBench(gguf: path, threads: threads, repetitions: repetitions, settings: StreamingSettings(tokens: generate),
                               prompt: args.value("--text") ?? ServeBench.defaultPrompt, llamaServer: llamaServer, output: console.stdout)
        do { try bench.run() } catch {
            console.stderr.write("error: \(error)\n")
            return ExitStatus.failure
        }
        return ExitStatus.success
    }

    private static func count(_ args: ParsedArguments, _ key: String, _ fallback: Int) throws -> Int {
        guard let text = args.value(key) else { return fallback }
        guard let n = Int(text), n >= 0 else { throw UsageError("\(key) needs a non-negative number, got '\(text)'") }
        return n
    }

    /// One timed run: tokens per second, and this process's CPU seconds per token.
    struct Sample {
        let rate: Double
        let cpuPerToken: Double
    }

    /// Times `body`, which processes `tokens` tokens.
    private static func measure(_ tokens: Int, _ body: () throws -> Void) throws -> Sample {
        let cpuStart = cpuSeconds(), start = DispatchTime.now().uptimeNanoseconds
        try body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Sample(rate: Double(tokens) / seconds, cpuPerToken: (cpuSeconds() - cpuStart) / Double(tokens))
    }

    /// CPU time of the whole process (all threads), in seconds.
    private static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    private static func peakMemory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return "unknown" }
        return line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces)
    }
}

/// Mean and sample standard deviation, printed like llama-bench ("151.20 ± 1.30").
struct Statistics: CustomStringConvertible {
    let mean: Double
    let deviation: Double
    init(_ values: [Double]) {
        let mean = values.reduce(0, +) / Double(max(1, values.count))
        let variance = values.count > 1 ? values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1) : 0
        self.mean = mean
        deviation = variance.squareRoot()
    }
    init(mean: Double, deviation: Double) {
        self.mean = mean
        self.deviation = deviation
    }
    var description: String { String(format: "%.2f ± %.2f", mean, deviation) }
}
