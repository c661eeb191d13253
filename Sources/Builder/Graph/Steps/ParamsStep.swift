import ModelfileLang
/// The params layer: the Modelfile's typed PARAMETERs over those of inherited params layers and
/// a detected template's stop words (a name set here wins), as one JSON object with sorted keys.
///
/// Input: the typed parameters and the params layers so far. Key: the content's digest.
/// Output: one params layer at the end, or none when there are no parameters.
struct ParamsStep: BuildAction {
    let parameters: [String: JSONValue]

    func run(_ build: inout BuildRun) throws(StoreError) {
        var merged = parameters
        for old in build.layers where old.mediaType == MediaType.params {
            guard let bytes = build.content(of: old), case .object(let members)? = try? JSONValue.parse(bytes) else {
                throw StoreError("params layer \(old.digest) is missing or corrupt")
            }
            for (k, v) in members where merged[k] == nil { merged[k] = v }
        }
        if merged["stop"] == nil, !build.detectedStop.isEmpty { merged["stop"] = .array(build.detectedStop.map { .string($0) }) }
        build.layers.removeAll { $0.mediaType == MediaType.params }
        if !merged.isEmpty {
            build.layers.append(try build.blob("params", MediaType.params, JSONValue.sortedObject(merged).goEncoded, since: build.clock.now))
        }
    }
}
