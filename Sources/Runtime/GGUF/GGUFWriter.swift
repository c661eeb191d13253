// The one GGUF writer (layout: GGUFFile.swift and docs/gguf.md, little-endian):
//   "GGUF" u32 version u64 n_tensors u64 n_kv, KV pairs, tensor infos, zero padding to the alignment,
//   then the tensor data, each tensor starting at a multiple of the alignment.
// Offsets are recomputed (consecutive, as llama.cpp requires), so a file read with `GGUFFile` and written
// back comes out byte for byte the same. The quantizer, the LoRA merge and the safetensors importer stream
// their tensor data after `GGUFWriter.header(...)`; whole files in memory go through `write(to:)`.

/// One tensor's entry in a header; offsets are assigned in order.
package struct GGUFOutputTensor: Sendable, Equatable {
    package var name: String
    package var dimensions: [Int]
    package var type: GGMLType
    package var byteCount: Int

    package init(name: String, dimensions: [Int], type: GGMLType, byteCount: Int) {
        self.name = name; self.dimensions = dimensions; self.type = type; self.byteCount = byteCount
    }
}

/// Why a GGUF file could not be written.
package struct GGUFWriteError: Error, Sendable, CustomStringConvertible, Equatable {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// Writes GGUF v2/v3 files.
package struct GGUFWriter {
    /// A metadata value to write.
    package enum Value: Sendable {
        /// Any scalar, or an array read from another file (copied as encoded).
        case value(GGUFValue)
        case strings([String])
        case int32s([Int32])
        case float32s([Float])
    }

    /// A tensor: its info and its bytes (which must stay valid until `write` returns).
    package struct Tensor {
        package var name: String
        package var dimensions: [Int]
        package var type: GGMLType
        package var data: UnsafeRawBufferPointer
        package init(name: String, dimensions: [Int], type: GGMLType, data: UnsafeRawBufferPointer) {
            self.name = name
            self.dimensions = dimensions
            self.type = type
            self.data = data
        }
    }

    package var version: UInt32 = 3
    package var metadata: [(key: String, value: Value)] = []
    package var tensors: [Tensor] = []
    /// llama.cpp pads after the last tensor; Ollama does not.
    package var padAfterLastTensor = true

    package init() {}

    /// The alignment the file declares (`general.alignment`, default 32).
    package var alignment: Int {
        for (k, v) in metadata where k == "general.alignment" { if case .value(.uint32(let a)) = v, a > 0 { return Int(a) } }
        return 32
    }

    /// A writer holding everything of `file`, so `write` reproduces it.
    package init(copying file: GGUFFile) {
        version = file.version
        metadata = file.metadata.map { ($0.key, .value($0.value)) }
        tensors = file.tensors.map { Tensor(name: $0.name, dimensions: $0.dimensions, type: $0.type, data: file.data(of: $0)) }
        let lastEnd = file.tensors.map { file.dataOffset + $0.offset + $0.byteCount }.max() ?? file.bytes.count
        padAfterLastTensor = file.bytes.count > lastEnd
    }

    /// Everything before the tensor data: header, metadata, tensor infos and padding.
    /// - Throws: `GGUFWriteError` when a tensor's shape and type do not match its byte count.
    package func header() throws(GGUFWriteError) -> [UInt8] {
        var infos: [GGUFOutputTensor] = []
        for t in tensors {
            guard (1...4).contains(t.dimensions.count), let rowBytes = t.type.rowBytes(elements: t.dimensions[0]),
                  let rows = checkedShape(t.dimensions)?.rows,
                  rowBytes.multipliedReportingOverflow(by: rows) == (t.data.count, false) else {
                throw GGUFWriteError("tensor '\(t.name)': shape \(t.dimensions) of \(t.type.name) does not match its \(t.data.count) bytes")
            }
            infos.append(GGUFOutputTensor(name: t.name, dimensions: t.dimensions, type: t.type, byteCount: t.data.count))
        }
        return Self.header(version: version, metadata: metadata, tensors: infos, alignment: alignment)
    }

    /// Writes the file atomically (`<path>.partial`, fsync, rename).
    package func write(to path: String) throws(GGUFWriteError) {
        let head = try header()
        do {
            var out = try OutputFile(path: path)
            try out.write(head)
            for (i, t) in tensors.enumerated() {
                try out.write(t.data)
                if padAfterLastTensor || i < tensors.count - 1 { try out.writeZeros(padded(t.data.count, to: alignment) - t.data.count) }
            }
            try out.commit(sync: true)
        } catch {
            throw GGUFWriteError(error.message)
        }
    }

    /// Serialized header bytes: metadata in order, tensor infos with consecutive offsets (each tensor's
    /// data padded to `alignment`), and, when there are tensors, padding of the header to `alignment`.
    package static func header(version: UInt32 = 3, metadata: [(key: String, value: Value)], tensors: [GGUFOutputTensor],
                               alignment: Int) -> [UInt8] {
        var e = HeaderBytes()
        e.append(UInt32(0x4655_4747))   // "GGUF"
        e.append(version)
        e.append(UInt64(tensors.count))
        e.append(UInt64(metadata.count))
        for (key, value) in metadata {
            e.appendString(key)
            switch value {
            case .value(let v):
                e.append(v.type.rawValue)
                e.appendValue(v)
            case .strings(let list):
                e.appendArrayHeader(.string, list.count)
                for s in list { e.appendString(s) }
            case .int32s(let list):
                e.appendArrayHeader(.int32, list.count)
                for v in list { e.append(v) }
            case .float32s(let list):
                e.appendArrayHeader(.float32, list.count)
                for v in list { e.append(v.bitPattern) }
            }
        }
        var offset = 0
        for tensor in tensors {
            e.appendString(tensor.name)
            e.append(UInt32(tensor.dimensions.count))
            for d in tensor.dimensions { e.append(UInt64(d)) }
            e.append(tensor.type.rawValue)
            e.append(UInt64(offset))
            offset += padded(tensor.byteCount, to: alignment)
        }
        if !tensors.isEmpty { e.bytes.append(contentsOf: repeatElement(0, count: padded(e.bytes.count, to: alignment) - e.bytes.count)) }
        return e.bytes
    }

    /// `header` for metadata read from another file.
    package static func header(metadata: [(key: String, value: GGUFValue)], tensors: [GGUFOutputTensor], alignment: Int) -> [UInt8] {
        header(metadata: metadata.map { ($0.key, Value.value($0.value)) }, tensors: tensors, alignment: alignment)
    }
}

/// Little-endian header bytes under construction.
private struct HeaderBytes {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func appendArrayHeader(_ type: GGUFValueType, _ count: Int) {
        append(GGUFValueType.array.rawValue)
        append(type.rawValue)
        append(UInt64(count))
    }

    mutating func appendString(_ s: String) {
        append(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    mutating func appendValue(_ value: GGUFValue) {
        switch value {
        case .uint8(let v): append(v)
        case .int8(let v): append(v)
        case .uint16(let v): append(v)
        case .int16(let v): append(v)
        case .uint32(let v): append(v)
        case .int32(let v): append(v)
        case .float32(let v): append(v.bitPattern)
        case .bool(let v): append(UInt8(v ? 1 : 0))
        case .string(let s): appendString(s)
        case .uint64(let v): append(v)
        case .int64(let v): append(v)
        case .float64(let v): append(v.bitPattern)
        case .array(let a):
            // The elements are copied exactly as the source file encoded them.
            append(a.elementType.rawValue)
            append(UInt64(a.count))
            bytes.append(contentsOf: a.rawBytes)
        }
    }
}

/// `n` rounded up to a multiple of `alignment`.
@inline(__always)
package func padded(_ n: Int, to alignment: Int) -> Int {
    (n + alignment - 1) / alignment * alignment
}
