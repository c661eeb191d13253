import Builder
import Foundation
import ModelfileLang
import Runtime
import Server

/// `mfc run MODEL [PROMPT]`: one answer, or an interactive chat on a terminal.
enum RunCommand: MFCCommand {
    static let info = CommandInfo(
        name: "run", abstract: "Chat with a model, or answer one prompt.",
        usage: "<model> [<prompt>...]",
        discussion: """
        MODEL is a GGUF file, a Modelfile (built first, incrementally) or the name of a model in the store (pulled from its registry when missing, unless --no-pull). \
        With a PROMPT (or piped standard input) mfc prints one answer; on a terminal without one it \
        starts a chat (/? lists its commands; Ctrl-C stops an answer, /bye or Ctrl-D leaves). \
        A model's ADAPTER layers are applied at alpha/rank times the environment variable \
        MFC_LORA_SCALE (default 1).
        """,
        options: [
            OptionSpec(["--param"], value: "NAME=VALUE", help: "Set a runtime parameter (temperature, top_k, stop, num_ctx, seed, ...).", repeatable: true),
            OptionSpec(["--system"], value: "TEXT", help: "Use TEXT as the system message."),
            OptionSpec(["--raw"], help: "Send the prompt as is, without the chat template."),
            OptionSpec(["--format"], value: "json|@FILE", help: "Constrain answers to one JSON object, or to the JSON schema in FILE."),
            OptionSpec(["--verbose"], help: "Print load time, prompt and generation counts, durations and rates."),
            OptionSpec(["--threads"], value: "N", help: "Worker threads, 1 to 512 (default: all cores)."),
            OptionSpec(["--lora-scale"], value: "S[,S...]",
                       help: "Scale the model's ADAPTER layers: one S for all, or one per ADAPTER line in order (default: MFC_LORA_SCALE, else 1; 0 turns an adapter off)."),
            StoreAccess.option,
        ] + AutoPull.options,
        positionals: 1...Int.max)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let clock = ContinuousClock()
        let loadStart = clock.now
        let threads = try args.value("--threads").map { text throws(UsageError) in try ThreadOption.parse(text) }
            ?? ProcessInfo.processInfo.activeProcessorCount
        let (session, model, engine) = try load(args.positionals[0], args, threads: threads, console: console)
        let loadDuration = clock.now - loadStart

        var prompt = args.positionals.dropFirst().joined(separator: " ")
        if !console.stdinIsTerminal {
            let piped = String(decoding: try console.readStdin(), as: UTF8.self)
            if !piped.isEmpty { prompt = prompt.isEmpty ? piped : piped + " " + prompt }
        }
        let verbose = args.flag("--verbose")
        if verbose { console.stderr.write("kernels:              \(engine.instructionSet)\n") }
        if !prompt.isEmpty || !console.stdinIsTerminal {
            // An empty prompt (`echo "" | mfc run MODEL`, stdin from /dev/null) only loads the model, as in Ollama.
            if prompt.allSatisfy(\.isWhitespace) { return ExitStatus.success }
            if console.stdinIsTerminal { TerminalInput.catchInterrupts() }
            let display = ThinkingDisplay { console.stdout.write($0) }
            let stats = try session.respond(to: prompt, shouldStop: TerminalInput.takeInterrupt, emit: display.answer, thinking: display.reasoning)
            console.stdout.write("\n")
            if verbose { console.stderr.write(RunStatistics.text(stats, loadDuration: loadDuration)) }
            return ExitStatus.success
        }
        TerminalInput.catchInterrupts()
        if verbose { console.stderr.write(String(format: "load duration:        %.3fs\n", loadDuration.seconds)) }
        let actions = ChatActions(
            load: { reference in
                let (session, model, _) = try load(reference, args, threads: threads, console: console)
                return (session, model.card(reference: reference))
            },
            save: { name, modelfile in try save(modelfile, as: name, args, console: console) })
        ChatLoop(session: session, card: model.card(reference: args.positionals[0]), actions: actions,
                 write: { console.stdout.write($0) },
                 readLine: { TerminalInput.readLine(prompt: $0) { console.stdout.write($0) } },
                 interrupted: TerminalInput.takeInterrupt, verbose: verbose).run()
        return ExitStatus.success
    }

    /// Resolves and loads MODEL with the command line's parameters, system message and adapters.
    static func load(_ reference: String, _ args: ParsedArguments, threads: Int,
                     console: Console) throws -> (ChatSession, RunnableModel, LlamaModel) {
        // A format that cannot be used is reported before the model loads.
        let grammar = try args.value("--format").flatMap { try OutputFormatOption.grammar($0, currentDirectory: console.currentDirectory) }
        let loraScales: LoRAScales
        do { loraScales = try LoRAScales(parsing: args.value("--lora-scale") ?? console.environment["MFC_LORA_SCALE"]) } catch {
            throw UsageError(error.description)
        }
        try AutoPull.ifMissing(reference, args: args, console: console)
        try ModelFiles.refuseSpecialFile(ModelFiles.path(reference, console: console), as: reference)
        _ = try StoreAccess.store(args, console: console)   // a store path that is not a folder is named here
        var model: RunnableModel
        do {
            model = try RunnableModel.resolve(reference, store: args.value("--store"), loraScales: loraScales,
                                              environment: console.environment, currentDirectory: console.currentDirectory,
                                              warn: { console.stderr.write("mfc run: warning: \($0)\n") })
        } catch let error as LoRAScaleError {
            throw UsageError(error.description)   // scales that do not match the model's ADAPTER lines
        }
        if !model.ignoredParameters.isEmpty {
            console.stderr.write("mfc run: note: parameters not used by this runtime: \(model.ignoredParameters.joined(separator: ", "))\n")
        }
        try applyParameters(args.values("--param"), to: &model.options)
        if let system = args.value("--system") { model.system = system }
        let generator = try model.makeGenerator(threads: threads)
        guard let engine = generator.model as? LlamaModel else { throw UsageError("model '\(reference)' did not load as a llama-family model") }
        let session = ChatSession(generator: generator, format: model.format,
                                  options: model.options, system: model.system, history: model.history, raw: args.flag("--raw"))
        session.grammar = grammar
        return (session, model, engine)
    }

    /// `/save NAME`: builds the chat's Modelfile into the store, FROM paths relative to the current folder.
    static func save(_ modelfile: String, as name: String, _ args: ParsedArguments, console: Console) throws {
        let store = try StoreAccess.store(args, console: console)
        let checked = ModelfileFrontEnd.read(Array(modelfile.utf8), path: "/save", directory: console.currentDirectory)
        guard let input = checked.input else { throw ChatActionError(checked.rendered(color: false)) }
        let builder = ModelBuilder(store: store, home: FileSystemProbe.homeDirectory(environment: console.environment), clock: console.wallClock)
        _ = try builder.build(input, as: try StoreAccess.name(name), options: BuildOptions())
    }

    /// `--param NAME=VALUE`: the first `stop` replaces the model's list, later ones add to it.
    static func applyParameters(_ params: [String], to options: inout SamplingOptions) throws(UsageError) {
        var stopReplaced = false
        for param in params {
            guard let eq = param.firstIndex(of: "=") else { throw UsageError("--param needs NAME=VALUE, got '\(param)'") }
            let name = String(param[..<eq]), value = String(param[param.index(after: eq)...])
            if name == "stop" && !stopReplaced { options.stop = []; stopReplaced = true }
            do { try options.set(name, to: value) } catch { throw UsageError(error.description) }
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
