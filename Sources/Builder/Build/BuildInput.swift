/// What the build graph needs from a Modelfile, independent of the parser's AST.
public struct BuildInput: Sendable, Equatable {
    /// Every FROM argument, in order (Ollama: if any is a model name, the last name wins).
    public var from: [String] = []
    public var template: String? = nil
    public var system: String? = nil
    /// PARAMETER lines as written (name, raw value), in order.
    public var parameters: [Parameter] = []
    public var licenses: [String] = []
    public var messages: [Message] = []
    public var adapters: [String] = []
    public var requires: String? = nil
    public var renderer: String? = nil
    public var parser: String? = nil
    public var draft: String? = nil
    /// The folder relative paths are expanded against (the Modelfile's folder).
    public var directory: String

    /// An empty input whose relative paths start at `directory`.
    public init(directory: String) { self.directory = directory }

    /// A PARAMETER line: its name and its value text, untyped.
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    /// A MESSAGE line: `system`, `user` or `assistant` and the text.
    public struct Message: Sendable, Equatable {
        public var role: String
        public var content: String
        public init(role: String, content: String) { self.role = role; self.content = content }
    }
}
