import Foundation
import Runtime

/// Finds and opens the model a command names.
enum ModelFiles {
    /// Resolves MODEL relative to the console's working directory.
    static func path(_ model: String, console: Console) -> String {
        model.hasPrefix("/") ? model : console.currentDirectory + "/" + model
    }

    /// Opens a GGUF file, with a usage-style message when it is missing.
    static func gguf(_ model: String, console: Console) throws -> GGUFFile {
        let full = path(model, console: console)
        guard FileManager.default.fileExists(atPath: full) else {
            throw UsageError("no model file at '\(model)'")
        }
        return try GGUFFile(path: full)
    }

    static func tokenizer(for model: String, console: Console) throws -> Tokenizer {
        try Tokenizer(vocabulary: Vocabulary(gguf: gguf(model, console: console)))
    }
}
