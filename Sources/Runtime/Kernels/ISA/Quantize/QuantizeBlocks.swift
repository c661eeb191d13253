import KernelInterface

// The block loop of every quantizer, compiled into each per-ISA kernel module (KernelTable.quantizeBlocks),
// which the Runtime's quantizers call; so it and the files it calls use the standard library only.

/// Quantizes `count` floats (whole blocks of `format`) into ggml blocks at `y`.
@inline(__always)
func quantizeBlocks(_ format: BlockFormat, _ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutableRawPointer,
                    scratch: borrowing KQuantScratch) {
    let n = format.elements, size = format.bytes, blocks = count / n
    switch format {
    case .q4_0: for b in 0..<blocks { quantizeBlockQ4_0(x + b * n, y + b * size) }
    case .q4_1: for b in 0..<blocks { quantizeBlockQ4_1(x + b * n, y + b * size) }
    case .q5_0: for b in 0..<blocks { quantizeBlockQ5_0(x + b * n, y + b * size) }
    case .q5_1: for b in 0..<blocks { quantizeBlockQ5_1(x + b * n, y + b * size) }
    case .q8_0: for b in 0..<blocks { quantizeBlockQ8_0(x + b * n, y + b * size) }
    case .q2_K: for b in 0..<blocks { quantizeBlockQ2_K(x + b * n, y + b * size, scratch) }
    case .q3_K: for b in 0..<blocks { quantizeBlockQ3_K(x + b * n, y + b * size, scratch) }
    case .q4_K: for b in 0..<blocks { quantizeBlockQ4_K(x + b * n, y + b * size, scratch) }
    case .q5_K: for b in 0..<blocks { quantizeBlockQ5_K(x + b * n, y + b * size, scratch) }
    case .q6_K: for b in 0..<blocks { quantizeBlockQ6_K(x + b * n, y + b * size, scratch) }
    }
}

/// Widens `count` IEEE binary16 values (little-endian) at `src` to Float, exactly (`halfToFloat`).
@inline(__always)
func widenHalves(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
    for i in 0..<count { dst[i] = halfToFloat(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
}
