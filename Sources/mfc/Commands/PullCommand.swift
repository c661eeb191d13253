import Builder

enum PullCommand: MFCCommand {
    static let info = CommandInfo(
        name: "pull", abstract: "Fetch a model from a registry into the store.",
        usage: "NAME[:TAG] [--insecure] [--parallel N] [--store DIR]",
        discussion: """
        NAME is [host/][namespace/]model[:tag] (default host registry.ollama.ai, namespace library, \
        tag latest). Only blobs the store lacks are downloaded, several at once, each checked against \
        its digest while it streams and kept only when it matches. An interrupted pull resumes where \
        it stopped. The manifest is written last, exactly as the registry holds it.

        \(RegistryOptions.authHelp)
        """,
        options: [RegistryOptions.insecure, RegistryOptions.parallel, StoreAccess.option],
        positionals: 1...1)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        try RegistryOptions.transfer(args, console: console, done: "pulled", moved: "downloaded") { name, store, options, display in
            try ModelTransfer.pull(name, into: store, options: options, observer: display)
        }
    }
}
