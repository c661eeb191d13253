import Foundation
import Testing

// The linker pitfall of one-binary ISA dispatch (notes/swift-kernels.md): an out-of-line function emitted
// by two variants (a stdlib generic specialization gets the same symbol in every module) is kept once by
// the linker, so one variant could run another's instructions. These tests read the object files of the
// build that is running them and check that (a) no code symbol a variant defines is defined by any other
// module, and (b) the portable variant has no VEX/EVEX instructions (no AVX at all) and the AVX2 variant no
// EVEX ones (no AVX-512).

private let variants = ["KernelsAVX512", "KernelsAVX2", "KernelsPortable"]

/// The build products directory (`.build/<triple>/<configuration>`) holding this test binary's objects.
private func buildDirectory() throws -> URL {
    var candidates: [URL] = []
    if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        // The test binary is .../<configuration>/mfcPackageTests.xctest (a file on Linux, a bundle on macOS).
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        while dir.path.count > 1 {
            candidates.append(dir)
            dir = dir.deletingLastPathComponent()
        }
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    #if DEBUG
    candidates.append(root.appendingPathComponent(".build/debug"))
    #else
    candidates.append(root.appendingPathComponent(".build/release"))
    #endif
    for dir in candidates where FileManager.default.fileExists(atPath: dir.appendingPathComponent("KernelsPortable.build").path) {
        return dir
    }
    throw ObjectFileError(message: "no KernelsPortable.build among \(candidates.map(\.path)): cannot find the object files to check")
}

private struct ObjectFileError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The `.o` files of module `name` in `dir`: those its output-file-map.json names for its current sources
/// (objects of deleted sources stay in the folder), or every `.o` for a module without that map (C targets).
private func objects(_ name: String, in dir: URL) throws -> [String] {
    let moduleDir = dir.appendingPathComponent("\(name).build")
    var objects: [String]
    if let data = FileManager.default.contents(atPath: moduleDir.appendingPathComponent("output-file-map.json").path),
       let map = try JSONSerialization.jsonObject(with: data) as? [String: [String: String]] {
        objects = map.filter { !$0.key.isEmpty }.compactMap { $0.value["object"] }
    } else {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: moduleDir.path)) ?? []
        objects = files.filter { $0.hasSuffix(".o") }.map { moduleDir.appendingPathComponent($0).path }
    }
    objects = objects.filter { FileManager.default.fileExists(atPath: $0) }.sorted()
    guard !objects.isEmpty else { throw ObjectFileError(message: "no object files in \(moduleDir.path)") }
    return objects
}

/// Runs an LLVM tool of the Swift toolchain (from PATH or next to `swift`) and returns its standard output.
private func llvm(_ tool: String, _ arguments: [String]) throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let dirs = path.split(separator: ":").map(String.init) + ["/opt/swift/usr/bin", "/usr/bin"]
    guard let exe = dirs.map({ "\($0)/\(tool)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw ObjectFileError(message: "\(tool) not found in PATH or /opt/swift/usr/bin")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: exe)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw ObjectFileError(message: "\(tool) \(arguments) failed") }
    return String(decoding: data, as: UTF8.self)
}

/// Global code symbols (nm types T, W, i) defined in `files`.
private func definedCode(_ files: [String]) throws -> Set<String> {
    var symbols = Set<String>()
    for line in try llvm("llvm-nm", ["--defined-only"] + files).split(separator: "\n") {
        let parts = line.split(separator: " ")
        if parts.count == 3, ["T", "W", "i"].contains(parts[1]) { symbols.insert(String(parts[2])) }
    }
    return symbols
}

@Test func kernelVariantsShareNoCodeSymbol() throws {
    let dir = try buildDirectory()
    var owners: [String: [String]] = [:]
    for name in variants {
        for symbol in try definedCode(objects(name, in: dir)) { owners[symbol, default: []].append(name) }
    }
    // Every other module of this build (Runtime, KernelInterface, Builder, mfc, tests, ...).
    let others = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        .filter { $0.hasSuffix(".build") && !variants.contains(String($0.dropLast(6))) }
        .flatMap { (try? objects(String($0.dropLast(6)), in: dir)) ?? [] }
    #expect(!others.isEmpty)
    for symbol in try definedCode(others) where owners[symbol] != nil { owners[symbol]!.append("another module") }
    let shared = owners.filter { $0.value.count > 1 }.map { "\($0.key) in \($0.value)" }.sorted()
    #expect(shared.isEmpty, "code symbols defined more than once (the linker keeps one copy): \(shared.prefix(10))")
    #expect(owners.count >= 3 * 9, "expected every variant's entry points, found \(owners.count) symbols")
}

/// Instructions of `files` whose encoding starts (after optional segment/address-size prefixes) with one of `prefixes`.
private func instructions(in files: [String], startingWith prefixes: Set<String>) throws -> [String] {
    var found: [String] = []
    var count = 0
    for line in try llvm("llvm-objdump", ["-d", "--no-print-imm-hex"] + files).split(separator: "\n") {
        // "  1a: 62 f1 7c 48 10 07   vmovups (%rdi), %zmm0"
        guard let colon = line.firstIndex(of: ":"), line.first == " " else { continue }
        let fields: [String] = line[line.index(after: colon)...].split(separator: " ").map(String.init)
        let bytes = fields.prefix { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }
        guard let first = bytes.first(where: { !["67", "2e", "3e", "26", "64", "65", "36"].contains($0) }) else { continue }
        count += 1
        if prefixes.contains(String(first)) { found.append(line.trimmingCharacters(in: .whitespaces)) }
    }
    guard count > 100 else { throw ObjectFileError(message: "only \(count) instructions disassembled from \(files)") }
    return found
}

@Test func portableVariantHasNoAVXAndAVX2VariantNoAVX512() throws {
    let dir = try buildDirectory()
    // C4/C5: VEX (AVX, AVX2, FMA, F16C, BMI); 62: EVEX (AVX-512); 8F: XOP. All are invalid as legacy opcodes in 64-bit mode.
    let portable = try instructions(in: objects("KernelsPortable", in: dir), startingWith: ["c4", "c5", "62", "8f"])
    #expect(portable.isEmpty, "portable variant uses VEX/EVEX instructions: \(portable.prefix(5))")
    let avx2 = try instructions(in: objects("KernelsAVX2", in: dir), startingWith: ["62"])
    #expect(avx2.isEmpty, "AVX2 variant uses EVEX (AVX-512) instructions: \(avx2.prefix(5))")
    // The check itself must be able to fail: the AVX-512 variant does use EVEX instructions.
    #if arch(x86_64)
    let avx512 = try instructions(in: objects("KernelsAVX512", in: dir), startingWith: ["62"])
    #expect(!avx512.isEmpty, "the AVX-512 variant shows no EVEX instruction: is it compiled with -march=x86-64-v4?")
    #endif
}

/// Swift files under `dir`, as paths relative to it (symlinks are not followed into directories).
private func swiftFiles(under dir: URL) -> [String] {
    let names = (FileManager.default.subpaths(atPath: dir.path) ?? []).filter { $0.hasSuffix(".swift") }
    return names.sorted()
}

/// Sources/KernelsAVX2 and Sources/KernelsPortable mirror Sources/Runtime/Kernels/ISA with symlinks, so the
/// three variants always compile the same code. The kernel sources live in ISA itself, except the few the
/// Runtime compiles too (Runtime/Blocks: half floats, ggml's rounding), which ISA links; every link is one hop.
@Test func variantFoldersMirrorTheKernelSources() throws {
    let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")
    let fm = FileManager.default
    let isa = sources.appendingPathComponent("Runtime/Kernels/ISA")
    let truth = swiftFiles(under: isa)
    #expect(truth.count >= 10)
    /// Where `file` under `dir` leads, relative to Sources, and whether it is a link.
    func destination(_ dir: URL, _ file: String) -> (path: String, isLink: Bool) {
        guard let link = try? fm.destinationOfSymbolicLink(atPath: dir.appendingPathComponent(file).path) else {
            return (dir.appendingPathComponent(file).standardizedFileURL.path, false)
        }
        let parent = dir.appendingPathComponent(file).deletingLastPathComponent()
        return (parent.appendingPathComponent(link).standardizedFileURL.path, true)
    }
    for file in truth {
        let (path, isLink) = destination(isa, file)
        if isLink {
            #expect(path.hasPrefix(sources.appendingPathComponent("Runtime/Blocks/").path), "ISA/\(file) links outside Runtime/Blocks: \(path)")
            #expect(fm.fileExists(atPath: path) && (try? fm.destinationOfSymbolicLink(atPath: path)) == nil, "ISA/\(file) is not one hop from a file")
        }
    }
    for variant in ["KernelsAVX2", "KernelsPortable"] {
        let dir = sources.appendingPathComponent(variant)
        let files = swiftFiles(under: dir)
        #expect(files == truth, "\(variant) has \(files), the kernel sources are \(truth)")
        for file in files {
            let (path, isLink) = destination(dir, file)
            #expect(isLink && path == destination(isa, file).path, "\(variant)/\(file) should link to the file ISA/\(file) is")
            #expect((try? fm.destinationOfSymbolicLink(atPath: path)) == nil, "\(variant)/\(file) is not one hop from a file")
        }
    }
}
