/// A TEMPLATE, SYSTEM, LICENSE or MESSAGE layer.
///
/// Input: the text. Key: the content's digest (the blob is written only when no intact blob
/// has it). Output: the layer, appended after removing the layers it `replaces`, so each
/// replaced kind moves to the end as in Ollama.
struct TextLayerStep: BuildAction {
    /// The step name: `template`, `system`, `license` or `messages`.
    let name: String
    let mediaType: String
    let bytes: [UInt8]
    /// Media types of inherited or detected layers this one supersedes.
    let replaces: [String]

    func run(_ build: inout BuildRun) throws(StoreError) {
        build.layers.removeAll { replaces.contains($0.mediaType) }
        build.layers.append(try build.blob(name, mediaType, bytes, since: build.clock.now))
    }
}
