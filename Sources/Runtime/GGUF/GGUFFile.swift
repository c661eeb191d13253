// GGUF layout (little-endian; docs/gguf.md):
//   "GGUF" u32 version(2|3) u64 n_tensors u64 n_kv
//   n_kv   × { string key, u32 type, value }           string = u64 len + UTF-8 bytes
//   n_tens × { string name, u32 n_dims(≤4), u64 ne[n_dims], u32 ggml_type, u64 offset }
//   zero padding to `general.alignment` (default 32), then the tensor data;
//   each tensor's offset is relative to the data start and a multiple of the alignment.

/// Where one tensor lives and what it holds.
package struct GGUFTensorInfo: Sendable, Equatable {
    package let name: String
    /// ne order: `dimensions[0]` is the contiguous row length.
    package let dimensions: [Int]
    package let type: GGMLType
    /// Relative to `GGUFFile.dataOffset`.
    package let offset: Int
    package let elementCount: Int
    package let byteCount: Int
    /// Number of rows (product of every dimension after the first), checked by the reader to fit.
    package let rowCount: Int
}

/// The element and row counts of a tensor shape (ggml order: the first dimension is the row length),
/// nil when a count is negative or a product passes `limit` (or Int's range). Both counts are checked:
/// a zero-length row makes the elements 0 however many rows there are.
package func checkedShape(_ dimensions: [Int], limit: Int = .max) -> (elements: Int, rows: Int)? {
    var rows = 1
    for n in dimensions.dropFirst() {
        guard n >= 0 else { return nil }
        let (product, overflow) = rows.multipliedReportingOverflow(by: n)
        guard !overflow, product <= limit else { return nil }
        rows = product
    }
    let rowLength = dimensions.first ?? 1
    guard rowLength >= 0 else { return nil }
    let (elements, overflow) = rows.multipliedReportingOverflow(by: rowLength)
    guard !overflow, elements <= limit else { return nil }
    return (elements, rows)
}

/// A GGUF v2/v3 file over a read-only mmap. Every count, offset and size is checked against the file
/// before use, so a truncated or hostile file gives a `GGUFError`, never a crash or a huge allocation.
package final class GGUFFile: @unchecked Sendable {
    package let path: String
    package let version: UInt32
    package let alignment: Int
    /// Absolute offset of the tensor data section.
    package let dataOffset: Int
    /// In file order.
    package let metadata: [(key: String, value: GGUFValue)]
    /// In file order.
    package let tensors: [GGUFTensorInfo]
    private let mapping: MappedFile
    private let metadataIndex: [String: Int]
    private let tensorIndex: [String: Int]

    /// Opens and validates `path`.
    /// - Throws: `GGUFError` with the byte offset of the first problem.
    package convenience init(path: String) throws(GGUFError) {
        try self.init(mapping: try MappedFile(path: path))
    }

    /// Parses GGUF `bytes` held in memory, reporting errors as if they came from a file named `path`.
    package convenience init(bytes: [UInt8], path: String = "<memory>") throws(GGUFError) {
        try self.init(mapping: MappedFile(copying: bytes, path: path))
    }

    init(mapping: MappedFile) throws(GGUFError) {
        self.mapping = mapping
        self.path = mapping.path
        var cursor = GGUFCursor(bytes: mapping.bytes, base: 0)
        let magic = try cursor.read(UInt32.self, what: "magic")
        guard magic == 0x4655_4747 else {   // "GGUF" read little-endian
            throw GGUFError("not a GGUF file (magic \(String(magic, radix: 16)))", offset: 0)
        }
        version = try cursor.read(UInt32.self, what: "version")
        guard version == 2 || version == 3 else {
            throw GGUFError("unsupported GGUF version \(version) (2 and 3 are supported)", offset: 4)
        }
        // Every tensor info takes at least 8+4+4+8 bytes; every KV at least 8+4+1.
        let tensorCount = try cursor.readCount(what: "tensor count", limit: cursor.remaining / 24)
        let kvCount = try cursor.readCount(what: "metadata count", limit: cursor.remaining / 13)

        var metadata: [(key: String, value: GGUFValue)] = []
        var metadataIndex: [String: Int] = [:]
        metadata.reserveCapacity(kvCount)
        for i in 0..<kvCount {
            let keyStart = cursor.position
            let key = try cursor.readString(what: "key of metadata entry \(i)")
            guard metadataIndex[key] == nil else { throw GGUFError("duplicate metadata key '\(key)'", offset: keyStart) }
            let type = try cursor.readValueType(what: "'\(key)'")
            let value = try Self.readValue(type, key: key, cursor: &cursor, mapping: mapping)
            metadataIndex[key] = metadata.count
            metadata.append((key, value))
        }

        var alignment = 32
        if let i = metadataIndex["general.alignment"] {
            guard case .uint32(let a) = metadata[i].value, a > 0, a & (a - 1) == 0 else {
                throw GGUFError("general.alignment must be a non-zero power of two (u32)", offset: cursor.position)
            }
            alignment = Int(a)
        }

        var tensors: [GGUFTensorInfo] = []
        var tensorIndex: [String: Int] = [:]
        tensors.reserveCapacity(tensorCount)
        var layout: [(start: Int, info: Int)] = []
        for i in 0..<tensorCount {
            let infoStart = cursor.position
            let name = try cursor.readString(what: "name of tensor \(i)")
            guard tensorIndex[name] == nil else { throw GGUFError("duplicate tensor name '\(name)'", offset: infoStart) }
            let nDims = Int(try cursor.read(UInt32.self, what: "dimension count of '\(name)'"))
            guard (1...4).contains(nDims) else {
                throw GGUFError("tensor '\(name)' has \(nDims) dimensions (1 to 4 allowed)", offset: cursor.position - 4)
            }
            var dims: [Int] = []
            for d in 0..<nDims {
                dims.append(try cursor.readCount(what: "dimension \(d) of '\(name)'", limit: Int(Int32.max) * 64))
            }
            // No block packs more than 256 elements per byte, so neither count may exceed that many per file byte.
            guard let (elements, rows) = checkedShape(dims, limit: mapping.bytes.count * 256) else {
                throw GGUFError("tensor '\(name)' dimensions \(dims) describe more elements or rows than the file could hold",
                                offset: cursor.position)
            }
            let typeRaw = try cursor.read(UInt32.self, what: "type of '\(name)'")
            guard let type = GGMLType(rawValue: typeRaw) else {
                throw GGUFError("tensor '\(name)' has unknown type \(typeRaw)", offset: cursor.position - 4)
            }
            guard let rowBytes = type.rowBytes(elements: dims[0]) else {
                throw GGUFError("tensor '\(name)': row length \(dims[0]) is not a multiple of \(type.name)'s block size \(type.blockSize)",
                                offset: cursor.position - 4)
            }
            let (byteCount, overflow) = rowBytes.multipliedReportingOverflow(by: rows)
            guard !overflow else { throw GGUFError("tensor '\(name)' is too large", offset: cursor.position) }
            let offset = try cursor.readCount(what: "offset of '\(name)'", limit: mapping.bytes.count)
            guard offset % alignment == 0 else {
                throw GGUFError("tensor '\(name)' offset \(offset) is not a multiple of the alignment \(alignment)",
                                offset: cursor.position - 8)
            }
            tensorIndex[name] = tensors.count
            layout.append((cursor.position - 8, tensors.count))
            tensors.append(GGUFTensorInfo(name: name, dimensions: dims, type: type, offset: offset,
                                          elementCount: elements, byteCount: byteCount, rowCount: rows))
        }

        let headerEnd = cursor.position
        let padded = tensorCount == 0 ? headerEnd : (headerEnd + alignment - 1) / alignment * alignment
        guard padded <= mapping.bytes.count || tensorCount == 0 else {
            throw GGUFError("truncated file: tensor data section is missing", offset: headerEnd)
        }
        for (fieldOffset, i) in layout {
            let t = tensors[i]
            let (end, overflow) = (padded + t.offset).addingReportingOverflow(t.byteCount)
            guard !overflow, end <= mapping.bytes.count else {
                throw GGUFError("tensor '\(t.name)' (\(t.byteCount) bytes at data offset \(t.offset)) runs past the end of the file (\(mapping.bytes.count) bytes)",
                                offset: fieldOffset)
            }
        }

        self.alignment = alignment
        self.dataOffset = padded
        self.metadata = metadata
        self.metadataIndex = metadataIndex
        self.tensors = tensors
        self.tensorIndex = tensorIndex
    }

    private static func readValue(_ type: GGUFValueType, key: String, cursor: inout GGUFCursor,
                                  mapping: MappedFile) throws(GGUFError) -> GGUFValue {
        guard type == .array else { return try cursor.readScalar(type) }
        let elementType = try cursor.readValueType(what: "elements of '\(key)'")
        guard elementType != .array else { throw cursor.error("'\(key)' is a nested array, which GGUF does not allow") }
        let minSize = elementType.fixedSize ?? 8
        let count = try cursor.readCount(what: "element count of '\(key)'", limit: cursor.remaining / minSize)
        let start = cursor.position
        if let size = elementType.fixedSize {
            try cursor.skip(count * size, what: "elements of '\(key)'")
        } else {
            for i in 0..<count {
                let length = try cursor.readCount(what: "length of '\(key)'[\(i)]", limit: cursor.remaining - 8)
                try cursor.skip(length, what: "'\(key)'[\(i)]")
            }
        }
        let raw = UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<cursor.position])
        return .array(GGUFArray(elementType: elementType, count: count, storage: ArrayStorage(owner: mapping, bytes: raw)))
    }

    /// The value of a metadata key, if present.
    package subscript(key: String) -> GGUFValue? {
        metadataIndex[key].map { metadata[$0].value }
    }

    package func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The tensor's bytes inside the mapping (valid while this file is alive).
    package func data(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: mapping.bytes[dataOffset + tensor.offset ..< dataOffset + tensor.offset + tensor.byteCount])
    }

    /// Copies `buffer.count` bytes at absolute `offset` of the file into `buffer` without touching the mapping
    /// (see `MappedFile.read(into:at:)`).
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(GGUFError) {
        try mapping.read(into: buffer, at: offset)
    }

    /// Releases the resident pages of `bytes` (a part of the file, e.g. of a tensor's data) once they have been
    /// copied elsewhere (see `MappedFile.releasePages`).
    package func releasePages(_ bytes: UnsafeRawBufferPointer) { mapping.releasePages(bytes) }

    /// The whole file.
    package var bytes: UnsafeRawBufferPointer { mapping.bytes }

    /// `general.architecture`, e.g. "llama" or "gemma3".
    package var architecture: String? { self["general.architecture"]?.string }

    /// A key under the architecture's prefix, e.g. `archValue("context_length")` reads `llama.context_length`.
    package func archValue(_ suffix: String) -> GGUFValue? {
        architecture.flatMap { self["\($0).\(suffix)"] }
    }
}
