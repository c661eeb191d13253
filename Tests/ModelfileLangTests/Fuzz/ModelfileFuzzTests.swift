import Foundation
import Testing
import TestSupport
@testable import ModelfileLang

/// 100,000 mutated Modelfiles (the examples and every error example as seeds) through the whole front end
/// `mfc lint` and `mfc fmt` run: parse, check with lint rules and template analysis, render, fix-its, format.
/// Each input gives diagnostics or a clean file; finishing is the no-trap assertion; memory stays bounded.
@Test func mutatedModelfilesGoThroughTheFrontEnd() throws {
    let seed = Fuzz.seed(default: 0x6D66_6C65), count = Fuzz.count(100_000)
    var rng = FuzzRandom(seed: seed)
    let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples").path
    let names = (try FileManager.default.subpathsOfDirectory(atPath: examples)).filter { $0.hasSuffix(".Modelfile") }
    let seeds = try names.map { Array(try Data(contentsOf: URL(fileURLWithPath: examples + "/" + $0))) }
    #expect(seeds.count > 20, "seed files under \(examples)")
    let dictionary = ["FROM ", "PARAMETER ", "TEMPLATE ", "SYSTEM ", "MESSAGE user ", "ADAPTER ", "\"\"\"", "\"", "\n", "\r\n",
                      "{{", "}}", "{{ range .Messages }}", "{{ end }}", "{{ template \"x\" . }}", "{{ define \"x\" }}", "num_ctx ",
                      "stop ", "-1", "1e309", "NaN", "9223372036854775808", "~/", "../", "\u{0}", "\u{FFFF}", "é"].map { Array($0.utf8) }
    let options = CheckOptions(directory: "/work/models", fileSystem: FileSystemProbe(kind: { _ in .missing }, canonical: { $0 }, home: { _ in "/home/u" }),
                               templateFieldReader: TemplateFields.defaultReader, modelExists: { $0.hasPrefix("l") })
    let startMemory = Fuzz.residentBytes()
    var clean = 0
    for n in 0..<count {
        let base = seeds[n % seeds.count]
        let input = Fuzz.mutate(base, region: 0..<max(1, base.count), dictionary: dictionary, &rng)
        let (file, syntax) = Modelfile.parse(source: input, path: "Modelfile")
        let diagnostics = syntax + file.check(options: options)
        let rendered = DiagnosticRenderer.render(diagnostics, source: file.source)
        #expect(diagnostics.isEmpty || !rendered.isEmpty, "seed \(seed), case \(n): diagnostics that render to nothing")
        _ = FixItApplier.apply(diagnostics, to: file.source)
        if !diagnostics.hasErrors {
            clean += 1
            _ = Formatter.format(file)
        }
    }
    #expect(Fuzz.residentBytes() - startMemory < 1 << 30, "seed \(seed): resident memory grew past 1 GiB")
    #expect(clean > count / 20, "seed \(seed): only \(clean) of \(count) mutated files were clean")
}
