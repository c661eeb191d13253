import Builder

enum VerifyCommand: MFCCommand {
    static let info = CommandInfo(
        name: "verify", abstract: "Re-hash every blob; report corruption and dangling references.", usage: "[--store DIR]",
        discussion: "Exits 1 when a blob does not match its digest, a manifest is unreadable, or a manifest names a missing blob.",
        options: [StoreAccess.option], positionals: 0...0)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let store = StoreAccess.store(args, console: console)
        let progress = console.stderr.isTerminal ? ProgressBar(output: console.stderr).handler : nil
        let r = store.verify(progress: progress)
        for d in r.corruptBlobs { console.stdout.write("corrupt blob: \(d) (content does not match its digest)\n") }
        for (n, d) in r.danglingReferences { console.stdout.write("dangling reference: \(n.displayShortest) needs \(d), which is missing or has the wrong size\n") }
        for n in r.corruptManifests { console.stdout.write("corrupt manifest: \(n.displayShortest)\n") }
        for f in r.temporaryFiles { console.stdout.write("note: leftover temporary file blobs/\(f)\n") }
        if !r.unreferencedBlobs.isEmpty { console.stdout.write("note: \(r.unreferencedBlobs.count) blob(s) no model references\n") }
        console.stdout.write("\(r.isClean ? "ok" : "FAILED"): \(r.blobsChecked) blobs, \(humanBytes(r.bytesHashed)) hashed, \(store.modelNames().count) models\n")
        return r.isClean ? ExitStatus.success : ExitStatus.failure
    }
}
