import ModelfileLang
import Runtime

// safetensors layout: u64 little-endian header length N, N bytes of JSON
//   { "<name>": {"dtype": "F16", "shape": [rows, cols], "data_offsets": [begin, end]}, ..., "__metadata__": {...} }
// then the data section; offsets are relative to its start (8 + N). Shapes are row-major (HF order).

/// One tensor of a safetensors file.
package struct SafetensorsTensor: Sendable, Equatable {
    package let name: String
    /// "F32", "F16" or "BF16" (other dtypes are listed but cannot be imported).
    package let dtype: String
    /// Row-major (outermost first), the reverse of GGUF's ne order.
    package let shape: [Int]
    /// Absolute byte range in the file.
    package let range: Range<Int>

    /// The matching GGML element type, nil for dtypes mfc does not import.
    package var ggmlType: GGMLType? {
        switch dtype {
        case "F32": .f32
        case "F16": .f16
        case "BF16": .bf16
        default: nil
        }
    }
}

/// A safetensors file over a read-only mmap: the header is parsed and checked, tensor data is read in place.
package final class SafetensorsFile: @unchecked Sendable {
    package let path: String
    /// In data order.
    package let tensors: [SafetensorsTensor]
    package let metadata: [String: String]
    private let mapping: MappedFile

    /// Opens `path` and validates every tensor's dtype size, shape and offsets against the file.
    /// - Throws: `StoreError` naming the file and the problem.
    package init(path: String) throws(StoreError) {
        self.path = path
        do { mapping = try MappedFile(path: path) } catch { throw StoreError(error.message) }
        let bytes = mapping.bytes
        guard bytes.count >= 8 else { throw StoreError("\(path): not a safetensors file (shorter than its 8-byte header length)") }
        let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(bytes.count - 8), headerLength <= 100_000_000 else {
            throw StoreError("\(path): not a safetensors file (header length \(headerLength) exceeds the file)")
        }
        let dataStart = 8 + Int(headerLength)
        let header: JSONValue
        do { header = try JSONValue.parse(Array(bytes[8..<dataStart])) } catch {
            throw StoreError("\(path): invalid safetensors header: \(error)")
        }
        guard let members = header.objectValue else { throw StoreError("\(path): safetensors header is not a JSON object") }
        var tensors: [SafetensorsTensor] = []
        var metadata: [String: String] = [:]
        for (name, value) in members {
            if name == "__metadata__" {
                for (k, v) in value.objectValue ?? [] { if let s = v.stringValue { metadata[k] = s } }
                continue
            }
            tensors.append(try Self.tensor(name, value, dataStart: dataStart, fileSize: bytes.count, path: path))
        }
        self.tensors = tensors.sorted { $0.range.lowerBound < $1.range.lowerBound }
        self.metadata = metadata
    }

    private static func tensor(_ name: String, _ value: JSONValue, dataStart: Int, fileSize: Int, path: String) throws(StoreError) -> SafetensorsTensor {
        guard let dtype = value["dtype"]?.stringValue, let shapeValues = value["shape"]?.arrayValue,
              let offsets = value["data_offsets"]?.arrayValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue else {
            throw StoreError("\(path): tensor '\(name)' needs dtype, shape and two data_offsets")
        }
        var shape: [Int] = []
        for v in shapeValues {
            guard let d = v.intValue, d >= 0 else { throw StoreError("\(path): tensor '\(name)' has an invalid shape") }
            shape.append(d)
        }
        let elementSize = ["F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1][dtype]
        guard let elementSize else { throw StoreError("\(path): tensor '\(name)' has unknown dtype \(dtype)") }
        // Checked products: neither the elements, nor their bytes, nor the rows (which count loop iterations
        // even when a dimension is 0) may exceed the file.
        guard let (count, _) = checkedShape(shape.reversed(), limit: fileSize),
              case let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize), !overflow, bytes <= fileSize else {
            throw StoreError("\(path): tensor '\(name)' has shape \(shape), more \(dtype) values than the file could hold")
        }
        guard begin >= 0, begin <= end, end <= fileSize - dataStart else {
            throw StoreError("\(path): tensor '\(name)' data [\(begin), \(end)) lies outside the file")
        }
        guard end - begin == bytes else {
            throw StoreError("\(path): tensor '\(name)' has \(end - begin) bytes for \(count) \(dtype) values")
        }
        return SafetensorsTensor(name: name, dtype: dtype, shape: shape, range: dataStart + begin ..< dataStart + end)
    }

    /// The tensor's bytes inside the mapping (valid while this object is alive).
    package func data(of tensor: SafetensorsTensor) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: mapping.bytes[tensor.range])
    }
}
