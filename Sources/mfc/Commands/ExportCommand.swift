import Builder
import Foundation

enum ExportCommand: MFCCommand {
    static let info = CommandInfo(
        name: "export", abstract: "Write a model to a tar file as an OCI image layout.",
        usage: "NAME[:TAG] FILE.tar [--store DIR]",
        discussion: """
        The archive holds oci-layout, index.json and blobs/sha256/..., so other tools can read it \
        (skopeo copy oci-archive:FILE.tar docker://HOST/REPO:TAG puts it in a registry). mfc import \
        reads it back with the same manifest digest.
        """,
        options: [StoreAccess.option], positionals: 2...2)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let store = StoreAccess.store(args, console: console)
        let name = try StoreAccess.name(args.positionals[0])
        let file = args.positionals[1].hasPrefix("/") ? args.positionals[1] : console.currentDirectory + "/" + args.positionals[1]
        let digest = try OCILayout.export(name, from: store, to: file)
        console.stdout.write("exported \(name.displayShortest) to \(args.positionals[1]) (OCI manifest \(digest.shortID))\n")
        return ExitStatus.success
    }
}
