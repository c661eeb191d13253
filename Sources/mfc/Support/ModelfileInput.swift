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
            return ModelfileInput(displayPath: "<stdin>", absolutePath: nil, directory: console.currentDirectory,
                                  bytes: [UInt8](console.readStdin()))
        }
        let absolute = argument.hasPrefix("/") ? argument : console.currentDirectory + "/" + argument
        guard let st = FileStat.of(absolute) else { throw ReadError(description: "cannot read '\(argument)': no such file") }
        if st.isDirectory { throw ReadError(description: "cannot read '\(argument)': is a directory") }
        guard let bytes = readAll(absolute) else {
            throw ReadError(description: "cannot read '\(argument)': \(String(cString: strerror(errno)))")
        }
        // A pipe (`-f <(...)`, /dev/fd/N) has no folder of its own: relative paths start here.
        let directory = st.isRegular ? (absolute as NSString).deletingLastPathComponent : console.currentDirectory
        return ModelfileInput(displayPath: argument, absolutePath: absolute, directory: directory, bytes: bytes)
    }

    /// Reads until end of file with `read(2)`, so pipes and process substitutions work too.
    static func readAll(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
        }
    }

    func parse() -> (Modelfile, [Diagnostic]) {
        Modelfile.parse(source: bytes, path: displayPath)
    }
}
