import Builder
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
        guard let st = FileStat.of(absolute) else { throw ReadError(description: "cannot read '\(argument)': no such file") }
        if st.isDirectory { throw ReadError(description: "cannot read '\(argument)': is a directory") }
        guard let bytes = readWholeFile(absolute) else {
            throw ReadError(description: "cannot read '\(argument)': \(String(cString: strerror(errno)))")
        }
        // A pipe (`-f <(...)`, /dev/fd/N) has no folder of its own: relative paths start here.
        let directory = st.isRegular ? (absolute as NSString).deletingLastPathComponent : console.currentDirectory
        return ModelfileInput(displayPath: argument, absolutePath: absolute, directory: directory, bytes: bytes)
    }

    func parse() -> (Modelfile, [Diagnostic]) {
        Modelfile.parse(source: bytes, path: displayPath)
    }
}
