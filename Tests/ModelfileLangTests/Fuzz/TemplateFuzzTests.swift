import Foundation
import Testing
import TestSupport
@testable import ModelfileLang

/// 100,000 mutated templates, each rendered against mutated JSON data, seeded from the Go conformance
/// corpus (every template and data set Go was run on). Each case parses or gives a parse error, renders
/// or gives an execution error (the render budget included); finishing is the no-trap assertion. No
/// case may take 5 s, and resident memory stays bounded.
@Test func mutatedTemplatesAndDataRenderOrFail() throws {
    let seed = Fuzz.seed(default: 0x746D_706C), count = Fuzz.count(100_000)
    var rng = FuzzRandom(seed: seed)
    let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Template/Conformance/cases.json")
    let json = try JSONValue.parse(Array(try Data(contentsOf: corpus)))
    let cases = json.arrayValue ?? []
    let seeds: [(template: [UInt8], data: [UInt8])] = cases.compactMap { c in
        guard let t = c["template"]?.stringValue else { return nil }
        return (Array(t.utf8), (c["data"] ?? .null).goEncoded)
    }
    #expect(seeds.count > 1000, "seed cases in \(corpus.path)")
    let dictionary = ["{{", "}}", "{{-", "-}}", "{{ range .Messages }}", "{{ end }}", "{{ else }}", "{{ if .System }}",
                      "{{ template \"t\" . }}", "{{ define \"t\" }}", "{{ block \"b\" . }}", "{{ with $x := . }}", "| printf \"%v\"",
                      "(index . 0)", "(slice .s 1 2)", "{{ range 1000000 }}", "{{ json . }}", "$", ".Tools", "1e309", "3i",
                      "0x1p-2", "\"\\u00e9\"", "[", "]", "{\"a\":", "null", "9223372036854775808", "\u{0}", "é"].map { Array($0.utf8) }
    // A budget smaller than the default keeps 100,000 renders fast; the engine enforces both the same way.
    var options = TemplateOptions.ollama
    options.limits = TemplateLimits(maxOutputBytes: 1 << 20, maxSteps: 100_000)
    let startMemory = Fuzz.residentBytes()
    var parsed = 0, rendered = 0, slowest: Duration = .zero
    let clock = ContinuousClock()
    for n in 0..<count {
        let base = seeds[n % seeds.count]
        let template = String(decoding: Fuzz.mutate(base.template, region: 0..<max(1, base.template.count), dictionary: dictionary, &rng),
                              as: UTF8.self)
        let dataBytes = n % 4 == 0 ? Fuzz.mutate(base.data, region: 0..<max(1, base.data.count), dictionary: dictionary, &rng) : base.data
        let start = clock.now
        let data = try? TemplateValue.decodeJSON(String(decoding: dataBytes, as: UTF8.self))
        if let t = try? Template.parse(template, options: options) {
            parsed += 1
            if (try? t.render(data)) != nil { rendered += 1 }
        }
        let took = clock.now - start
        slowest = max(slowest, took)
        #expect(took < .seconds(5), "seed \(seed), case \(n): \(took) for template \(template.debugDescription)")
    }
    #expect(Fuzz.residentBytes() - startMemory < 1 << 30, "seed \(seed): resident memory grew past 1 GiB")
    // The mutations must leave enough valid templates for the executor to be exercised.
    #expect(parsed > count / 10 && rendered > count / 20, "seed \(seed): \(parsed) parsed, \(rendered) rendered of \(count)")
    print("template fuzz: seed \(seed), \(count) cases, \(parsed) parsed, \(rendered) rendered, slowest \(slowest)")
}
