/// The config blob: the base model's format fields, the Modelfile's RENDERER/PARSER/REQUIRES,
/// and the model layers' family, size and file type.
///
/// Input: the model layers' facts (`ModelInfo`, cached by digest) and the base config.
/// Key: the content's digest. Output: the config descriptor.
struct ConfigStep: BuildAction {
    let renderer: String?
    let parser: String?
    let requires: String?

    func run(_ build: inout BuildRun) throws(StoreError) {
        let t0 = build.clock.now
        if build.pendingImport {
            try build.record("config", .planned, "", "depends on a model file that is not hashed yet", since: t0)
            return
        }
        var config = ModelConfig()
        if let base = build.baseConfig {
            config.modelFormat = base.modelFormat.isEmpty ? "gguf" : base.modelFormat
            config.renderer = base.renderer
            config.parser = base.parser
            config.requires = base.requires
            config.capabilities = base.capabilities
        }
        if let renderer { config.renderer = renderer }
        if let parser { config.parser = parser }
        if let requires { config.requires = requires }
        for layer in build.layers where layer.mediaType == MediaType.model {
            let info = try ModelInfo.of(layer.digest, in: build.store, log: build.log)
            config.modelFamily = info.architecture
            config.modelFamilies.append(info.architecture)
            config.modelType = ModelConfig.humanNumber(info.parameterCount)
            config.fileType = info.fileType
        }
        build.config = try build.blob("config", MediaType.config, config.encoded, since: t0)
    }
}
