import Builder
import Foundation

/// `mfc run NAME` pulls a model the store lacks, as `ollama run` does, unless `--no-pull` or
/// `MFC_NO_PULL=1` turns that off.
enum AutoPull {
    static let options = [
        OptionSpec(["--no-pull"], help: "Do not pull a model the store lacks (also MFC_NO_PULL=1)."),
        OptionSpec(["--insecure"], help: "Pull over plain HTTP."),
    ]

    /// Pulls `reference` when it is a model name (not a file) with no manifest in the store.
    static func ifMissing(_ reference: String, args: ParsedArguments, console: Console) throws {
        guard !args.flag("--no-pull"), console.environment["MFC_NO_PULL"].map({ $0.isEmpty || $0 == "0" }) ?? true,
              !FileManager.default.fileExists(atPath: ModelFiles.path(reference, console: console)) else { return }
        let name = ModelName(parsing: reference)
        let store = try StoreAccess.store(args, console: console)
        guard name.isValid, store.manifestBytes(name) == nil else { return }
        let options = try RegistryOptions.transfer(args, host: name.host, console: console)
        _ = try ModelTransfer.pull(name, into: store, options: options, observer: TransferDisplay(output: console.stderr))
    }
}
