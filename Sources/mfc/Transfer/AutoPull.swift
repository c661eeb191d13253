import Builder
import Foundation

/// `mfc run NAME` and a Modelfile's `FROM NAME` pull a model the store lacks, as Ollama does,
/// unless `--no-pull` or `MFC_NO_PULL=1` turns that off.
enum AutoPull {
    static let options = [
        OptionSpec(["--no-pull"], help: "Do not pull a model the store lacks (also MFC_NO_PULL=1)."),
        OptionSpec(["--insecure"], help: "Pull over plain HTTP."),
    ]

    static func isOff(_ args: ParsedArguments, console: Console) -> Bool {
        args.flag("--no-pull") || console.environment["MFC_NO_PULL"].map { !$0.isEmpty && $0 != "0" } ?? false
    }

    /// Pulls `reference` when it is a model name (not a file) with no manifest in the store.
    static func ifMissing(_ reference: String, args: ParsedArguments, console: Console) throws {
        guard !isOff(args, console: console),
              !FileManager.default.fileExists(atPath: ModelFiles.path(reference, console: console)) else { return }
        let name = ModelName(parsing: reference)
        let store = try StoreAccess.store(args, console: console)
        guard name.isValid, store.manifestBytes(name) == nil else { return }
        try pull(name, into: store, args: args, console: console)
    }

    /// What a build calls for a FROM model the store lacks; nil when pulling is off.
    static func forBuild(_ args: ParsedArguments, store: ModelStore, console: Console) -> (@Sendable (ModelName) throws(StoreError) -> Void)? {
        guard !isOff(args, console: console) else { return nil }
        return { name throws(StoreError) in
            do { try pull(name, into: store, args: args, console: console) } catch {
                throw StoreError("base model '\(name.displayShortest)' is not in the store and pulling it failed: \(error)")
            }
        }
    }

    private static func pull(_ name: ModelName, into store: ModelStore, args: ParsedArguments, console: Console) throws {
        let options = try RegistryOptions.transfer(args, host: name.host, console: console)
        _ = try ModelTransfer.pull(name, into: store, options: options, observer: TransferDisplay(output: console.stderr))
    }
}
