import Builder
import Foundation

/// GET /v1/models and /v1/models/{model}.
extension APIServer {
    func openAIModels() throws -> JSON {
        var data: [JSON] = []
        for name in store.modelNames() {
            data.append(openAIModelEntry(name))
        }
        return .object([("object", .string("list")), ("data", .array(data))])
    }

    func openAIModel(_ text: String) throws(APIError) -> JSON {
        openAIModelEntry(try scheduler.resolveName(text))
    }

    func openAIModelEntry(_ name: ModelName) -> JSON {
        .object([("id", .string(name.displayShortest)), ("object", .string("model")),
                 ("created", .int(Int(modificationDate(of: name).timeIntervalSince1970))), ("owned_by", .string(name.namespace))])
    }
}
