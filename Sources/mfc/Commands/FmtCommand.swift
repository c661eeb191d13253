import Foundation
import ModelfileLang

/// `mfc fmt`: rewrite Modelfiles in the one canonical layout.
enum FmtCommand: MFCCommand {
    static let info = CommandInfo(
        name: "fmt", abstract: "Format Modelfiles in the canonical layout.",
        usage: "[--check | --diff | -w] <path>...",
        discussion: """
        Prints the formatted file to stdout unless a flag says otherwise. The layout is described in
        the README; formatting keeps comments and meaning and is idempotent. A file with syntax
        errors is not formatted: its diagnostics are printed and the exit status is 1.
        """,
        options: [
            OptionSpec(["--check"], help: "Exit 1 if any file is not formatted; list those files on stderr."),
            OptionSpec(["--diff"], help: "Print a unified diff instead of the formatted text."),
            OptionSpec(["-w", "--write"], help: "Rewrite the files in place (atomically)."),
        ],
        positionals: 1...Int.max)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let check = args.flag("--check"), diff = args.flag("--diff"), write = args.flag("--write")
        if [check, diff, write].count(where: { $0 }) > 1 {
            throw UsageError("--check, --diff and -w cannot be combined")
        }
        if write, args.positionals.contains("-") { throw UsageError("-w cannot write standard input") }
        var failed = false
        for path in args.positionals {
            let input: ModelfileInput
            do { input = try ModelfileInput.read(path, console: console) } catch {
                console.stderr.write("mfc fmt: error: \(error)\n")
                failed = true
                continue
            }
            let (modelfile, diagnostics) = input.parse()
            if diagnostics.hasErrors {
                console.stderr.write(DiagnosticRenderer.render(diagnostics.filter { $0.severity == .error },
                                                               source: modelfile.source, color: console.stderrColor))
                failed = true
                continue
            }
            let formatted = Formatter.format(modelfile)
            let unchanged = Array(formatted.utf8) == input.bytes
            if check {
                if !unchanged { console.stderr.write("\(input.displayPath): not formatted\n"); failed = true }
            } else if diff {
                if !unchanged { console.stdout.write(LineDiff.unified(modelfile.source.text, formatted, path: input.displayPath)) }
            } else if write {
                guard !unchanged, let target = input.absolutePath else { continue }
                do { try AtomicFile.write(formatted, to: target) } catch {
                    console.stderr.write("mfc fmt: error: cannot write '\(path)': \(error)\n")
                    failed = true
                }
            } else {
                console.stdout.write(formatted)
            }
        }
        return failed ? ExitStatus.failure : ExitStatus.success
    }
}
