import Builder
import Foundation
import ModelfileLang
import Runtime

/// Everything `mfc run` needs about a model before loading its weights: the GGUF, the chat
/// format, the SYSTEM, MESSAGE history and PARAMETER values.
package struct RunnableModel: @unchecked Sendable {
    package let gguf: GGUFFile
    /// The ADAPTER layers with their user scales, applied in order when the model is loaded.
    package var adapters: [LoRAAdapter] = []
    package let displayName: String
    package let format: ChatFormat
    package var system: String
    package let history: [Turn]
    package var options: SamplingOptions
    /// Parameters the runtime does not implement (reported once, then ignored).
    package var ignoredParameters: [String] = []
    /// What `/show modelfile` prints: the built model's Modelfile, or a FROM line for a file.
    package var modelfile: String = ""
    package var licenses: [String] = []

    /// Resolves MODEL: a GGUF file, a Modelfile (built first, incrementally) or a built model's name.
    /// - Parameter warn: receives the chat-template resolver's warning for a model file run directly.
    package static func resolve(_ reference: String, store: String?, loraScales: LoRAScales = LoRAScales(),
                                environment: [String: String], currentDirectory: String,
                                warn: (String) -> Void = { _ in }) throws -> RunnableModel {
        let path = reference.hasPrefix("/") ? reference : currentDirectory + "/" + reference
        if isGGUF(path) {
            let gguf = try GGUFFile(path: path)
            let choice = try ChatTemplateResolver.resolve(jinja: JinjaChatTemplate(text: gguf["tokenizer.chat_template"]?.string, location: reference),
                                                          named: NamedTemplates.fromEnvironment(environment))
            if let warning = choice.warning { warn(warning) }
            let format = try ChatFormat(choice)
            var options = SamplingOptions()
            options.stop = format.stops   // as the params layer Ollama writes for a detected template
            return RunnableModel(gguf: gguf, displayName: (path as NSString).lastPathComponent, format: format,
                                 system: "", history: [], options: options, modelfile: "FROM \(ModelfilePrinter.quoted(path))\n")
        }
        let modelStore = ModelStore(root: ModelStore.defaultRoot(option: store, environment: environment))
        let resolved = try modelStore.resolve(reference: reference, currentDirectory: currentDirectory)
        try modelStore.checkBlobs(of: resolved)   // a damaged blob is named before it is loaded
        return try load(resolved, store: modelStore, loraScales: loraScales)
    }

    /// A built model as the store resolved it: its GGUF and ADAPTER layers (checked to fit), TEMPLATE,
    /// SYSTEM, MESSAGE history and PARAMETER values.
    package static func load(_ resolved: ResolvedModel, store modelStore: ModelStore, loraScales: LoRAScales = LoRAScales()) throws -> RunnableModel {
        let format = try ChatFormat(name: "TEMPLATE", text: resolved.template ?? PromptTemplate.defaultText)
        let gguf = try GGUFFile(path: resolved.modelPath)
        var model = RunnableModel(gguf: gguf, adapters: try adapters(resolved.adapterPaths, scales: loraScales, base: gguf),
                                  displayName: resolved.name.displayShortest,
                                  format: format, system: resolved.system ?? "",
                                  history: resolved.messages.map { Turn(role: $0.role, content: $0.content) },
                                  options: SamplingOptions(resolved.parameters),
                                  modelfile: ModelfilePrinter.modelfile(for: resolved, store: modelStore), licenses: resolved.licenses)
        model.ignoredParameters = resolved.parameters.sorted.map(\.name).filter { !SamplingOptions.names.contains($0) }
        return model
    }

    /// The ADAPTER layers at their user scales, in order (stacked, each at its own alpha/r times its scale),
    /// checked to fit `base`; the model applies them beside its quantized matrices.
    package static func adapters(_ paths: [String], scales: LoRAScales, base: GGUFFile) throws -> [LoRAAdapter] {
        let adapters = try paths.enumerated().map { i, path in LoRAAdapter(file: try GGUFFile(path: path), scale: try scales.scale(of: i, count: paths.count)) }
        try LoRAAdapter.checkFit(adapters, base: base)
        return adapters
    }

    /// True when the file starts with the GGUF magic.
    package static func isGGUF(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data("GGUF".utf8)
    }

    /// The tokenizer and a model instance with a cache of num_ctx positions (at most the trained context),
    /// checked to fit each other, ready to generate.
    /// - Throws: when the GGUF's vocabulary or tensors cannot be used.
    package func makeGenerator(threads: Int) throws -> Generator {
        let (tokenizer, engine) = try makeEngine(threads: threads)
        return Generator(model: engine, tokenizer: tokenizer)
    }

    /// The tokenizer and the loaded weights with a context of num_ctx positions (at most the trained context).
    /// - Throws: when the GGUF's vocabulary or tensors cannot be used.
    package func makeEngine(threads: Int, kvCacheType: KVCacheType = .f16) throws -> (Tokenizer, LlamaModel) {
        let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: gguf))
        let engine = try LlamaModel(gguf: gguf, contextLength: min(options.numCtx, trainedContextLength), threads: threads,
                                    kvCacheType: kvCacheType, adapters: adapters)
        try ModelValidation.checkFit(tokenizer.vocabulary, engine.config)
        return (tokenizer, engine)
    }

    /// The context length the model was trained with (num_ctx when the GGUF does not say).
    package var trainedContextLength: Int { gguf.archValue("context_length")?.int ?? options.numCtx }

    /// Rows for `/show info`.
    package var info: [(String, String)] {
        var rows: [(String, String)] = [("architecture", gguf.architecture ?? "unknown")]
        if let i = try? ModelInfo(ggufAt: gguf.path) {
            rows += [("parameters", String(i.parameterCount)), ("context length", String(i.contextLength)),
                     ("embedding length", String(i.embeddingLength)), ("quantization", i.fileType)]
        }
        rows.append(("template", format.name))
        return rows
    }
}
