import Builder

enum VerifyCommand: MFCCommand {
    static let info = CommandInfo(
        name: "verify", abstract: "Re-hash every blob; report corruption and dangling references.", usage: "[--repair] [--store DIR]",
        discussion: """
        Exits 1 when a blob does not match its digest, a manifest is unreadable, or a manifest names a missing blob. \
        Leftover temporary files are listed with their size. --repair restores damaged blobs from the files they \
        were built from (when those still have the same content) or by quantizing again, then verifies again.
        """,
        options: [OptionSpec(["--repair"], help: "Restore damaged blobs from their sources where possible."), StoreAccess.option],
        positionals: 0...0)

    static func run(_ args: ParsedArguments, console: Console) throws -> Int32 {
        let store = try StoreAccess.store(args, console: console)
        let progress = console.stderr.isTerminal ? ProgressBar(output: console.stderr).handler : nil
        var r = store.verify(progress: progress)
        if args.flag("--repair"), !r.damagedDigests.isEmpty {
            for outcome in try store.repair(r.damagedDigests) {
                if let source = outcome.source {
                    console.stdout.write("repaired blob \(outcome.digest) from \(source)\n")
                } else {
                    console.stdout.write("cannot repair blob \(outcome.digest): no source with that content is left; rebuild the models that use it\n")
                }
            }
            r = store.verify(progress: progress)
        }
        for d in r.corruptBlobs { console.stdout.write("corrupt blob: \(d) (content does not match its digest)\n") }
        for (n, d) in r.danglingReferences { console.stdout.write("dangling reference: \(n.displayShortest) needs \(d), which is missing or has the wrong size\n") }
        for n in r.corruptManifests { console.stdout.write("corrupt manifest: \(n.displayShortest)\n") }
        for t in r.temporaryFiles {
            let state = t.isStale ? "left by a process that is gone; 'mfc prune' deletes it" : "being written"
            console.stdout.write("note: temporary file \(t.path), \(humanBytes(t.size)) (\(state))\n")
        }
        if !r.unreferencedBlobs.isEmpty { console.stdout.write("note: \(r.unreferencedBlobs.count) blob(s) no model references ('mfc prune' deletes them)\n") }
        if !r.isClean, !args.flag("--repair") { console.stdout.write("hint: 'mfc verify --repair' restores damaged blobs from their sources\n") }
        console.stdout.write("\(r.isClean ? "ok" : "FAILED"): \(r.blobsChecked) blobs, \(humanBytes(r.bytesHashed)) hashed, \(store.modelNames().count) models\n")
        return r.isClean ? ExitStatus.success : ExitStatus.failure
    }
}
