import Testing
@testable import Runtime

struct SamplerTests {
    static func options(_ edit: (inout SamplingOptions) -> Void) -> SamplingOptions {
        var o = SamplingOptions()
        o.seed = 42
        edit(&o)
        return o
    }

    @Test func splitMix64MatchesPublishedSequence() {
        var g = SplitMix64(seed: 0)
        #expect([g.next(), g.next(), g.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    @Test func temperatureZeroIsArgmax() {
        var s = Sampler(options: Self.options { $0.temperature = 0 })
        #expect(s.sample([0.1, 3, -2, 2.9], history: []) == 1)
    }

    @Test func sameSeedSameTokensDifferentSeedDiffers() {
        let logits: [Float] = (0..<50).map { Float($0 % 7) * 0.3 }
        func draw(seed: Int) -> [Int] {
            var s = Sampler(options: Self.options { $0.seed = seed; $0.temperature = 1.5; $0.topK = 0; $0.topP = 1 })
            return (0..<40).map { _ in s.sample(logits, history: []) }
        }
        #expect(draw(seed: 7) == draw(seed: 7))
        #expect(draw(seed: 7) != draw(seed: 8))
    }

    @Test func frequenciesFollowSoftmaxAtTemperatureOne() {
        var s = Sampler(options: Self.options { $0.temperature = 1; $0.topK = 0; $0.topP = 1 })
        let logits: [Float] = [0, 1, 2]   // softmax: 0.0900, 0.2447, 0.6652
        var counts = [0, 0, 0]
        for _ in 0..<20_000 { counts[s.sample(logits, history: [])] += 1 }
        let expected: [Double] = [0.0900, 0.2447, 0.6652]
        for i in 0..<3 { #expect(abs(Double(counts[i]) / 20_000 - expected[i]) < 0.015, "token \(i): \(counts)") }
    }

    @Test func topKOneAlwaysTakesTheBest() {
        var s = Sampler(options: Self.options { $0.temperature = 5; $0.topK = 1 })
        for _ in 0..<200 { #expect(s.sample([1, 1.5, 0.2, 1.4], history: []) == 1) }
    }

    @Test func topPKeepsTheSmallestPrefixReachingP() {
        // probabilities ≈ 0.665, 0.245, 0.090: top_p 0.8 keeps two, never the third.
        var s = Sampler(options: Self.options { $0.temperature = 1; $0.topK = 0; $0.topP = 0.8 })
        var seen = Set<Int>()
        for _ in 0..<2_000 { seen.insert(s.sample([2, 1, 0], history: [])) }
        #expect(seen == [0, 1])
    }

    @Test func minPDropsUnlikelyTokens() {
        // p(1)/p(0) = e^-1 ≈ 0.37 stays above 0.3; p(2)/p(0) = e^-2 ≈ 0.14 goes.
        var s = Sampler(options: Self.options { $0.temperature = 1; $0.topK = 0; $0.topP = 1; $0.minP = 0.3 })
        var seen = Set<Int>()
        for _ in 0..<2_000 { seen.insert(s.sample([2, 1, 0], history: [])) }
        #expect(seen == [0, 1])
    }

    @Test func typicalKeepsTokensNearTheEntropy() {
        var candidates = [Sampler.Candidate(id: 0, logit: 3), .init(id: 1, logit: 2), .init(id: 2, logit: 2), .init(id: 3, logit: -3)]
        Sampler.softmax(&candidates)
        Sampler.typical(&candidates, p: 0.5)
        // Entropy ≈ 0.97 nats; surprise of id 0 ≈ 0.55, of ids 1 and 2 ≈ 1.55, so id 0 is most typical
        // and already holds 0.57 ≥ 0.5 of the mass.
        #expect(candidates.map(\.id) == [0])
    }

    @Test func penaltiesFollowLlamaCppFormulas() {
        let s = Sampler(options: Self.options {
            $0.repeatPenalty = 2; $0.frequencyPenalty = 0.5; $0.presencePenalty = 0.25; $0.repeatLastN = 3
        })
        var logits: [Float] = [4, -4, 1, 1]
        // Token 0 is outside the last 3; token 1 seen twice, token 2 once.
        s.applyPenalties(&logits, history: [0, 1, 2, 1])
        let expected: [Float] = [4, -9.25, -0.25, 1]   // -4*2 - 2*0.5 - 0.25; 1/2 - 0.5 - 0.25
        #expect(logits == expected)
    }

    @Test func repeatPenaltyChangesTheGreedyChoice() {
        var s = Sampler(options: Self.options { $0.temperature = 0; $0.repeatPenalty = 1.5 })
        #expect(s.sample([3, 2.5], history: [0]) == 1)
        #expect(s.sample([3, 2.5], history: []) == 0)
    }

    @Test func optionsParseAndReject() throws {
        var o = SamplingOptions()
        try o.set("temperature", to: "0.25")
        try o.set("top_k", to: " 7")
        try o.set("stop", to: "<|im_end|>")
        try o.set("stop", to: "User:")
        #expect(o.temperature == 0.25 && o.topK == 7 && o.stop == ["<|im_end|>", "User:"])
        #expect(throws: SamplingOptionError.self) { try o.set("temprature", to: "1") }
        #expect(throws: SamplingOptionError.self) { try o.set("top_k", to: "1.5") }
        #expect(throws: SamplingOptionError.self) { try o.set("num_ctx", to: "0") }
        #expect(throws: SamplingOptionError.self) { try o.set("top_p", to: "nan") }
    }
}

struct StopSequenceFilterTests {
    static func run(_ pieces: [String], stops: [String]) -> (shown: [String], stopped: Bool, rest: String) {
        var f = StopSequenceFilter(stops: stops)
        let shown = pieces.map { f.push(Array($0.utf8)) }
        return (shown, f.stopped, f.flush())
    }

    @Test func holdsBackAPossibleStopPrefix() {
        let r = Self.run(["Hello", " Us", "er", ": hi"], stops: ["User:"])
        #expect(r.shown == ["Hello", " ", "", ""])
        #expect(r.stopped)
    }

    @Test func releasesAPrefixThatDidNotBecomeAStop() {
        let r = Self.run(["a Us", "ually"], stops: ["User:"])
        #expect(r.shown == ["a ", "Usually"])
        #expect(!r.stopped)
    }

    @Test func firstStopInListOrderWinsEvenIfLater() {
        let r = Self.run(["xx END yy STOP zz"], stops: ["STOP", "END"])
        #expect(r.shown == ["xx END yy "])
    }

    @Test func incompleteUTF8WaitsForItsBytes() {
        var f = StopSequenceFilter(stops: [])
        let euro = Array("€".utf8)   // 3 bytes
        #expect(f.push([0x61, euro[0]]) == "a")
        #expect(f.push([euro[1]]) == "")
        #expect(f.push([euro[2]]) == "€")
        #expect(f.flush() == "")
    }

    @Test func characterCutByTheEndShowsNothing() {
        var f = StopSequenceFilter(stops: [])
        let euro = Array("€".utf8)
        #expect(f.push([0x61, euro[0], euro[1]]) == "a")
        #expect(f.flush() == "")   // not U+FFFD
        var g = StopSequenceFilter(stops: [])
        #expect(g.push([0xFF, 0x62]) == "\u{FFFD}b")   // bytes that can never be UTF-8 still show as U+FFFD
    }

    @Test func flushReleasesHeldText() {
        let r = Self.run(["the end <|im"], stops: ["<|im_end|>"])
        #expect(r.shown == ["the end "])
        #expect(r.rest == "<|im")
    }
}
