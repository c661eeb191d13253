import ModelfileLang
/// Ollama's template auto-detection (only for models built from files): a template layer and a
/// stop-only params layer after the model. GGUF files match Ollama's named templates when their
/// data is available; safetensors imports fall back to mfc's own family templates, with a warning
/// when their chat template is of no known family.
///
/// Input: the model layer's digest. Key: `TemplateDetection`'s action key (digest and template
/// data). Output: the template (and params) layers, content-addressed.
struct DetectTemplateStep: BuildAction {
    func run(_ build: inout BuildRun) throws(StoreError) {
        guard !build.pendingImport else { return }
        for layer in build.layers where layer.mediaType == MediaType.model {
            let imported = build.importedFolders.contains(layer.digest)
            guard build.options.namedTemplates != nil || imported else { continue }
            let found: TemplateDetection.Detected
            switch try TemplateDetection.detect(layer.digest, store: build.store, log: build.log, named: build.options.namedTemplates, families: imported) {
            case .detected(let d): found = d
            case .unknownFamily:
                build.warnings.append("\(layer.from.isEmpty ? "model" : layer.from): the chat template in tokenizer_config.json is of no family mfc knows "
                                      + "(chatml, qwen2, llama3, llama2, mistral, gemma, phi3); add a TEMPLATE line")
                continue
            case .none: continue
            }
            build.layers.append(try build.blob("template", MediaType.template, Array(found.template.utf8), since: build.clock.now))
            if !found.stop.isEmpty {
                let params = JSONValue.object([("stop", .array(found.stop.map { .string($0) }))])
                build.layers.append(try build.blob("params", MediaType.params, params.goEncoded, since: build.clock.now))
            }
            return
        }
    }
}
