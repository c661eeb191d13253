import Foundation
import ModelfileLang

/// A Modelfile named on the command line (`-` is standard input), read and parsed.
struct ModelfileInput {
    /// The path as given, or `<stdin>`.
    let displayPath: String
    /// The absolute path, nil for standard input.
    let absolutePath: String?
    /// The directory relative FROM/ADAPTER/DRAFT paths start from.
    let directory: String
    let bytes: [UInt8]

    struct ReadError: Error, CustomStringConvertible {
        let description: String
    }

    static func read(_ argument: String, console: Console) throws(ReadError) -> ModelfileInput {
        if argument == "-" {
            let data: Data
            do { data = try console.readStdin() } catch { throw ReadError(description: error.description) }
            return ModelfileInput(displayPath: "<stdin>", absolutePath: nil, directory: console.currentDirectory, bytes: [UInt8](data))
        }
        let absolute = argument.hasPrefix("/") ? argument : console.currentDirectory + "/" + argument
        guard let data = FileManager.default.contents(atPath: absolute) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory)
            throw ReadError(description: "cannot read '\(argument)': " + (exists ? (isDirectory.boolValue ? "is a directory" : "permission denied") : "no such file"))
        }
        return ModelfileInput(displayPath: argument, absolutePath: absolute,
                              directory: (absolute as NSString).deletingLastPathComponent, bytes: [UInt8](data))
    }

    func parse() -> (Modelfile, [Diagnostic]) {
        Modelfile.parse(source: bytes, path: displayPath)
    }
}
