import enum Builder.ChatTemplateResolver
import ModelfileLang

/// `mfc lint`: parse and check Modelfiles, print diagnostics.
enum LintCommand: MFCCommand {
    static let info = CommandInfo(
        name: "lint", abstract: "Check Modelfiles for errors and likely mistakes.",
        usage: "[--format text|json] [--strict] [--fix] <path>...",
        discussion: """
        Reports syntax errors (MF0xxx), what Ollama rejects or silently loses (MF1xxx) and likely
        mistakes (MF2xxx). '-' reads standard input. Text diagnostics go to stderr; --format json
        prints one JSON object on stdout. Exit status: 0 clean, 1 errors (or warnings with --strict).
        --fix applies the suggested fixes (spelling of instructions, parameters and roles, invisible
        characters) to the files in place, atomically, then reports what remains.
        FROM a model name that is not in the model store is an error (MF1012) once the store exists.
        """,
        options: [
            OptionSpec(["--format"], value: "format", help: "text (default) or json."),
            OptionSpec(["--strict"], help: "Fail on warnings too."),
            OptionSpec(["--fix"], help: "Apply suggested fixes in place, then report what remains."),
            StoreAccess.option,
        ],
        positionals: 1...Int.max)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let format = try args.choice("--format", in: ["text", "json"], default: "text")
        let fix = args.flag("--fix")
        if fix, args.positionals.contains("-") { throw UsageError("--fix cannot rewrite standard input") }
        var errors = 0, warnings = 0
        var json: [JSONValue] = []
        var failedToRead = false
        for path in args.positionals {
            let input: ModelfileInput
            do { input = try ModelfileInput.read(path, console: console) } catch {
                console.stderr.write("mfc lint: error: \(error)\n")
                failedToRead = true
                continue
            }
            // FROM a model name is checked against the store (MF1012); a FROM file's chat template by the resolver.
            let options = CheckOptions(directory: input.directory, templateFieldReader: TemplateFields.defaultReader,
                                       modelExists: StoreAccess.store(args, console: console).modelLookup,
                                       chatTemplateWarning: ChatTemplateResolver.lintWarning)
            var (modelfile, diagnostics) = lint(input.bytes, path: input.displayPath, options: options)
            if fix, let target = input.absolutePath {
                let (fixed, applied) = FixItApplier.apply(diagnostics, to: modelfile.source)
                if applied > 0 {
                    do { try AtomicFile.write(fixed, to: target) } catch {
                        console.stderr.write("mfc lint: error: cannot write '\(path)': \(error)\n")
                        failedToRead = true
                    }
                    (modelfile, diagnostics) = lint(Array(fixed.utf8), path: input.displayPath, options: options)
                }
            }
            errors += diagnostics.count { $0.severity == .error }
            warnings += diagnostics.count { $0.severity == .warning }
            if format == "json" {
                json += diagnostics.map { $0.json(source: modelfile.source) }
            } else {
                console.stderr.write(DiagnosticRenderer.render(diagnostics, source: modelfile.source,
                                                               color: console.stderrColor, summary: false))
            }
        }
        if format == "json" {
            let summary: JSONValue = .object([("errors", .int(errors)), ("warnings", .int(warnings))])
            console.stdout.write(JSONValue.object([("diagnostics", .array(json)), ("summary", summary)]).rendered(indent: 2) + "\n")
        } else {
            console.stderr.write(DiagnosticRenderer.summaryLine(errors: errors, warnings: warnings))
        }
        let failed = failedToRead || errors > 0 || (args.flag("--strict") && warnings > 0)
        return failed ? ExitStatus.failure : ExitStatus.success
    }

    /// Parse, check and lint diagnostics of one file, in source order.
    static func lint(_ bytes: [UInt8], path: String, options: CheckOptions) -> (Modelfile, [Diagnostic]) {
        let checked = Modelfile.checked(source: bytes, path: path, options: options)
        return (checked.modelfile, checked.diagnostics)
    }
}
