import ModelfileLang

/// `mfc parse`: print the instructions exactly as Ollama's parser would return them.
enum ParseCommand: MFCCommand {
    static let info = CommandInfo(
        name: "parse", abstract: "Print a Modelfile's instructions as Ollama parses them.",
        usage: "[--format text|json] <path>",
        discussion: """
        Text output is one instruction per line, as Ollama prints commands. JSON output is an object
        with an 'instructions' array: keyword, args (the value as Ollama stores it), name (PARAMETER),
        role and content (MESSAGE) and the source range. A syntax error prints diagnostics and exits 1.
        """,
        options: [OptionSpec(["--format"], value: "format", help: "text (default) or json.")],
        positionals: 1...1)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let format = try args.choice("--format", in: ["text", "json"], default: "text")
        let input: ModelfileInput
        do { input = try ModelfileInput.read(args.positionals[0], console: console) } catch {
            console.stderr.write("mfc parse: error: \(error)\n")
            return ExitStatus.failure
        }
        let (modelfile, syntax) = input.parse()
        let errors = (syntax + modelfile.parseFileDiagnostics()).filter { $0.severity == .error }
        guard errors.isEmpty else {
            console.stderr.write(DiagnosticRenderer.render(errors, source: modelfile.source, color: console.stderrColor))
            return ExitStatus.failure
        }
        if format == "json" {
            console.stdout.write(json(modelfile).rendered(indent: 2) + "\n")
        } else {
            for command in modelfile.ollamaCommands { console.stdout.write(command.description + "\n") }
        }
        return ExitStatus.success
    }

    static func json(_ modelfile: Modelfile) -> JSONValue {
        let items: [JSONValue] = modelfile.instructions.map { i in
            var fields: [(String, JSONValue)] = [("keyword", .string(i.keyword.rawValue))]
            switch i.keyword {
            case .parameter: fields.append(("name", .string(i.name ?? "")))
            case .message: fields += [("role", .string(i.name ?? "")), ("content", .string(i.value))]
            default: break
            }
            fields += [("args", .string(i.ollamaCommand.args)), ("range", modelfile.source.json(i.range))]
            return .object(fields)
        }
        return .object([("instructions", .array(items))])
    }
}
