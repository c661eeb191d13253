import Foundation
import HTTPServer

/// POST /api/embed, /api/embeddings and /v1/embeddings.
extension APIServer {
    func embed(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        throw APIError(501, "embeddings are not supported yet")
    }

    func embeddings(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        throw APIError(501, "embeddings are not supported yet")
    }

    func openAIEmbeddings(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        throw APIError(501, "embeddings are not supported yet")
    }
}
