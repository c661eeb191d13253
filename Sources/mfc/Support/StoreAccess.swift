import Builder

/// The `--store` option and store lookup shared by the model-store commands.
enum StoreAccess {
    static let option = OptionSpec(["--store"], value: "DIR",
                                   help: "Models folder (default: $MFC_MODELS, else $OLLAMA_MODELS, else $HOME/.mfc/models; an Ollama models folder works).")

    /// The store the command works on.
    /// - Throws: when that path exists but is not a folder.
    static func store(_ args: ParsedArguments, console: Console) throws(StoreError) -> ModelStore {
        try store(option: args.value("--store"), console: console)
    }

    static func store(option: String?, console: Console) throws(StoreError) -> ModelStore {
        let store = ModelStore(root: ModelStore.defaultRoot(option: option, environment: console.environment))
        try store.checkRoot(origin: ModelStore.rootOrigin(option: option, environment: console.environment))
        return store
    }

    /// Parses a model name argument, as a usage error when invalid.
    static func name(_ text: String) throws(UsageError) -> ModelName {
        let n = ModelName(parsing: text)
        guard n.isValid else { throw UsageError("invalid model name '\(text)'") }
        return n
    }
}
