import Builder
import Foundation
import ModelfileLang
import Runtime

/// `mfc template`: print exactly the text the model would read.
enum TemplateCommand: MFCCommand {
    static let info = CommandInfo(
        name: "template", abstract: "Print the exact prompt a TEMPLATE renders.",
        usage: "(--modelfile PATH | --model NAME | --template PATH) (--request PATH | --generate PATH | --prompt TEXT | --data PATH) [--show-special]",
        discussion: """
        Renders a TEMPLATE the way Ollama does and prints the result with no extra newline.
        The template comes from a Modelfile (its TEMPLATE, SYSTEM and MESSAGEs; FROM a built model
        or a GGUF supplies what the file leaves out), a built model, or a template file.
        The conversation is an /api/chat body (--request), an /api/generate body (--generate) or a
        plain prompt (--prompt); '-' reads standard input. --data renders the bare Go template
        against any JSON (numbers are float64, missing keys are Ollama's zero values).
        Without TEMPLATE, the template is chosen as `mfc build` chooses it: the base model's, else
        the model file's Jinja chat template recognised as a family (or matched to Ollama's named
        templates when $MFC_OLLAMA_TEMPLATES names a copy of Ollama's template/ folder), else
        Ollama's default {{ .Prompt }} with a warning.
        """,
        options: [
            OptionSpec(["--modelfile"], value: "PATH", help: "Take TEMPLATE, SYSTEM and MESSAGE from a Modelfile."),
            OptionSpec(["--model"], value: "NAME", help: "Take them from a built model."),
            OptionSpec(["--template"], value: "PATH", help: "Take the template text from a file."),
            OptionSpec(["--request"], value: "PATH", help: "An Ollama /api/chat request body (JSON)."),
            OptionSpec(["--generate"], value: "PATH", help: "An Ollama /api/generate request body (JSON)."),
            OptionSpec(["--prompt"], value: "TEXT", help: "A single user prompt (as /api/generate)."),
            OptionSpec(["--data"], value: "PATH", help: "Render against arbitrary JSON data."),
            OptionSpec(["--show-special"], help: "Show whitespace and highlight special tokens."),
            OptionSpec(["--repeat"], value: "N", help: "Render N times and report the time per render on stderr (benchmarks)."),
            StoreAccess.option,
        ],
        positionals: 0...0)

    /// Where the template came from, for error positions.
    struct Source {
        var template: String
        var system = ""
        var messages: [ChatMessage] = []
        /// The Modelfile and its TEMPLATE instruction, when the template came from one.
        var modelfile: (file: Modelfile, instruction: Instruction)?
        var templatePath: String?
    }

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let sources = ["--modelfile", "--model", "--template"].filter { args.value($0) != nil }
        guard sources.count == 1 else { throw UsageError("give exactly one of --modelfile, --model or --template") }
        let inputs = ["--request", "--generate", "--prompt", "--data"].filter { args.value($0) != nil }
        guard inputs.count == 1 else { throw UsageError("give exactly one of --request, --generate, --prompt or --data") }

        let source: Source
        do {
            source = try loadSource(args, console: console)
        } catch {
            console.stderr.write(error.text)
            return ExitStatus.failure
        }
        let repeats = Int(args.value("--repeat") ?? "1") ?? 0
        guard repeats >= 1 else { throw UsageError("--repeat needs a positive count") }
        do {
            var output = ""
            // CPU time, not wall time: the benchmark machine is shared, and Go's side measures the same way.
            let start = processCPUSeconds()
            for _ in 0..<repeats { output = try render(source, args, console: console) }
            if repeats > 1 {
                let perRender = (processCPUSeconds() - start) * 1e6 / Double(repeats)
                console.stderr.write("rendered \(repeats) times: \(String(format: "%.1f", perRender)) µs CPU per render\n")
            }
            console.stdout.write(args.flag("--show-special") ? VisibleText.render(output, color: console.stdoutColor) : output)
            return ExitStatus.success
        } catch let e as TemplateError {
            console.stderr.write(describe(e, source: source, color: console.stderrColor))
        } catch {
            console.stderr.write("mfc template: error: \(error)\n")
        }
        return ExitStatus.failure
    }

    struct SourceFailure: Error { var text: String }

    /// User plus system CPU time of this process, in seconds.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func readInput(_ path: String, console: Console) throws(SourceFailure) -> String {
        if path == "-" {
            do { return String(decoding: try console.readStdin(), as: UTF8.self) } catch {
                throw SourceFailure(text: "mfc template: error: \(error.description)\n")
            }
        }
        let absolute = path.hasPrefix("/") ? path : console.currentDirectory + "/" + path
        guard let data = FileManager.default.contents(atPath: absolute) else {
            throw SourceFailure(text: "mfc template: error: cannot read '\(path)'\n")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func loadSource(_ args: ParsedArguments, console: Console) throws(SourceFailure) -> Source {
        if let path = args.value("--template") {
            var s = Source(template: try readInput(path, console: console))
            s.templatePath = path
            return s
        }
        if let name = args.value("--model") {
            return try fromModel(name, args, console: console)
        }
        return try fromModelfile(args.value("--modelfile") ?? "", args, console: console)
    }

    static func fromModel(_ name: String, _ args: ParsedArguments, console: Console) throws(SourceFailure) -> Source {
        let n = ModelName(parsing: name)
        guard n.isValid else { throw SourceFailure(text: "mfc template: error: invalid model name '\(name)'\n") }
        let model: ResolvedModel
        do {
            model = try StoreAccess.store(args, console: console).resolve(n)
        } catch {
            throw SourceFailure(text: "mfc template: error: \(error)\n")
        }
        return Source(template: model.template ?? PromptTemplate.defaultText, system: model.system ?? "",
                      messages: model.messages.map { ChatMessage(role: $0.role, content: $0.content) })
    }

    static func fromModelfile(_ path: String, _ args: ParsedArguments, console: Console) throws(SourceFailure) -> Source {
        let input: ModelfileInput
        do { input = try ModelfileInput.read(path, console: console) } catch {
            throw SourceFailure(text: "mfc template: error: \(error)\n")
        }
        let (file, syntax) = input.parse()
        if syntax.hasErrors {
            throw SourceFailure(text: DiagnosticRenderer.render(syntax, source: file.source, color: console.stderrColor))
        }
        let instructions = file.instructions
        let templateInstruction = instructions.last { $0.keyword == .template }
        var source = Source(template: templateInstruction?.value ?? "")
        source.system = instructions.last { $0.keyword == .system }?.value ?? ""
        source.messages = instructions.filter { $0.keyword == .message }.map { ChatMessage(role: ($0.name ?? "").lowercased(), content: $0.value) }
        if let t = templateInstruction { source.modelfile = (file, t) }
        // What FROM supplies for whatever the file leaves out.
        if let from = instructions.first(where: { $0.keyword == .from })?.value {
            guard let inherited = try inherit(from: from, directory: input.directory, needTemplate: templateInstruction == nil,
                                              args, console: console) else {
                if templateInstruction == nil {
                    console.stderr.write("mfc template: note: FROM '\(from)' is neither a file nor a built model; using Ollama's default template {{ .Prompt }}\n")
                    source.template = PromptTemplate.defaultText
                }
                return source
            }
            if templateInstruction == nil { source.template = inherited.template }
            if !instructions.contains(where: { $0.keyword == .system }) { source.system = inherited.system }
            if source.messages.isEmpty { source.messages = inherited.messages }
        } else if templateInstruction == nil {
            source.template = PromptTemplate.defaultText
        }
        return source
    }

    /// FROM a GGUF file: its chat template matched to a named template; FROM a model: the stored layers.
    static func inherit(from: String, directory: String, needTemplate: Bool, _ args: ParsedArguments,
                        console: Console) throws(SourceFailure) -> Source? {
        // The checker's expansion (`~`, `~user`, relative to the Modelfile); an unknown user names no file.
        let expanded = (try? PathExpansion.expand(from, relativeTo: directory, home: FileSystemProbe.homeDirectory(environment: console.environment)).get()) ?? ""
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory)
        if exists, !isDirectory.boolValue || FileManager.default.fileExists(atPath: expanded + "/config.json") {
            // A file has no SYSTEM or MESSAGEs; only its chat template matters, and only without TEMPLATE.
            return Source(template: needTemplate ? try resolve(file: expanded, location: from, console: console) : "")
        }
        let name = ModelName(parsing: from)
        if name.isValid, let model = try? StoreAccess.store(args, console: console).resolve(name) {
            return Source(template: model.template ?? PromptTemplate.defaultText, system: model.system ?? "",
                          messages: model.messages.map { ChatMessage(role: $0.role, content: $0.content) })
        }
        return nil
    }

    /// The template `mfc build` would store for a GGUF file or a Hugging Face folder, with a note on its origin.
    static func resolve(file path: String, location: String, console: Console) throws(SourceFailure) -> String {
        let choice: ChatTemplateChoice
        do {
            choice = try ChatTemplateResolver.resolve(jinja: JinjaChatTemplate.read(path: path, location: location),
                                                      named: NamedTemplates.fromEnvironment(console.environment))
        } catch {
            throw SourceFailure(text: "mfc template: error: \(error)\n")
        }
        switch choice.origin {
        case .family(let family):
            console.stderr.write("mfc template: note: the chat template of \(location) is of the \(family) family; stop: \(choice.stop)\n")
        case .named(let named):
            console.stderr.write("mfc template: note: the chat template of \(location) matches Ollama's '\(named)'; stop: \(choice.stop)\n")
        default:
            if let warning = choice.warning { console.stderr.write("mfc template: warning: \(warning)\n") }
        }
        return choice.template
    }

    static func render(_ source: Source, _ args: ParsedArguments, console: Console) throws -> String {
        if let dataPath = args.value("--data") {
            let text = try readInput(dataPath, console: console)
            let data: TemplateValue
            do { data = try TemplateValue.decodeJSON(text) } catch { throw RequestError("\(dataPath): \(error)") }
            do {
                let t = try Template.parse(source.template, options: .ollama)
                do { return try t.render(data) } catch { throw TemplateError.exec(error) }
            } catch let e as TemplateParseError {
                throw TemplateError.parse(e)
            }
        }
        let template: PromptTemplate
        do { template = try PromptTemplate.parse(source.template) } catch { throw TemplateError.parse(error) }
        let builder = PromptBuilder(template: template, system: source.system, messages: source.messages)
        if let prompt = args.value("--prompt") {
            return try builder.generate(GenerateRequest(prompt: prompt))
        }
        if let path = args.value("--generate") {
            let body = try readInput(path, console: console)
            let json: JSONValue
            do { json = try JSONValue.parse(body) } catch { throw RequestError("\(path): \(error)") }
            return try builder.generate(try GenerateRequest(json: json))
        }
        let path = args.value("--request") ?? "-"
        let body = try readInput(path, console: console)
        let json: JSONValue
        do { json = try JSONValue.parse(body) } catch { throw RequestError("\(path): \(error)") }
        return try builder.chat(try ChatRequest(json: json))
    }

    /// A template error with its position: in the Modelfile (rendered like `mfc lint`) or in the template file.
    static func describe(_ e: TemplateError, source: Source, color: Bool) -> String {
        let (line, column, reason): (Int?, Int?, String) = {
            switch e {
            case .parse(let p): return (p.line > 0 ? p.line : nil, nil, p.reason)
            case .exec(let x): return (x.line, x.column, x.reason)
            }
        }()
        if let (file, instruction) = source.modelfile, let line {
            let offset = TemplateLocation.offset(line: line, column: column ?? 0, in: instruction.value)
            let d = TemplateLocation.diagnostic(e, reason: reason, instruction: instruction, source: file.source, offset: offset)
            return DiagnosticRenderer.render([d], source: file.source, color: color)
        }
        let place = source.templatePath.map { p in line.map { "\(p):\($0):\((column ?? 0) + 1): " } ?? "\(p): " } ?? ""
        return "\(place)error: \(reason)\n"
    }
}
