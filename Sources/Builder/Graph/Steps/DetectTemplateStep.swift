import ModelfileLang

/// Ollama's template auto-detection for models built from files: a template layer after the
/// model and stop words that the params layer takes unless the Modelfile sets its own, chosen by `ChatTemplateResolver` from the file's
/// Jinja chat template. Without a TEMPLATE line, a model whose chat format is not recognised gets
/// a warning that names the template it will use.
///
/// Input: the model layer's digest and whether the Modelfile has a TEMPLATE line. Key: the
/// model's Jinja template is cached by digest (`TemplateDetection`). Output: the template layer,
/// content-addressed, and the detected stop words for `ParamsStep`.
struct DetectTemplateStep: BuildAction {
    let hasTemplateLine: Bool

    func run(_ build: inout BuildRun) throws(StoreError) {
        guard !build.pendingImport, let layer = build.layers.first(where: { $0.mediaType == MediaType.model }) else { return }
        let jinja = try TemplateDetection.jinja(of: layer.digest, location: layer.from.isEmpty ? "the model" : layer.from,
                                                store: build.store, log: build.log)
        let choice = try ChatTemplateResolver.resolve(jinja: jinja, named: build.options.namedTemplates)
        if let warning = choice.warning, !hasTemplateLine { build.warnings.append(warning) }
        guard choice.origin != .fallback else { return }
        // A TEMPLATE line replaces the detected template, so it is not made at all.
        if !hasTemplateLine {
            build.layers.append(try build.blob("template", MediaType.template, Array(choice.template.utf8), since: build.clock.now))
        }
        build.detectedStop = choice.stop
    }
}
