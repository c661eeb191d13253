import Builder

enum PruneCommand: MFCCommand {
    static let info = CommandInfo(
        name: "prune", abstract: "Delete blobs no model uses and temporaries of killed writes.", usage: "[--store DIR]",
        discussion: "Waits for running builds (it takes the store's exclusive lock), like Ollama's prune.",
        options: [StoreAccess.option], positionals: 0...0)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let store = try StoreAccess.store(args, console: console)
        let r = try store.prune()
        for b in r.blobs { console.stdout.write("deleted blob \(b.digest) \(humanBytes(b.size))\n") }
        for t in r.temporaries { console.stdout.write("deleted temporary \(t.path) \(humanBytes(t.size))\n") }
        console.stdout.write("freed \(humanBytes(r.bytesFreed)) (\(r.blobs.count) blob\(r.blobs.count == 1 ? "" : "s"), "
                             + "\(r.temporaries.count) temporar\(r.temporaries.count == 1 ? "y" : "ies"))\n")
        return ExitStatus.success
    }
}
