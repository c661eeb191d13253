import ModelfileLang
import Runtime

/// The chat template of a model built from a file (a GGUF, or a safetensors folder imported as one):
/// the blob's `tokenizer.chat_template`, read once per blob and kept in the action log, then
/// resolved by ChatTemplateResolver on every build (cheap, and the messages name this build's FROM).
enum TemplateDetection {
    static func jinja(of digest: Digest, location: String, store: ModelStore, log: ActionLog) throws(StoreError) -> JinjaChatTemplate {
        let key = ActionKey(kind: "read-chat-template", version: 1, inputs: [digest.description], settings: [:]).description
        if let cached = log.lookup("action", key), let json = try? JSONValue.parse(cached) {
            return JinjaChatTemplate(text: json["jinja"]?.stringValue, location: location)
        }
        let read = try JinjaChatTemplate.read(path: store.blobs.path(of: digest), location: location)
        let value = JSONValue.object([("jinja", read.text.map { .string($0) } ?? .null)])
        log.record("action", key, value.goEncodedString.trimmingSuffixNewline)
        return read
    }
}
