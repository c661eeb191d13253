import Foundation
import Runtime

/// What `mfc verify --repair` did for one damaged blob.
package struct RepairOutcome: Sendable {
    package var digest: Digest
    /// Where the good content came from (a source file, or "quantize of sha256:…"), nil when no
    /// source is left.
    package var source: String?
}

extension ModelStore {
    /// Restores damaged (corrupt or missing) referenced blobs from what they were built from:
    /// a source file the build cache knows under that digest, whose content still hashes to it,
    /// or a quantization of an intact blob. Runs under the exclusive store lock; the fresh copy
    /// replaces the damaged one by `rename`.
    package func repair(_ damaged: [Digest]) throws(StoreError) -> [RepairOutcome] {
        let lock = try self.lock(exclusive: true)
        defer { lock.unlock() }
        let log = openActionLog()
        let cache = StatCache(log: log)
        var outcomes: [RepairOutcome] = []
        for digest in damaged {
            var source: String? = nil
            for (path, _) in sourceFiles(of: digest, log: log) where restore(digest, fromFile: path) {
                source = path
                break
            }
            if source == nil, let recipe = log.lookup("derived", digest.hex), restore(digest, quantizing: recipe, cache: cache) {
                source = recipe
            }
            if source != nil { blobs.remember(digest, cache: cache) }
            outcomes.append(RepairOutcome(digest: digest, source: source))
        }
        blobs.syncDirectory()
        return outcomes
    }

    /// Files the stat cache remembers with this digest (outside the blobs folder).
    func sourceFiles(of digest: Digest, log: ActionLog) -> [(path: String, stat: String)] {
        log.entries(ofKind: StatCache.kind).filter { entry in
            entry.value.hasSuffix(" " + digest.hex) && !entry.key.hasPrefix(blobs.directory + "/")
        }.map { ($0.key, $0.value) }
    }

    /// Copies `path` in as `digest` when its content (hashed first) still has that digest.
    func restore(_ digest: Digest, fromFile path: String) -> Bool {
        guard FileIO.status(path)?.isRegular == true, let (actual, _) = try? blobs.hashFile(path, countAsSource: false),
              actual == digest, let (imported, _) = try? blobs.importFile(path) else { return false }
        return imported == digest
    }

    /// Re-runs the quantization recorded as `quantize <source digest> <type> [requantize]`.
    func restore(_ digest: Digest, quantizing recipe: String, cache: StatCache) -> Bool {
        let parts = recipe.split(separator: " ").map(String.init)
        guard parts.count >= 3, parts[0] == "quantize", let input = Digest(parsing: parts[1]),
              let type = QuantizationFileType(name: parts[2]),
              let st = FileIO.status(blobs.path(of: input)), blobs.isIntact(input, size: st.size, cache: cache),
              let temp = try? temporaries.path(in: blobs.directory, kind: "quantize", suffix: ".gguf") else { return false }
        defer { unlink(temp); unlink(temp + ".partial") }
        do {
            try GGUFQuantizer.quantize(try GGUFFile(path: blobs.path(of: input)), to: type, outputPath: temp,
                                       threads: 0, allowRequantize: parts.count > 3 && parts[3] == "requantize")
        } catch { return false }
        guard let (actual, _) = try? blobs.hashFile(temp, countAsSource: false), actual == digest,
              let (imported, _) = try? blobs.importFile(temp) else { return false }
        return imported == digest
    }
}
