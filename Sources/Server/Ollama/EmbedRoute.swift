import Foundation
import HTTPServer
import Runtime

/// POST /api/embed, /api/embeddings and /v1/embeddings.
extension APIServer {
    /// The inputs of /api/embed and /v1/embeddings: one string or a list of strings.
    func embedInputs(_ body: RequestBody) throws(APIError) -> [String] {
        guard body.has("input") else { return [] }
        guard let inputs = try body.strings("input") else { return [] }
        return inputs
    }

    /// Embeds each input on one model instance; `normalize` scales each vector to unit length.
    /// Inputs longer than the context are cut to fit when `truncate` (else 400).
    func embedVectors(_ inputs: [String], request: CompletionRequest, truncate: Bool, normalize: Bool,
                      writer: HTTPResponseWriter) throws -> (vectors: [[Float]], tokens: Int, load: Duration) {
        try withModel(request, writer) { lease in
            var vectors: [[Float]] = []
            var count = 0
            for text in inputs {
                var tokens = lease.tokenizer.encode(text)
                if tokens.isEmpty { tokens = lease.tokenizer.vocabulary.bos.map { [$0] } ?? [0] }
                if tokens.count > lease.contextLength {
                    guard truncate else { throw APIError.badRequest("input length exceeds the context length") }
                    tokens = Array(tokens.prefix(lease.contextLength))
                }
                var v = try lease.embedding(tokens)
                if normalize {
                    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    if norm > 0 { v = v.map { $0 / norm } }
                }
                vectors.append(v)
                count += tokens.count
            }
            return (vectors, count, lease.loadDuration)
        }
    }

    func vectorJSON(_ v: [Float]) -> JSON { .array(v.map { .float32($0) }) }

    func embed(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        let request = try completionRequest(body)
        let inputs = try embedInputs(body)
        let truncate = try body.bool("truncate") ?? true
        var dimensions = try body.int("dimensions") ?? 0
        guard dimensions >= 0 else { throw APIError.badRequest("field 'dimensions' must not be negative") }
        let result = try embedVectors(inputs, request: request, truncate: truncate, normalize: true, writer: writer)
        var vectors = result.vectors
        if dimensions > 0 {
            dimensions = min(dimensions, vectors.first?.count ?? 0)
            vectors = vectors.map { v in
                let cut = Array(v.prefix(dimensions))
                let norm = cut.reduce(0) { $0 + $1 * $1 }.squareRoot()
                return norm > 0 ? cut.map { $0 / norm } : cut
            }
        }
        var fields: [(String, JSON)] = [("model", .string(request.model)), ("embeddings", .array(vectors.map(vectorJSON)))]
        let total = ContinuousClock.now - request.started
        if total.nanoseconds != 0 { fields.append(("total_duration", .int(Int(total.nanoseconds)))) }
        if result.load.nanoseconds != 0 { fields.append(("load_duration", .int(Int(result.load.nanoseconds)))) }
        if result.tokens != 0 { fields.append(("prompt_eval_count", .int(Int(result.tokens)))) }
        sendJSON(writer, .object(fields))
    }

    /// The older endpoint: one `prompt`, an unnormalized vector.
    func embeddings(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        let request = try completionRequest(body)
        let prompt = try body.string("prompt") ?? ""
        guard !prompt.isEmpty else { return sendJSON(writer, .object([("embedding", .array([]))])) }
        let result = try embedVectors([prompt], request: request, truncate: true, normalize: false, writer: writer)
        sendJSON(writer, .object([("embedding", .array((result.vectors.first ?? []).map { .float64(Double($0)) }))]))
    }

    func openAIEmbeddings(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        let request = CompletionRequest(model: try body.modelName())
        let inputs = try embedInputs(body)
        guard !inputs.isEmpty else { throw APIError.badRequest("field 'input' is required") }
        let encoding = try body.string("encoding_format") ?? "float"
        guard encoding == "float" || encoding == "base64" else {
            throw APIError.badRequest("field 'encoding_format' must be float or base64, got '\(encoding)'")
        }
        let result = try embedVectors(inputs, request: request, truncate: true, normalize: true, writer: writer)
        let data: [JSON] = result.vectors.enumerated().map { i, v in
            // base64: the little-endian float32 bytes, as OpenAI's clients decode them.
            let embedding: JSON = encoding == "base64" ? .string(Data(v.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian, Array.init) }).base64EncodedString()) : vectorJSON(v)
            return .object([("object", .string("embedding")), ("embedding", embedding), ("index", .int(Int(i)))])
        }
        sendJSON(writer, .object([("object", .string("list")), ("data", .array(data)), ("model", .string(request.model)),
                                  ("usage", .object([("prompt_tokens", .int(Int(result.tokens))), ("total_tokens", .int(Int(result.tokens)))]))]))
    }
}
