import Builder

/// The options `push`, `pull` and the build cache share, and how they become `TransferOptions`.
enum RegistryOptions {
    static let insecure = OptionSpec(["--insecure"], help: "Use plain HTTP instead of HTTPS (a local or in-house registry).")
    static let parallel = OptionSpec(["--parallel"], value: "N", help: "Blobs moved at once (default 3).")

    static let authHelp = """
    A registry that asks for credentials gets them from MFC_REGISTRY_AUTH=user:password, else from \
    the auth file MFC_REGISTRY_AUTH_FILE (default ~/.mfc/auth.json, the {"auths":{"host":{"auth":\
    base64("user:password")}}} file skopeo and podman also read). Bearer-token registries are asked for \
    a token with those credentials. Credentials are never printed.
    """

    static func transfer(_ args: ParsedArguments, host: String, console: Console) throws(UsageError) -> TransferOptions {
        var options = TransferOptions(insecure: args.flag("--insecure"),
                                      credentials: RegistryCredentials.lookup(host: host, environment: console.environment))
        if let text = args.value("--parallel") {
            guard let n = Int(text), (1...16).contains(n) else { throw UsageError("--parallel needs a number from 1 to 16, got '\(text)'") }
            options.parallel = n
        }
        return options
    }

    /// Runs a push or pull of the one NAME argument and prints what moved.
    static func transfer(_ args: ParsedArguments, console: Console, done: String, moved: String,
                         _ body: (ModelName, ModelStore, TransferOptions, TransferDisplay) throws -> TransferReport) throws -> Int32 {
        let store = StoreAccess.store(args, console: console)
        let name = try StoreAccess.name(args.positionals[0])
        let options = try transfer(args, host: name.host, console: console)
        let r = try body(name, store, options, TransferDisplay(output: console.stderr))
        console.stdout.write("\(done) \(name.displayShortest) \(r.manifestDigest.shortID): \(r.blobsSent) blob\(r.blobsSent == 1 ? "" : "s") \(moved) (\(humanBytes(r.bytesSent))), \(r.blobsSkipped) already present\n")
        return ExitStatus.success
    }
}
