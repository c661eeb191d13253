extension LlamaModel: TokenPredictor {
    package var vocabularySize: Int { config.vocabularySize }

    package func predict(_ tokens: [Int], from start: Int) throws -> [Float] {
        try forward(tokens: tokens.map { Int32(truncatingIfNeeded: $0) }, startPosition: start)
    }
}
