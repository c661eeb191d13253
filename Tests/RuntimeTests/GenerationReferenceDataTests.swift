import Foundation
import Testing
import TestSupport
@testable import Runtime

/// The committed llama.cpp generations (Data/greedy-smollm2.json, teacher-forcing-smollm2.json) are
/// what the engine tests compare against; check they are sound and agree with our tokenizer.
struct GenerationReferenceDataTests {
    struct Greedy: Decodable {
        struct Step: Decodable { let id: Int; let top1: Float; let top2: Float }
        struct Prompt: Decodable { let prompt: String; let promptIds: [Int]; let steps: [Step] }
        let prompts: [Prompt]
    }
    struct Forced: Decodable {
        struct Sequence: Decodable { let ids: [Int]; let argmax: [Int]; let top1: [Float]; let top2: [Float] }
        let sequences: [Sequence]
    }

    static func load<T: Decodable>(_ name: String, as: T.Type) throws -> T {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Data/\(name)")
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    @Test func greedyPromptsTokenizeLikeLlamaCppAndHave32ClearSteps() throws {
        let greedy = try Self.load("greedy-smollm2.json", as: Greedy.self)
        let tokenizer = try Tokenizer(vocabulary: Vocabulary(gguf: GGUFFile(path: TestModels.smolLM2())))
        #expect(greedy.prompts.count >= 6)
        for p in greedy.prompts {
            #expect(tokenizer.encode(p.prompt) == p.promptIds)
            let clear = p.steps.firstIndex { $0.top1 - $0.top2 < 0.1 } ?? p.steps.count
            #expect(clear >= 32)
            #expect(p.steps.allSatisfy { $0.top1 >= $0.top2 })
        }
    }

    @Test func teacherForcingSequencesContinueTheGreedyOnes() throws {
        let greedy = try Self.load("greedy-smollm2.json", as: Greedy.self)
        let forced = try Self.load("teacher-forcing-smollm2.json", as: Forced.self)
        #expect(forced.sequences.count == greedy.prompts.count)
        for (f, g) in zip(forced.sequences, greedy.prompts) {
            #expect(f.ids == g.promptIds + g.steps.dropLast().map(\.id))
            #expect(f.argmax.count == f.ids.count && f.top1.count == f.ids.count && f.top2.count == f.ids.count)
        }
    }
}
