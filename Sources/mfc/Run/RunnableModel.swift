import Builder
import Foundation
import ModelfileLang
import Runtime

/// Everything `mfc run` needs about a model before loading its weights: the GGUF, the chat
/// format, the SYSTEM, MESSAGE history and PARAMETER values.
struct RunnableModel {
    let gguf: GGUFFile
    let displayName: String
    let format: ChatFormat
    var system: String
    let history: [Turn]
    var options: SamplingOptions
    /// Parameters the runtime does not implement (reported once, then ignored).
    var ignoredParameters: [String] = []
    /// What `/show modelfile` prints: the built model's Modelfile, or a FROM line for a file.
    var modelfile: String = ""
    var licenses: [String] = []

    /// Resolves MODEL: a GGUF file, a Modelfile (built first, incrementally) or a built model's name.
    static func resolve(_ reference: String, store: String?, loraScales: LoRAScales = LoRAScales(), console: Console) throws -> RunnableModel {
        let path = ModelFiles.path(reference, console: console)
        if isGGUF(path) {
            let gguf = try GGUFFile(path: path)
            let choice = try ChatTemplateResolver.resolve(jinja: JinjaChatTemplate(text: gguf["tokenizer.chat_template"]?.string, location: reference),
                                                          named: NamedTemplates.fromEnvironment(console.environment))
            if let warning = choice.warning { console.stderr.write("mfc run: warning: \(warning)\n") }
            let format = try ChatFormat(choice)
            var options = SamplingOptions()
            options.stop = format.stops   // as the params layer Ollama writes for a detected template
            return RunnableModel(gguf: gguf, displayName: (path as NSString).lastPathComponent, format: format,
                                 system: "", history: [], options: options, modelfile: "FROM \(ModelfilePrinter.quoted(path))\n")
        }
        let root = ModelStore.defaultRoot(option: store, environment: console.environment)
        let modelStore = ModelStore(root: root)
        let resolved = try modelStore.resolve(reference: reference, currentDirectory: console.currentDirectory)
        let format = try ChatFormat(name: "TEMPLATE", text: resolved.template ?? PromptTemplate.defaultText)
        var model = RunnableModel(gguf: try withAdapters(GGUFFile(path: resolved.modelPath), resolved.adapterPaths, scales: loraScales),
                                  displayName: resolved.name.displayShortest,
                                  format: format, system: resolved.system ?? "",
                                  history: resolved.messages.map { Turn(role: $0.role, content: $0.content) },
                                  options: SamplingOptions(resolved.parameters),
                                  modelfile: ModelfilePrinter.modelfile(for: resolved, store: modelStore), licenses: resolved.licenses)
        model.ignoredParameters = resolved.parameters.sorted.map(\.name).filter { !SamplingOptions.names.contains($0) }
        return model
    }

    /// The model with its ADAPTER layers applied in order (stacked, each at its own alpha/r times its user
    /// scale): merged into the targeted weights in a temporary file that is unlinked once mapped.
    static func withAdapters(_ base: GGUFFile, _ paths: [String], scales: LoRAScales) throws -> GGUFFile {
        guard !paths.isEmpty else { return base }
        let adapters = try paths.enumerated().map { i, path in LoRAAdapter(file: try GGUFFile(path: path), scale: try scales.scale(of: i, count: paths.count)) }
        let temp = NSTemporaryDirectory() + "mfc-lora-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).gguf"
        defer { unlink(temp) }
        try LoRAMerge.merge(base: base, adapters: adapters, outputPath: temp)
        return try GGUFFile(path: temp)   // the mapping outlives the unlinked file
    }

    /// True when the file starts with the GGUF magic.
    static func isGGUF(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data("GGUF".utf8)
    }

    /// What the chat shows of this model, named as the user named it.
    func card(reference: String) -> ChatModelCard {
        ChatModelCard(reference: reference, info: info, modelfile: modelfile, licenses: licenses)
    }

    /// Rows for `/show info`.
    var info: [(String, String)] {
        var rows: [(String, String)] = [("architecture", gguf.architecture ?? "unknown")]
        if let i = try? ModelInfo(ggufAt: gguf.path) {
            rows += [("parameters", String(i.parameterCount)), ("context length", String(i.contextLength)),
                     ("embedding length", String(i.embeddingLength)), ("quantization", i.fileType)]
        }
        rows.append(("template", format.name))
        return rows
    }
}
