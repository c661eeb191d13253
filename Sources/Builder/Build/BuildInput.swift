import ModelfileLang

/// What the build graph needs from a Modelfile, independent of the parser's AST: values already
/// typed by the checker (`CheckedModelfile`).
package struct BuildInput: Sendable, Equatable {
    /// Every FROM argument, in order (Ollama: if any is a model name, the last name wins).
    package var from: [String] = []
    package var template: String? = nil
    package var system: String? = nil
    /// PARAMETER values, typed once by the checker.
    package var parameters = ParameterValues()
    /// Deprecated PARAMETER names (Ollama warns and drops them).
    package var deprecatedParameters: [String] = []
    package var licenses: [String] = []
    package var messages: [Message] = []
    package var adapters: [String] = []
    package var requires: String? = nil
    package var renderer: String? = nil
    package var parser: String? = nil
    package var draft: String? = nil
    /// The folder relative paths are expanded against (the Modelfile's folder).
    package var directory: String

    /// An empty input whose relative paths start at `directory`.
    package init(directory: String) { self.directory = directory }

    /// A MESSAGE line: `system`, `user` or `assistant` and the text.
    package struct Message: Sendable, Equatable {
        package var role: String
        package var content: String
        package init(role: String, content: String) { self.role = role; self.content = content }
    }
}
