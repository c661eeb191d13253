import Builder

enum RmCommand: MFCCommand {
    static let info = CommandInfo(
        name: "rm", abstract: "Remove models; blobs no other model uses are deleted.", usage: "NAME... [--store DIR]",
        options: [StoreAccess.option], positionals: 1...Int.max)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let store = try StoreAccess.store(args, console: console)
        var status = ExitStatus.success
        for text in args.positionals {
            let name = try StoreAccess.name(text)
            do {
                let freed = try store.remove(name)
                console.stdout.write("deleted '\(name.displayShortest)' (\(freed.count) unreferenced blob\(freed.count == 1 ? "" : "s") removed)\n")
            } catch {
                console.stderr.write("mfc rm: error: \(error)\n")
                status = ExitStatus.failure
            }
        }
        return status
    }
}
