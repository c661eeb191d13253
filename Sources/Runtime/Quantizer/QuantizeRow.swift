import KernelInterface

// Entry points: quantize rows of Float into ggml blocks of a chosen type.

/// Why a quantization request cannot be carried out.
package struct QuantizeError: Error, Sendable, CustomStringConvertible, Equatable {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// The tensor types mfc can produce from floats.
package enum QuantizeTarget {
    /// Block types with a quantizer, plus the plain float encodings.
    package static let supported: [GGMLType] = [
        .f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K,
    ]
}

/// Quantizes `count` floats (a whole number of blocks) into `destination`, which must hold
/// `type.rowBytes(elements: count)` bytes. Bytes equal ggml's reference quantizer for the type.
/// - Throws: `QuantizeError` for a type without a quantizer or a count that is not whole blocks.
package func quantizeRow(
    _ type: GGMLType, _ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutableRawPointer
) throws(QuantizeError) {
    try checkQuantizable(type, count: count)
    quantizeCheckedRow(type, source, count: count, into: destination)
}

/// Quantizes `values` (a whole number of blocks) and returns the packed bytes.
/// - Throws: `QuantizeError` as `quantizeRow(_:_:count:into:)` does.
package func quantizeRow(_ type: GGMLType, _ values: [Float]) throws(QuantizeError) -> [UInt8] {
    try checkQuantizable(type, count: values.count)
    var out = [UInt8](repeating: 0, count: type.rowBytes(elements: values.count) ?? 0)
    values.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBytes { dst in
            guard let s = src.baseAddress, let d = dst.baseAddress else { return }
            quantizeCheckedRow(type, s, count: values.count, into: d)
        }
    }
    return out
}

/// Throws unless `type` has a quantizer and `count` is a whole number of its blocks.
func checkQuantizable(_ type: GGMLType, count: Int) throws(QuantizeError) {
    guard QuantizeTarget.supported.contains(type) else {
        throw QuantizeError("no quantizer for type \(type.name)")
    }
    guard count >= 0, count % type.blockSize == 0 else {
        throw QuantizeError("\(count) values are not a whole number of \(type.name) blocks of \(type.blockSize)")
    }
}

/// The row loop, for a type and count `checkQuantizable` accepted. Block formats go through the
/// kernel variant for this CPU (Kernels/ISA/Quantize), the float encodings are converted here.
func quantizeCheckedRow(_ type: GGMLType, _ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutableRawPointer) {
    switch type {
    case .f32:
        for i in 0..<count { y.storeBytes(of: x[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
    case .f16:
        for i in 0..<count { y.storeBytes(of: floatToHalf(x[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self) }
    case .bf16:
        for i in 0..<count { y.storeBytes(of: floatToBFloat16(x[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self) }
    default:
        // checkQuantizable admits only the float encodings and block formats.
        if let format = BlockFormat(type) { InstructionSet.preferred.kernels.quantizeBlocks(format, x, count, y) }
    }
}
