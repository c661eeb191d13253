import Builder

enum CpCommand: MFCCommand {
    static let info = CommandInfo(name: "cp", abstract: "Copy a model to a new name (blobs are shared).",
                                  usage: "SOURCE DESTINATION [--store DIR]", options: [StoreAccess.option], positionals: 2...2)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let store = try StoreAccess.store(args, console: console)
        let source = try StoreAccess.name(args.positionals[0]), destination = try StoreAccess.name(args.positionals[1])
        try store.copy(from: source, to: destination)
        console.stdout.write("copied '\(source.displayShortest)' to '\(destination.displayShortest)'\n")
        return ExitStatus.success
    }
}
