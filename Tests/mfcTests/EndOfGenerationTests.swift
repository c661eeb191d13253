import Testing
import Runtime
@testable import mfc

/// Without any stop string, the GGUF's EOS and EOT ids end a generation by themselves, even when
/// their text is none of the usual end-of-turn texts (so no chat template's stop words are needed).
@Test(arguments: [("eos", 1), ("eot", 4)])
func endTokenIdsStopWithoutStopWords(_ kind: String, _ end: Int) throws {
    let texts = ["<s>", "<my-eos>", "a", "b", "<my-eot>"].map { Array($0.utf8) }
    let vocabulary = try Vocabulary(model: .bpe, preTokenizer: nil, texts: texts, scores: [], types: [1, 3, 1, 1, 3], merges: [],
                                    bos: 0, eos: 1, eot: 4, unknown: nil, padding: nil, addBOS: false, addEOS: false, addSpacePrefix: false)
    let model = ScriptedPredictor(contextLength: 64, vocabularySize: texts.count, answer: [2, 3, 2], eos: end)
    var options = SamplingOptions()
    options.temperature = 0
    options.numPredict = -1   // unbounded: only the end token can stop it
    #expect(options.stop.isEmpty)
    var shown = ""
    let (text, stats) = try Generator(model: model, tokenizer: Tokenizer(vocabulary: vocabulary)).generate(prompt: [0, 2], options: options) { shown += $0 }
    #expect(text == "aba", "\(kind)")
    #expect(shown == "aba")
    #expect(stats.generatedTokens == 3)
    #expect(stats.doneReason == .stop)
}
