import Builder
import Foundation
import ModelfileLang
import Runtime
import Synchronization

enum BuildCommand: MFCCommand {
    static let info = CommandInfo(
        name: "build", abstract: "Build Modelfiles into the model store, doing only the work a change requires.",
        usage: "[NAME | DIR] [-f PATH] [-t NAME[:TAG]] [--quantize TYPE] [--cache REPO] [--explain] [--dry-run] [--no-cache] [--no-pull]",
        discussion: """
        With -f (default ./Modelfile) builds one Modelfile as NAME or -t NAME (default: named after the
        file: X.Modelfile gives x, Modelfile gives its folder's name); `mfc build NAME -f FILE` and
        `mfc create NAME -f FILE` are the same build. With DIR builds every Modelfile and
        *.Modelfile there, in dependency order when one's FROM names another, independent ones in parallel.
        Each step prints DONE (work was done) or CACHED (its output was already there) with its time.
        A FROM naming a model the store lacks pulls it from its registry first, as Ollama does.
        """,
        options: [
            OptionSpec(["-f", "--file"], value: "PATH", help: "The Modelfile to build."),
            OptionSpec(["-t", "--tag"], value: "NAME", help: "The model name to build as."),
            OptionSpec(["--explain"], help: "Say why each step ran or was skipped."),
            OptionSpec(["--dry-run"], help: "Print the plan without writing anything."),
            OptionSpec(["--no-cache"], help: "Re-hash and rewrite everything."),
            OptionSpec(["-q", "--quantize"], value: "TYPE", help: "Quantize the model layers (Q4_K_M, Q8_0, F16, ...; see mfc quantize --help)."),
            OptionSpec(["--cache"], value: "HOST/NAMESPACE/REPO",
                       help: "Share imports, adapter conversions and quantizations through this registry repository (default: $MFC_BUILD_CACHE; http:// for plain HTTP)."),
            OptionSpec(["--allow-requantize"], help: "With --quantize, also convert tensors that are already quantized."),
            StoreAccess.option,
        ] + AutoPull.options,
        positionals: 0...1)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        if let dir = args.positionals.first, args.value("--file") == nil, isDirectory(dir, console: console) {
            guard args.value("--tag") == nil else { throw UsageError("DIR cannot be combined with -t") }
            return try buildDirectory(dir, args, console: console)
        }
        // `mfc build NAME [-f FILE]`, the form of `ollama create NAME -f FILE`.
        if args.positionals.first != nil, args.value("--tag") != nil {
            throw UsageError("give the model name once: as NAME or with -t")
        }
        return try buildModelfile(args.value("--file"), as: args.positionals.first ?? args.value("--tag"), args, console: console)
    }

    /// Builds every Modelfile in `dir`, in FROM order, independent ones in parallel.
    static func buildDirectory(_ dir: String, _ args: ParsedArguments, console: Console) throws -> Int32 {
        let (builder, options) = try setUp(args, console: console)
        let explain = args.flag("--explain")
        let path = dir.hasPrefix("/") ? dir : console.currentDirectory + "/" + dir
        let targets = try DirectoryBuild.targets(in: path)
        for t in targets { console.stderr.write(t.warnings) }
        let waves = try DirectoryBuild.waves(targets)
        let ok = DirectoryBuild.build(waves, builder: builder, options: options) { target, result in
            switch result {
            case .success(let r):
                printNotes(of: r, console: console)
                console.stdout.write(report(r, source: (target.path as NSString).lastPathComponent, explain: explain))
            case .failure(let e): console.stderr.write("mfc build: error: \((target.path as NSString).lastPathComponent): \(e)\n")
            }
        }
        for note in options.remoteCache?.notes ?? [] { console.stderr.write("warning: \(note)\n") }
        return ok ? ExitStatus.success : ExitStatus.failure
    }

    /// Builds one Modelfile (default ./Modelfile) as `name` (default: named after the file).
    static func buildModelfile(_ file: String?, as name: String?, _ args: ParsedArguments, console: Console) throws -> Int32 {
        let (builder, options) = try setUp(args, console: console)
        let file = file ?? "Modelfile"
        let path = file.hasPrefix("/") ? file : console.currentDirectory + "/" + file
        guard FileManager.default.isReadableFile(atPath: path) else { throw BuildFailure("Modelfile not found: \(file)") }
        let name = try name.map(StoreAccess.name) ?? ModelfileNaming.defaultName(forModelfileAt: path)
        // Lint first: print every diagnostic, stop on errors.
        var lintFailed = false
        let result: BuildResult
        do {
            result = try ModelfileFrontEnd.build(fileAt: path, displayPath: file, as: name, builder: builder, options: options) { checked in
                console.stderr.write(checked.rendered(color: console.stderrColor))
                lintFailed = checked.input == nil
            }
        } catch {
            if lintFailed { return ExitStatus.failure }   // the diagnostics are printed already
            throw error
        }
        printNotes(of: result, console: console)
        for w in options.remoteCache?.notes ?? [] { console.stderr.write("warning: \(w)\n") }
        console.stdout.write(report(result, source: file, explain: args.flag("--explain")))
        return ExitStatus.success
    }

    /// A build's warnings and notes, on standard error.
    static func printNotes(of result: BuildResult, console: Console) {
        for w in result.warnings { console.stderr.write("warning: \(w)\n") }
        for n in result.notes { console.stderr.write("note: \(n)\n") }
    }

    /// The builder and build options the command line asks for.
    static func setUp(_ args: ParsedArguments, console: Console) throws -> (ModelBuilder, BuildOptions) {
        let store = try StoreAccess.store(args, console: console)
        var options = BuildOptions()
        options.noCache = args.flag("--no-cache")
        options.dryRun = args.flag("--dry-run")
        if let type = args.value("--quantize") {
            guard let fileType = QuantizationFileType(name: type) else {
                throw UsageError("unknown quantization type '\(type)'; expected one of \(QuantizationFileType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            options.quantize = QuantizeRequest(fileType: fileType, allowRequantize: args.flag("--allow-requantize"))
        } else if args.flag("--allow-requantize") {
            throw UsageError("--allow-requantize needs --quantize TYPE")
        }
        if let cache = args.value("--cache") ?? console.environment["MFC_BUILD_CACHE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            do {
                options.remoteCache = try RegistryActionCache(reference: cache, credentials: RegistryCredentials.lookup(
                    host: ModelName(parsing: cache).host, environment: console.environment))
            } catch { throw UsageError("\(error)") }
        }
        options.pullBase = AutoPull.forBuild(args, store: store, console: console)
        if console.stderr.isTerminal { options.progress = ProgressBar(output: console.stderr).handler }
        // Ollama's chat-template auto-detection, when its named-template data is available.
        options.namedTemplates = try NamedTemplates.fromEnvironment(console.environment)
        return (ModelBuilder(store: store, home: FileSystemProbe.homeDirectory(environment: console.environment), clock: console.wallClock), options)
    }

    static func isDirectory(_ path: String, console: Console) -> Bool {
        var isDir: ObjCBool = false
        let full = path.hasPrefix("/") ? path : console.currentDirectory + "/" + path
        return FileManager.default.fileExists(atPath: full, isDirectory: &isDir) && isDir.boolValue
    }

    /// The step lines and a summary line.
    static func report(_ r: BuildResult, source: String, explain: Bool) -> String {
        var s = "building \(r.name.displayShortest) from \(source)\n"
        for step in r.steps {
            let status = step.status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
            let name = step.name.padding(toLength: 9, withPad: " ", startingAt: 0)
            s += "  \(status) \(name) \(step.detail)  \(milliseconds(step.seconds))\n"
            if explain { s += "          why: \(step.reason)\n" }
        }
        if let d = r.manifestDigest {
            s += "\(r.upToDate ? "up to date" : "built") \(r.name.displayShortest) \(d.shortID) in \(milliseconds(r.seconds))\n"
        } else {
            s += "dry run: \(r.name.displayShortest) needs a model import first\n"
        }
        return s
    }

    static func milliseconds(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1fms", seconds * 1000) : String(format: "%.2fs", seconds)
    }
}

struct BuildFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A one-line terminal progress bar with bytes per second, redrawn at most every 100 ms.
final class ProgressBar: Sendable {
    let output: any TextOutput
    let state = Mutex<(last: ContinuousClock.Instant?, start: ContinuousClock.Instant?)>((nil, nil))
    init(output: any TextOutput) { self.output = output }

    var handler: ProgressHandler {
        { [self] done, total in self.update(done, total) }
    }

    func update(_ done: Int64, _ total: Int64) {
        let now = ContinuousClock.now
        let draw: Double? = state.withLock { s in
            if s.start == nil { s.start = now }
            if let last = s.last, now - last < .milliseconds(100), done < total { return nil }
            s.last = now
            guard let start = s.start else { return nil }
            let secs = Double((now - start).components.attoseconds) / 1e18 + Double((now - start).components.seconds)
            return secs
        }
        guard let secs = draw else { return }
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let filled = Int(fraction * 30)
        let rate = secs > 0 ? Double(done) / secs : 0
        var line = "\r  [" + String(repeating: "#", count: filled) + String(repeating: " ", count: 30 - filled) + "] "
        line += String(format: "%3.0f%% ", fraction * 100) + "\(humanBytes(done)) / \(humanBytes(total))  \(humanBytes(Int64(rate)))/s"
        if done >= total { line += "\r\u{1B}[K" }
        output.write(line)
    }
}
