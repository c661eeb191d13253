import Builder
import Foundation

enum ImportCommand: MFCCommand {
    static let info = CommandInfo(
        name: "import", abstract: "Read a model from an OCI image layout tar file into the store.",
        usage: "FILE.tar [NAME[:TAG]] [--store DIR]",
        discussion: """
        Reads what mfc export (or skopeo copy ... oci-archive:FILE.tar) wrote. Every blob is checked \
        against its digest on the way in. NAME defaults to the name the model was exported as.
        """,
        options: [StoreAccess.option], positionals: 1...2)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let store = StoreAccess.store(args, console: console)
        let requested = try args.positionals.dropFirst().first.map(StoreAccess.name)
        let file = args.positionals[0].hasPrefix("/") ? args.positionals[0] : console.currentDirectory + "/" + args.positionals[0]
        let (name, digest) = try OCILayout.importArchive(file, as: requested, into: store)
        console.stdout.write("imported \(name.displayShortest) \(digest.shortID)\n")
        return ExitStatus.success
    }
}
