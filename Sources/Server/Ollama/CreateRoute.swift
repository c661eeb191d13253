import Foundation
import HTTPServer

/// POST /api/create and HEAD/POST /api/blobs/:digest.
extension APIServer {
    func create(_ body: RequestBody, _ writer: HTTPResponseWriter) throws {
        throw APIError(501, "create is not supported yet")
    }

    func blob(_ digestText: String, method: String, request: HTTPRequest, _ writer: HTTPResponseWriter) throws {
        throw APIError(501, "blobs are not supported yet")
    }
}
