import Foundation
import Runtime

// GGUF writer (layout in ../shared/spec/gguf.md §2–4, little-endian):
//   "GGUF" u32 version u64 n_tensors u64 n_kv, KV pairs, tensor infos, zero padding to the
//   alignment, then the tensor data with each tensor starting at a multiple of the alignment.
// Offsets are recomputed (consecutive, as llama.cpp requires), so a file read with `GGUFFile`
// and written back comes out byte for byte the same.

/// Writes GGUF v2/v3 files.
public struct GGUFWriter {
    /// A metadata value to write.
    public enum Value {
        /// Any scalar, or an array read from another file (copied as encoded).
        case value(GGUFValue)
        case strings([String])
        case int32s([Int32])
        case float32s([Float])
    }

    /// A tensor: its info and its bytes (which must stay valid until `write` returns).
    public struct Tensor {
        public var name: String
        public var dimensions: [Int]
        public var type: GGMLType
        public var data: UnsafeRawBufferPointer
        public init(name: String, dimensions: [Int], type: GGMLType, data: UnsafeRawBufferPointer) {
            self.name = name
            self.dimensions = dimensions
            self.type = type
            self.data = data
        }
    }

    public var version: UInt32 = 3
    public var metadata: [(key: String, value: Value)] = []
    public var tensors: [Tensor] = []
    /// llama.cpp pads after the last tensor; Ollama does not.
    public var padAfterLastTensor = true

    public init() {}

    /// The alignment the file declares (`general.alignment`, default 32).
    public var alignment: Int {
        for (k, v) in metadata where k == "general.alignment" { if case .value(.uint32(let a)) = v, a > 0 { return Int(a) } }
        return 32
    }

    /// A writer holding everything of `file`, so `write` reproduces it.
    public init(copying file: GGUFFile) {
        version = file.version
        metadata = file.metadata.map { ($0.key, .value($0.value)) }
        tensors = file.tensors.map { Tensor(name: $0.name, dimensions: $0.dimensions, type: $0.type, data: file.data(of: $0)) }
        let lastEnd = file.tensors.map { file.dataOffset + $0.offset + $0.byteCount }.max() ?? file.bytes.count
        padAfterLastTensor = file.bytes.count > lastEnd
    }

    /// Everything before the tensor data: header, metadata, tensor infos and padding.
    public func header() throws(StoreError) -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8)
        out.append(le: version)
        out.append(le: UInt64(tensors.count))
        out.append(le: UInt64(metadata.count))
        for (key, value) in metadata {
            out.appendString(key)
            try out.append(value)
        }
        var offset = 0
        for t in tensors {
            guard (1...4).contains(t.dimensions.count), let rowBytes = t.type.rowBytes(elements: t.dimensions[0]),
                  rowBytes * t.dimensions.dropFirst().reduce(1, *) == t.data.count else {
                throw StoreError("tensor '\(t.name)': shape \(t.dimensions) of \(t.type.name) does not match its \(t.data.count) bytes")
            }
            out.appendString(t.name)
            out.append(le: UInt32(t.dimensions.count))
            for d in t.dimensions { out.append(le: UInt64(d)) }
            out.append(le: t.type.rawValue)
            out.append(le: UInt64(offset))
            offset += padded(t.data.count)
        }
        if !tensors.isEmpty { out += [UInt8](repeating: 0, count: padded(out.count) - out.count) }
        return out
    }

    func padded(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    /// Writes the file atomically (temp file, fsync, rename).
    public func write(to path: String) throws(StoreError) {
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileIO.error("cannot create", temp) }
        var ok = true
        do {
            let head = try header()
            ok = head.withUnsafeBytes { FileIO.writeAll(fd, $0) }
            let zeros = [UInt8](repeating: 0, count: alignment)
            for (i, t) in tensors.enumerated() where ok {
                ok = FileIO.writeAll(fd, t.data)
                let pad = padded(t.data.count) - t.data.count
                if ok, pad > 0, padAfterLastTensor || i < tensors.count - 1 {
                    ok = zeros.withUnsafeBytes { FileIO.writeAll(fd, UnsafeRawBufferPointer(rebasing: $0[0..<pad])) }
                }
            }
        } catch {
            close(fd); unlink(temp); throw error
        }
        if ok { ok = fsync(fd) == 0 }
        close(fd)
        guard ok, rename(temp, path) == 0 else { let e = FileIO.error("cannot write", path); unlink(temp); throw e }
    }
}

extension [UInt8] {
    mutating func append<T: FixedWidthInteger>(le value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { self.append(contentsOf: $0) }
    }

    mutating func appendString(_ s: String) {
        append(le: UInt64(s.utf8.count))
        append(contentsOf: s.utf8)
    }

    mutating func append(_ value: GGUFWriter.Value) throws(StoreError) {
        switch value {
        case .strings(let list):
            append(le: GGUFValueType.array.rawValue); append(le: GGUFValueType.string.rawValue); append(le: UInt64(list.count))
            for s in list { appendString(s) }
        case .int32s(let list):
            append(le: GGUFValueType.array.rawValue); append(le: GGUFValueType.int32.rawValue); append(le: UInt64(list.count))
            for v in list { append(le: v) }
        case .float32s(let list):
            append(le: GGUFValueType.array.rawValue); append(le: GGUFValueType.float32.rawValue); append(le: UInt64(list.count))
            for v in list { append(le: v.bitPattern) }
        case .value(let v):
            append(le: v.type.rawValue)
            appendScalarOrArray(v)
        }
    }

    mutating func appendScalarOrArray(_ v: GGUFValue) {
        switch v {
        case .uint8(let x): append(le: x)
        case .int8(let x): append(le: x)
        case .uint16(let x): append(le: x)
        case .int16(let x): append(le: x)
        case .uint32(let x): append(le: x)
        case .int32(let x): append(le: x)
        case .float32(let x): append(le: x.bitPattern)
        case .bool(let x): append(x ? 1 : 0)
        case .string(let s): appendString(s)
        case .uint64(let x): append(le: x)
        case .int64(let x): append(le: x)
        case .float64(let x): append(le: x.bitPattern)
        case .array(let a):
            append(le: a.elementType.rawValue)
            append(le: UInt64(a.count))
            append(contentsOf: a.rawBytes)
        }
    }
}
