import Foundation
import Runtime

/// How `mfc build --quantize` converts the model layers.
package struct QuantizeRequest: Sendable, Equatable {
    package var fileType: QuantizationFileType
    /// Also convert tensors that are already block-quantized (loses quality).
    package var allowRequantize: Bool
    /// Worker threads; 0 means one per core.
    package var threads: Int

    package init(fileType: QuantizationFileType, allowRequantize: Bool = false, threads: Int = 0) {
        self.fileType = fileType
        self.allowRequantize = allowRequantize
        self.threads = threads
    }

    /// Settings that make up the build's action key, so changing the type rebuilds.
    var keySettings: [String: String] {
        ["quantize": fileType.rawValue, "requantize": allowRequantize ? "yes" : "no"]
    }
}

extension BuildRun {
    /// The quantize action: model layer digest + type → quantized blob, cached in the action log, so
    /// a rebuild that changes only SYSTEM or PARAMETER never quantizes again.
    mutating func quantizeLayer(_ layer: Descriptor, _ request: QuantizeRequest) throws(StoreError) -> Descriptor {
        let t0 = clock.now
        let key = ActionKey(kind: "quantize", version: 1, inputs: [layer.digest.description],
                            settings: request.keySettings).description
        let target = request.fileType.rawValue
        if !options.noCache, let cached = log.lookup("action", key), let (digest, size) = parseBlobReference(cached),
           store.blobs.contains(digest, size: size) {
            let d = Descriptor(mediaType: layer.mediaType, digest: digest, size: size, from: layer.from)
            try record("quantize", .cached, "\(target) " + describe(d), "this model layer was already quantized to \(target)", since: t0)
            return d
        }
        if !options.noCache, !options.dryRun, let remote = options.remoteCache,
           let (digest, size) = remote.fetch(key, kind: "quantize", into: store.blobs) {
            log.record("action", key, "\(digest.description) \(size)")
            let d = Descriptor(mediaType: layer.mediaType, digest: digest, size: size, from: layer.from)
            try record("quantize", .cached, "\(target) " + describe(d) + " downloaded from the build cache",
                       "another machine quantized this model layer to \(target) and shared it", since: t0)
            return d
        }
        if options.dryRun {
            try record("quantize", .planned, "\(target) of sha256:\(layer.digest.shortID)", "would quantize the model layer", since: t0)
            return layer
        }
        let temp = store.blobs.directory + "/quantize-tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).gguf"
        try FileIO.makeDirectory(store.blobs.directory)
        defer { unlink(temp) }
        do {
            let source = try GGUFFile(path: store.blobs.path(of: layer.digest))
            try GGUFQuantizer.quantize(source, to: request.fileType, outputPath: temp,
                                       threads: request.threads, allowRequantize: request.allowRequantize)
        } catch let error as QuantizeError {
            throw StoreError("quantize to \(target): \(error.message)")
        } catch {
            throw StoreError("quantize to \(target): \(error)")
        }
        let (digest, size) = try store.blobs.importFile(temp, progress: options.progress)
        log.record("action", key, "\(digest.description) \(size)")
        options.remoteCache?.store(key, kind: "quantize", digest: digest, size: size, mediaType: layer.mediaType, from: store.blobs)
        let d = Descriptor(mediaType: layer.mediaType, digest: digest, size: size, from: layer.from)
        try record("quantize", .done, "\(target) " + describe(d), "model layer not quantized to \(target) before", since: t0)
        return d
    }
}
