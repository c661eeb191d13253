import Foundation
import ModelfileLang

/// Turns Modelfile text into a `BuildInput` through ModelfileLang's checker (`CheckedModelfile`),
/// so a build lints first and stops on errors. The one place that reads a Modelfile for a build.
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
    ///   - modelExists: whether a FROM model name is in the store; nil skips that check.
    package static func read(_ bytes: [UInt8], path: String, directory: String,
                             modelExists: (@Sendable (String) -> Bool)? = nil) -> Checked {
        let checked = Modelfile.checked(source: bytes, path: path, options: CheckOptions(directory: directory, templateFieldReader: TemplateFields.defaultReader, modelExists: modelExists))
        let source = checked.modelfile.source
        guard !checked.hasErrors else { return Checked(input: nil, diagnostics: checked.diagnostics, source: source) }
        return Checked(input: buildInput(checked, directory: directory), diagnostics: checked.diagnostics, source: source)
    }

    /// Like `read`, but errors become a thrown `StoreError` holding the rendered diagnostics.
    package static func input(_ bytes: [UInt8], path: String, directory: String,
                              modelExists: (@Sendable (String) -> Bool)? = nil) throws(StoreError) -> BuildInput {
        let checked = read(bytes, path: path, directory: directory, modelExists: modelExists)
        guard let input = checked.input else { throw StoreError(checked.rendered().trimmingSuffixNewline) }
        return input
    }

    /// Reads the Modelfile at `path` and builds it as `name` (`mfc build -f`, `mfc run FILE`).
    /// Diagnostics (warnings included) go to `diagnostics` before the build starts.
    package static func build(fileAt path: String, displayPath: String, as name: ModelName, builder: ModelBuilder,
                              options: BuildOptions, diagnostics: (Checked) -> Void = { _ in }) throws(StoreError) -> BuildResult {
        guard let bytes = FileIO.read(path) else { throw StoreError("cannot read Modelfile \(displayPath)") }
        let checked = read(bytes, path: displayPath, directory: (path as NSString).deletingLastPathComponent,
                           modelExists: builder.store.modelLookup)
        diagnostics(checked)
        guard let input = checked.input else { throw StoreError(checked.rendered().trimmingSuffixNewline) }
        return try builder.build(input, as: name, options: options)
    }

    /// Maps the checked Modelfile onto the build's input.
    static func buildInput(_ checked: CheckedModelfile, directory: String) -> BuildInput {
        var input = BuildInput(directory: directory)
        for i in checked.modelfile.instructions {
            switch i.keyword {
            case .from: input.from.append(i.value)
            case .adapter: input.adapters.append(i.value)   // several ADAPTER lines stack, in order
            case .draft: input.draft = i.value
            default: break
            }
        }
        input.parameters = checked.parameters
        input.deprecatedParameters = checked.deprecatedParameters
        input.template = checked.template
        input.system = checked.system
        input.licenses = checked.licenses
        input.messages = checked.messages.map { .init(role: $0.role, content: $0.content) }
        input.requires = checked.requires
        input.renderer = checked.renderer
        input.parser = checked.parser
        return input
    }
}

extension ModelStore {
    /// The checker's view of this store: whether FROM `text` names a model in it. nil when the
    /// store does not exist yet (nothing to compare with; the build reports a missing base).
    package var modelLookup: (@Sendable (String) -> Bool)? {
        guard FileIO.status(manifestsDirectory)?.isDirectory == true else { return nil }
        return { [self] text in
            let name = ModelName(parsing: text)
            return name.isValid && manifestBytes(name) != nil
        }
    }
}
