/// Go type names of Ollama's template data (package `template` and `api`).
enum OllamaTypes {
    static let toolProperty = "api.ToolProperty"
}
