import Foundation
import ModelfileLang
import Runtime

/// `mfc tokenize MODEL [TEXT]`: the token ids a model's tokenizer gives for a text.
enum TokenizeCommand: MFCCommand {
    static let info = CommandInfo(
        name: "tokenize", abstract: "Print the token ids of a text for a model's tokenizer.",
        usage: "<model.gguf> [<text>]",
        discussion: """
        Reads TEXT, or standard input when TEXT is absent or '-'. BOS/EOS are added as the model's \
        metadata asks. Special-token text such as <|im_start|> becomes that token unless --no-special.
        """,
        options: [
            OptionSpec(["--json"], help: "Print a JSON array of {\"id\", \"piece\"} objects."),
            OptionSpec(["--no-special"], help: "Treat special-token text as plain text."),
            OptionSpec(["--no-bos"], help: "Do not add BOS/EOS even when the model asks for them."),
        ],
        positionals: 1...2)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let tokenizer = try ModelFiles.tokenizer(for: args.positionals[0], console: console)
        let text: String
        if args.positionals.count > 1, args.positionals[1] != "-" {
            text = args.positionals[1]
        } else {
            text = String(decoding: try console.readStdin(), as: UTF8.self)
        }
        let ids = tokenizer.encode(text, addSpecial: !args.flag("--no-bos"), parseSpecial: !args.flag("--no-special"))
        if args.flag("--json") {
            let rows = ids.map { id in
                "  {\"id\": \(id), \"piece\": \(JSONValue.string(String(decoding: tokenizer.piece(id), as: UTF8.self)).rendered())}"
            }
            console.stdout.write(rows.isEmpty ? "[]\n" : "[\n" + rows.joined(separator: ",\n") + "\n]\n")
        } else {
            console.stdout.write(ids.map(String.init).joined(separator: " ") + "\n")
        }
        return ExitStatus.success
    }
}
