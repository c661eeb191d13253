import Builder

enum PushCommand: MFCCommand {
    static let info = CommandInfo(
        name: "push", abstract: "Upload a model from the store to a registry.",
        usage: "NAME[:TAG] [--insecure] [--parallel N] [--store DIR]",
        discussion: """
        NAME is the model's full name, which says where it goes: [host/][namespace/]model[:tag] \
        (copy a model to such a name first with mfc cp). Blobs the registry already has are \
        skipped; the manifest goes last, byte for byte as stored, so it keeps its digest and \
        Ollama's media types.

        \(RegistryOptions.authHelp)
        """,
        options: [RegistryOptions.insecure, RegistryOptions.parallel, StoreAccess.option],
        positionals: 1...1)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        try RegistryOptions.transfer(args, console: console, done: "pushed", moved: "uploaded") { name, store, options, display in
            try ModelTransfer.push(name, from: store, options: options, observer: display)
        }
    }
}
