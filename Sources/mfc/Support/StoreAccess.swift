import Builder

/// The `--store` option and store lookup shared by the model-store commands.
enum StoreAccess {
    static let option = OptionSpec(["--store"], value: "DIR",
                                   help: "Models folder (default: $MFC_MODELS, else $OLLAMA_MODELS, else $HOME/.mfc/models; an Ollama models folder works).")

    static func store(_ args: ParsedArguments, console: Console) -> ModelStore {
        ModelStore(root: ModelStore.defaultRoot(option: args.value("--store"), environment: console.environment))
    }

    /// Parses a model name argument, as a usage error when invalid.
    static func name(_ text: String) throws(UsageError) -> ModelName {
        let n = ModelName(parsing: text)
        guard n.isValid else { throw UsageError("invalid model name '\(text)'") }
        return n
    }
}
