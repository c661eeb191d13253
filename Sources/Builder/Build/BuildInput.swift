/// What the build graph needs from a Modelfile, independent of the parser's AST.
package struct BuildInput: Sendable, Equatable {
    /// Every FROM argument, in order (Ollama: if any is a model name, the last name wins).
    package var from: [String] = []
    package var template: String? = nil
    package var system: String? = nil
    /// PARAMETER lines as written (name, raw value), in order.
    package var parameters: [Parameter] = []
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

    /// A PARAMETER line: its name and its value text, untyped.
    package struct Parameter: Sendable, Equatable {
        package var name: String
        package var value: String
        package init(name: String, value: String) { self.name = name; self.value = value }
    }

    /// A MESSAGE line: `system`, `user` or `assistant` and the text.
    package struct Message: Sendable, Equatable {
        package var role: String
        package var content: String
        package init(role: String, content: String) { self.role = role; self.content = content }
    }
}
