import Builder
import Foundation
import Runtime

/// Finds and opens the model a command names.
enum ModelFiles {
    /// Resolves MODEL relative to the console's working directory.
    static func path(_ model: String, console: Console) -> String {
        model.hasPrefix("/") ? model : console.currentDirectory + "/" + model
    }

    /// Refuses a path that exists but is not a regular file: opening a FIFO would block until
    /// something writes to it, and a device never ends.
    static func refuseSpecialFile(_ path: String, as given: String) throws(SpecialFileError) {
        // A folder may share its name with a model.
        guard let st = FileStat.of(path), !st.isRegular, !st.isDirectory else { return }
        let kind = st.kindDescription
        throw SpecialFileError(description: "'\(given)' is \(kind), not a GGUF file or a Modelfile")
    }

    struct SpecialFileError: Error, CustomStringConvertible { let description: String }

    /// Opens a GGUF file, with a usage-style message when it is missing.
    static func gguf(_ model: String, console: Console) throws -> GGUFFile {
        let full = path(model, console: console)
        guard FileManager.default.fileExists(atPath: full) else {
            throw UsageError("no model file at '\(model)'")
        }
        try refuseSpecialFile(full, as: model)
        return try GGUFFile(path: full)
    }

    static func tokenizer(for model: String, console: Console) throws -> Tokenizer {
        try Tokenizer(vocabulary: Vocabulary(gguf: gguf(model, console: console)))
    }
}
