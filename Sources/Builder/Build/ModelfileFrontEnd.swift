import ModelfileLang

/// Turns Modelfile text into a `BuildInput` through ModelfileLang's parser and checker, so a build
/// lints first and stops on errors.
package enum ModelfileFrontEnd {
    /// The outcome of reading one Modelfile.
    package struct Checked: Sendable {
        /// nil when there are errors.
        package var input: BuildInput?
        package var diagnostics: [Diagnostic]
        package var source: SourceFile

        /// Diagnostics as `file:line:col: error[MF…]: …` text.
        package func rendered(color: Bool = false) -> String {
            DiagnosticRenderer.render(diagnostics, source: source, color: color, summary: false)
        }
    }

    /// Parses, checks and lints a Modelfile.
    /// - Parameters:
    ///   - bytes: the file's bytes (any of the encodings Ollama accepts).
    ///   - path: shown in diagnostics.
    ///   - directory: where relative FROM/ADAPTER/DRAFT paths start.
    package static func read(_ bytes: [UInt8], path: String, directory: String) -> Checked {
        let (modelfile, syntax) = Modelfile.parse(source: bytes, path: path)
        let options = CheckOptions(directory: directory, templateFieldReader: TemplateFields.defaultReader)
        let diagnostics = (syntax + modelfile.check(options: options)).sortedByPosition()
        guard !diagnostics.hasErrors else { return Checked(input: nil, diagnostics: diagnostics, source: modelfile.source) }
        return Checked(input: buildInput(modelfile, directory: directory), diagnostics: diagnostics, source: modelfile.source)
    }

    /// Like `read`, but errors become a thrown `StoreError` holding the rendered diagnostics.
    package static func input(_ bytes: [UInt8], path: String, directory: String) throws(StoreError) -> BuildInput {
        let checked = read(bytes, path: path, directory: directory)
        guard let input = checked.input else { throw StoreError(checked.rendered().trimmingSuffixNewline) }
        return input
    }

    /// Maps the AST onto the build's input, with Ollama's repeat rules (modelfile spec §3).
    static func buildInput(_ modelfile: Modelfile, directory: String) -> BuildInput {
        var input = BuildInput(directory: directory)
        for i in modelfile.instructions {
            switch i.keyword {
            case .from: input.from.append(i.value)
            case .parameter: input.parameters.append(.init(name: i.name ?? "", value: i.value))
            case .template: input.template = i.value
            case .system: input.system = i.value
            case .adapter: input.adapters.append(i.value)   // several ADAPTER lines stack, in order
            case .license: input.licenses.append(i.value)
            case .message: input.messages.append(.init(role: i.name ?? "", content: i.value))
            case .requires: input.requires = i.value.hasPrefix("v") ? String(i.value.dropFirst()) : i.value
            case .renderer: input.renderer = i.value
            case .parser: input.parser = i.value
            case .draft: input.draft = i.value
            }
        }
        return input
    }
}
