import Foundation
import Runtime

/// `--quantize`: converts every model layer to the requested type.
///
/// Input: each model layer's digest and the request. Key: an action key over both, recorded in
/// the action log, so a rebuild that changes only SYSTEM or PARAMETER never quantizes again.
/// Output: the quantized layer in place of the original. The quantizer writes a temporary
/// beside the blobs, which becomes a blob only once complete.
struct QuantizeStep: BuildAction {
    let request: QuantizeRequest

    func run(_ build: inout BuildRun) throws(StoreError) {
        for i in build.layers.indices where build.layers[i].mediaType == MediaType.model {
            build.layers[i] = try quantize(build.layers[i], &build)
        }
    }

    func quantize(_ layer: Descriptor, _ build: inout BuildRun) throws(StoreError) -> Descriptor {
        let t0 = build.clock.now
        let key = ActionKey(kind: "quantize", version: 1, inputs: [layer.digest.description], settings: request.keySettings).description
        let target = request.fileType.rawValue
        if let (digest, size) = build.cachedOutput(key) {
            let d = Descriptor(mediaType: layer.mediaType, digest: digest, size: size, from: layer.from)
            try build.record("quantize", .cached, "\(target) " + describe(d), "this model layer was already quantized to \(target)", since: t0)
            return d
        }
        // The team's build cache (`--cache`): another machine may have quantized this layer already.
        if let (digest, size) = build.fetchShared(key, kind: "quantize", localKey: key) {
            let d = Descriptor(mediaType: layer.mediaType, digest: digest, size: size, from: layer.from)
            try build.record("quantize", .cached, "\(target) " + describe(d) + fromSharedCache,
                             "another machine quantized this model layer to \(target) and shared it", since: t0)
            return d
        }
        if build.options.dryRun {
            try build.record("quantize", .planned, "\(target) of sha256:\(layer.digest.shortID)", "would quantize the model layer", since: t0)
            return layer
        }
        try FileIO.makeDirectory(build.store.blobs.directory)
        let temp = try build.store.temporaries.path(in: build.store.blobs.directory, kind: "quantize", suffix: ".gguf")
        defer { unlink(temp); unlink(temp + ".partial") }
        do {
            let source = try GGUFFile(path: build.store.blobs.path(of: layer.digest))
            try GGUFQuantizer.quantize(source, to: request.fileType, outputPath: temp,
                                       threads: request.threads, allowRequantize: request.allowRequantize)
        } catch let error as QuantizeError {
            throw StoreError("quantize to \(target): \(error.message)")
        } catch {
            throw StoreError("quantize to \(target): \(error)")
        }
        let (digest, size) = try build.storeOutput(temp, key: key)
        build.log.record("derived", digest.hex, "quantize \(layer.digest.description) \(target) \(request.allowRequantize ? "requantize" : "")")
        build.offerShared(key, kind: "quantize", digest: digest, size: size, mediaType: layer.mediaType)
        let d = Descriptor(mediaType: layer.mediaType, digest: digest, size: size, from: layer.from)
        try build.record("quantize", .done, "\(target) " + describe(d), "model layer not quantized to \(target) before", since: t0)
        return d
    }
}
