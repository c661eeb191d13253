/// `mfc create NAME [-f Modelfile] [--quantize TYPE]`: Ollama's spelling of `mfc build NAME -f FILE`.
enum CreateCommand: MFCCommand {
    static let info = CommandInfo(
        name: "create", abstract: "Create a model from a Modelfile (the same build as mfc build NAME -f FILE).",
        usage: "<name> [-f PATH] [--quantize TYPE] [--explain] [--dry-run] [--no-cache]",
        discussion: "As `ollama create`: -f defaults to ./Modelfile.",
        options: BuildCommand.info.options.filter { !$0.names.contains("--tag") },
        positionals: 1...1)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        try BuildCommand.buildModelfile(args.value("--file"), as: args.positionals[0], args, console: console)
    }
}
