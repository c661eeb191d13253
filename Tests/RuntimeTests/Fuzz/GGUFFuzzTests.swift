import Foundation
import Testing
import ModelTestSupport
import TestSupport
@testable import Runtime

/// 100,000 mutated GGUF headers of a small valid model: each either loads or gives an error (a trap would
/// kill the test process, so finishing is the assertion), and those that load and pass ModelValidation
/// also load for a run and evaluate two tokens, or stop with an error. Memory stays bounded.
@Test func mutatedGGUFHeadersLoadOrFailWithAnError() throws {
    let seed = Fuzz.seed(default: 0x6767_7566), count = Fuzz.count(100_000)
    var rng = FuzzRandom(seed: seed)
    var tiny = TinyModel()
    tiny.layers = 1
    let base = tiny.bytes()
    let headerEnd = try GGUFFile(bytes: base).dataOffset
    let dictionary = ["llama", "gemma3", "phi3", "general.alignment", "tokenizer.ggml.tokens", "blk.0.attn_q.weight",
                      "llama.block_count", "llama.attention.head_count"].map { Array($0.utf8) }
    let startMemory = Fuzz.residentBytes()
    var peakMemory = startMemory, parsed = 0, valid = 0, evaluated = 0
    for n in 0..<count {
        let input = Fuzz.mutate(base, region: 0..<headerEnd, dictionary: dictionary, &rng)
        let file: GGUFFile
        do { file = try GGUFFile(bytes: input) } catch {
            #expect(!error.message.isEmpty, "seed \(seed), case \(n): an error without a message")
            continue
        }
        parsed += 1
        guard (try? ModelValidation.check(file)) != nil else { continue }
        valid += 1
        do {
            let model = try LlamaModel(gguf: file, contextLength: 4, threads: 1, batchSize: 2)
            _ = try model.forward(tokens: [1, 2], startPosition: 0)
            evaluated += 1
        } catch {
            #expect(!error.description.isEmpty, "seed \(seed), case \(n)")
        }
        if n % 1_000 == 0 { peakMemory = max(peakMemory, Fuzz.residentBytes()) }
    }
    #expect(peakMemory - startMemory < 1 << 30, "seed \(seed): resident memory grew by \((peakMemory - startMemory) >> 20) MiB")
    // The mutations must keep many files readable, or the deeper checks are never reached.
    #expect(parsed > count / 25 && valid > count / 200 && evaluated > 0,
            "seed \(seed): \(parsed) parsed, \(valid) valid, \(evaluated) evaluated of \(count)")
}
