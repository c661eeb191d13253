/// ModelfileLang: the Modelfile language (lexer, parser, checker, diagnostics, formatter)
/// and the Go text/template engine with Ollama's data model.
public enum ModelfileLang {
    /// Bumped when parsing or checking behaviour changes; part of build cache keys.
    public static let version = "0.2.0"
}
