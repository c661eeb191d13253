import KernelInterface

// Weight matrices repacked at load time into the three layouts the fast kernels read
// (same information as ggml's blocks, rearranged so every load is aligned and contiguous):
//   nibbles: Q4_0, Q4_1, Q4_K, rows interleaved by 4 (ggml's q4_0_8x8 idea): a group of rows 4g..4g+3 is
//            nb × 80 B: block b's 16 quant bytes of each of the 4 rows, then their 4 × u32 (d16 | m16<<16),
//            so one 64-byte load feeds 4 independent rows and a group is read strictly front to back (the
//            hardware prefetcher loses track when scales sit apart). Q4_0 stores m = −8d. The last group is
//            padded with zero rows (scales 0, so they add nothing and their outputs are never written).
//            Q4_K blocks are 96 B: each 32-element sub-block's nibbles re-paired like Q4_1's (byte i =
//            q_i | q_(i+16) << 4), then the 4 rows' f32 scales d·sc and f32 mins −dmin·m (24 B per 32 weights
//            instead of 40 as int8).
//   bytes:   Q8_0, Q5_0, Q6_K, Q3_K (no mins): i8 quants, rows interleaved by 4 like the nibbles. Block b of a
//            row group: elements 0-15 of its 32 in each of the 4 rows (64 B), elements 16-31 (64 B), then the
//            scales: Q8_0 and Q5_0 4 × f16 d (136 B, the 34 B per 32 weights of Q8_0: the LM head of both test
//            models is Q8_0, the largest matrix read per token); Q6_K and Q3_K 4 × f32 scale of elements 0-15,
//            then 4 × f32 of 16-31 (160 B). (Q5_0 as nibbles plus fifth bits was tried: 1.5x slower per matrix,
//            LLVM turns the bit spreading into shuffles.)
//   int8:    Q5_1, Q2_K, Q5_K (with mins). Row = [cols × i8][groups × f32 scale][groups × f32 min]
//            with groups of 32 (Q5_1, Q5_K) or 16 (Q2_K); y = q·scale + min.
//   float:   F32, F16, BF16 widened to f32.
// int8 rows are zero-padded to a multiple of 64 columns, float rows to 16; `PreparedBatch` pads to 128.
// Padding costs bandwidth (576 → 640 would read 11% more), hence the minimum for each layout.

/// Why a model could not be loaded or run (unsupported tensor, bad shape, token out of range, full context).
package struct ModelError: Error, CustomStringConvertible, Sendable {
    package let description: String
    package init(description: String) { self.description = description }
}

/// Where a matrix's ggml rows come from: bytes in memory, or `byteCount` bytes at `offset` of a file, read a
/// few rows at a time into `buffer` (with `pread`: the file's pages never count towards the process's memory,
/// so the weights are resident once, repacked, even while the largest matrix is being copied).
enum RowSource {
    case memory(UnsafeRawBufferPointer)
    case file(GGUFFile, offset: Int, byteCount: Int, buffer: UnsafeMutableRawBufferPointer)

    var byteCount: Int {
        switch self {
        case .memory(let data): data.count
        case .file(_, _, let count, _): count
        }
    }
}

/// A rows × columns weight matrix (columns = input length) in a kernel layout.
final class WeightMatrix: @unchecked Sendable {
    enum Layout: Equatable { case nibbles(blockBytes: Int), bytes(ByteFormat), int8(group: Int, hasMin: Bool), float }
    let rows: Int
    let columns: Int
    /// Columns the kernel covers: `columns` for nibbles and bytes, rounded up to 64 (int8) or 16 (float).
    let paddedColumns: Int
    /// Byte offset of the scales inside a row (int8) or inside a block of a row group (nibbles, bytes).
    let scalesOffset: Int
    /// Steps of the kernel over a row: one block of 4 rows (nibbles, bytes) or 64 weights (int8).
    let chunks: Int
    let sourceType: GGMLType
    let layout: Layout
    /// Bytes per row (nibbles, bytes: a quarter of a row group's quants and scales).
    let rowStride: Int
    /// Bytes per group of 4 rows in the nibble and byte layouts, a multiple of 64.
    let groupStride: Int
    let storage: AlignedBuffer

    /// Repacks `rows` rows of `columns` elements of `type` from ggml blocks at `data`.
    /// - Throws: `ModelError` for an unsupported type, a partial block or too few bytes.
    convenience init(type: GGMLType, data: UnsafeRawBufferPointer, rows: Int, columns: Int) throws(ModelError) {
        try self.init(type: type, source: .memory(data), rows: rows, columns: columns)
    }

    /// Repacks `rows` rows of `columns` elements of `type` from ggml blocks read from `source`.
    /// - Throws: `ModelError` for an unsupported type, a partial block, too few bytes or a failed read.
    init(type: GGMLType, source: RowSource, rows: Int, columns: Int) throws(ModelError) {
        guard supportedWeightTypes.contains(type) else { throw ModelError(description: "unsupported tensor type \(type.name)") }
        guard rows > 0, columns > 0, let srcRowBytes = type.rowBytes(elements: columns) else {
            throw ModelError(description: "\(columns) columns is not a whole number of \(type.name) blocks")
        }
        let (total, overflow) = srcRowBytes.multipliedReportingOverflow(by: rows)
        guard !overflow, total <= source.byteCount else {
            throw ModelError(description: "tensor data too short: need \(total) bytes, have \(source.byteCount)")
        }
        self.rows = rows
        self.columns = columns
        self.sourceType = type
        switch type {
        case .q4_0, .q4_1, .q4_K:
            let blockBytes = type == .q4_K ? 96 : 80
            layout = .nibbles(blockBytes: blockBytes)
            paddedColumns = columns
            scalesOffset = 64                     // inside a block of a row group
            chunks = columns / 32
            rowStride = columns / 32 * blockBytes / 4
        case .q8_0, .q5_0, .q6_K, .q3_K:
            let format: ByteFormat = type == .q8_0 || type == .q5_0 ? .halfScale : .twoScales
            layout = .bytes(format)
            paddedColumns = columns
            scalesOffset = 128                    // inside a block of a row group
            chunks = columns / 32
            rowStride = columns / 32 * (format == .halfScale ? 136 : 160) / 4
        case .f32, .f16, .bf16:
            layout = .float
            paddedColumns = (columns + 15) / 16 * 16
            scalesOffset = 0
            chunks = 0
            rowStride = 4 * paddedColumns
        default:
            let group = type == .q2_K ? 16 : 32
            layout = .int8(group: group, hasMin: true)
            paddedColumns = (columns + 63) / 64 * 64
            scalesOffset = paddedColumns
            chunks = paddedColumns / 64
            rowStride = paddedColumns + 2 * 4 * (paddedColumns / group)
        }
        groupStride = (4 * rowStride + 63) / 64 * 64
        let interleaved = switch layout { case .nibbles, .bytes: true; default: false }
        storage = AlignedBuffer(bytes: interleaved ? groupStride * ((rows + 3) / 4) : rowStride * rows)
        switch source {
        case .memory(let data):
            guard let src = data.baseAddress else { return }   // unreachable: rows and columns are positive
            for r in 0..<rows { repackRow(src + r * srcRowBytes, row: r) }
        case .file(let file, let offset, _, let buffer):
            guard buffer.count >= srcRowBytes, let staged = buffer.baseAddress else {
                throw ModelError(description: "a \(buffer.count)-byte read buffer cannot hold a row of \(srcRowBytes) bytes")
            }
            let chunkRows = buffer.count / srcRowBytes
            for first in stride(from: 0, to: rows, by: chunkRows) {
                let count = min(chunkRows, rows - first)
                do {
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<(count * srcRowBytes)]),
                                  at: offset + first * srcRowBytes)
                } catch {
                    throw ModelError(description: error.message)
                }
                for r in 0..<count { repackRow(staged + r * srcRowBytes, row: first + r) }
            }
        }
    }

    /// Bytes of repacked weights read for one input vector.
    var byteCount: Int { rowStride * rows }

    /// What the kernels read.
    var view: MatrixView {
        let kernelLayout: MatrixLayout
        switch layout {
        case .nibbles:
            let format: NibbleFormat = switch sourceType {
            case .q4_0: .q4_0
            case .q4_K: .q4_K
            default: .q4_1
            }
            kernelLayout = .nibbles(format)
        case .bytes(let format): kernelLayout = .bytes(format)
        case .int8(let group, let hasMin): kernelLayout = .int8(group: group, hasMin: hasMin)
        case .float: kernelLayout = .float
        }
        return MatrixView(base: storage.base, layout: kernelLayout, paddedColumns: paddedColumns, scalesOffset: scalesOffset,
                          chunks: chunks, rowStride: rowStride, groupStride: groupStride)
    }

    /// out[t·outStride + r] = row r · input t, for rows in `rows` and every prepared token, with the
    /// kernels the input was prepared with.
    func multiply(_ input: PreparedBatch, rows: Range<Int>, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        precondition(input.columns == columns, "input has \(input.columns) columns, matrix \(columns)")
        input.kernels.multiply(view, input.view, input.count, rows, out, outStride)
    }

    private func repackRow(_ src: UnsafeRawPointer, row r: Int) {
        let qk = sourceType.blockSize, blocks = columns / qk
        let row = storage.base + r * rowStride
        switch layout {
        case .nibbles(let blockBytes) where sourceType == .q4_K:
            let group = storage.base + r / 4 * groupStride, slot = r % 4
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: 256) { q in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { scaleMin in
                    let q = q.baseAddress!, scales = scaleMin.baseAddress!, mins = scales + 8
                    for b in 0..<blocks {
                        decodeIntegerBlock(.q4_K, src + b * sourceType.blockBytes, q, scales, mins)
                        for k in 0..<8 {
                            let out = group + blockBytes * (8 * b + k)
                            for i in 0..<16 {
                                let byte = UInt8(q[32 * k + i]) | UInt8(q[32 * k + 16 + i]) << 4
                                out.storeBytes(of: byte, toByteOffset: 16 * slot + i, as: UInt8.self)
                            }
                            out.storeBytes(of: scales[k], toByteOffset: scalesOffset + 4 * slot, as: Float.self)
                            out.storeBytes(of: mins[k], toByteOffset: scalesOffset + 16 + 4 * slot, as: Float.self)
                        }
                    }
                }
            }
        case .nibbles(let blockBytes):
            let group = storage.base + r / 4 * groupStride, slot = r % 4
            for b in 0..<blocks {
                let block = src + b * sourceType.blockBytes, out = group + blockBytes * b
                let qs = sourceType == .q4_0 ? BlockLayout.Q4_0.qs : BlockLayout.Q4_1.qs
                (out + 16 * slot).copyMemory(from: block + qs, byteCount: 16)
                let d = block.loadUnaligned(as: UInt16.self)
                let m = sourceType == .q4_0 ? floatToHalf(-8 * halfToFloat(d)) : block.loadUnaligned(fromByteOffset: BlockLayout.Q4_1.m, as: UInt16.self)
                out.storeBytes(of: UInt32(d) | UInt32(m) << 16, toByteOffset: scalesOffset + 4 * slot, as: UInt32.self)
            }
        case .bytes(let format):
            let group = storage.base + r / 4 * groupStride, slot = r % 4
            let blockBytes = format == .halfScale ? 136 : 160
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: 256) { q in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { scales in
                    let q = q.baseAddress!, scales = scales.baseAddress!
                    for b in 0..<blocks {
                        decodeIntegerBlock(sourceType, src + b * sourceType.blockBytes, q, scales, nil)
                        // A k-quant super-block holds qk/32 blocks of the layout, each with 2 groups of 16.
                        for k in 0..<qk / 32 {
                            let out = group + blockBytes * (qk / 32 * b + k)
                            (out + 16 * slot).copyMemory(from: q + 32 * k, byteCount: 16)
                            (out + 64 + 16 * slot).copyMemory(from: q + 32 * k + 16, byteCount: 16)
                            if format == .halfScale {   // the scale came from an f16, so this is exact
                                out.storeBytes(of: floatToHalf(scales[0]), toByteOffset: scalesOffset + 2 * slot, as: UInt16.self)
                            } else {
                                out.storeBytes(of: scales[2 * k], toByteOffset: scalesOffset + 4 * slot, as: Float.self)
                                out.storeBytes(of: scales[2 * k + 1], toByteOffset: scalesOffset + 16 + 4 * slot, as: Float.self)
                            }
                        }
                    }
                }
            }
        case .float:
            let out = row.assumingMemoryBound(to: Float.self)
            dequantizeRow(sourceType, src, out, count: columns)
        case .int8(let group, _):
            let q = row.assumingMemoryBound(to: Int8.self)
            let scales = (row + scalesOffset).assumingMemoryBound(to: Float.self)
            let mins = scales + paddedColumns / group
            for b in 0..<blocks {
                decodeIntegerBlock(sourceType, src + b * sourceType.blockBytes, q + b * qk, scales + b * qk / group, mins + b * qk / group)
            }
        }
    }
}

/// Splits one block into integer quants and per-group (16 or 32 elements) scale and min, so that
/// y = q·scale + min. An implementation independent of `dequantizeBlock`, which tests compare it with.
func decodeIntegerBlock(_ type: GGMLType, _ x: UnsafeRawPointer, _ q: UnsafeMutablePointer<Int8>,
                        _ scale: UnsafeMutablePointer<Float>, _ minimum: UnsafeMutablePointer<Float>?) {
    let u8 = { (o: Int) in x.load(fromByteOffset: o, as: UInt8.self) }
    let i8 = { (v: Int) in Int8(truncatingIfNeeded: v) }
    switch type {
    case .q8_0:
        (UnsafeMutableRawPointer(q)).copyMemory(from: x + BlockLayout.Q8_0.qs, byteCount: 32)
        scale[0] = x.half(at: BlockLayout.Q8_0.d)
    case .q5_0, .q5_1:
        let isQ5_0 = type == .q5_0
        let qh = x.loadUnaligned(fromByteOffset: isQ5_0 ? BlockLayout.Q5_0.qh : BlockLayout.Q5_1.qh, as: UInt32.self)
        let qs = isQ5_0 ? BlockLayout.Q5_0.qs : BlockLayout.Q5_1.qs
        for j in 0..<32 {
            let nibble = j < 16 ? Int(u8(qs + j) & 15) : Int(u8(qs + j - 16) >> 4)
            q[j] = i8((nibble | Int((qh >> j) & 1) << 4) - (isQ5_0 ? 16 : 0))
        }
        scale[0] = x.half(at: 0)
        minimum?[0] = isQ5_0 ? 0 : x.half(at: BlockLayout.Q5_1.m)
    case .q4_K, .q5_K:
        let isQ4 = type == .q4_K
        let d = x.half(at: 0), dmin = x.half(at: 2)
        let qs = isQ4 ? BlockLayout.Q4_K.qs : BlockLayout.Q5_K.qs
        for k in 0..<8 {
            let (sc, mn) = kQuantScaleMin(x + BlockLayout.Q4_K.scales, k)
            scale[k] = d * Float(sc)
            minimum?[k] = -(dmin * Float(mn))
            for l in 0..<32 {
                let byte = u8(qs + 32 * (k / 2) + l)
                var n = Int(k % 2 == 0 ? byte & 15 : byte >> 4)
                if !isQ4, (u8(BlockLayout.Q5_K.qh + l) >> k) & 1 == 1 { n += 16 }
                q[32 * k + l] = i8(n)
            }
        }
    case .q2_K:
        let L = BlockLayout.Q2_K.self
        let d = x.half(at: L.d), dmin = x.half(at: L.dmin)
        for s in 0..<16 {
            let sc = u8(L.scales + s)
            scale[s] = d * Float(sc & 15)
            minimum?[s] = -(dmin * Float(sc >> 4))
        }
        for h in 0..<2 { for j in 0..<4 { for l in 0..<32 {
            q[128 * h + 32 * j + l] = i8(Int((u8(L.qs + 32 * h + l) >> (2 * j)) & 3))
        } } }
    case .q3_K:
        let L = BlockLayout.Q3_K.self
        let d = x.half(at: L.d)
        for s in 0..<16 { scale[s] = d * Float(q3KScale(x + L.scales, s)) }
        for h in 0..<2 { for j in 0..<4 { for l in 0..<32 {
            let low = Int((u8(L.qs + 32 * h + l) >> (2 * j)) & 3)
            let high = (u8(L.hmask + l) >> (4 * h + j)) & 1 == 1 ? 0 : 4
            q[128 * h + 32 * j + l] = i8(low - high)
        } } }
    case .q6_K:
        let L = BlockLayout.Q6_K.self
        let d = x.half(at: L.d)
        for s in 0..<16 { scale[s] = d * Float(x.load(fromByteOffset: L.scales + s, as: Int8.self)) }
        for h in 0..<2 { for l in 0..<32 {
            let ql0 = u8(L.ql + 64 * h + l), ql1 = u8(L.ql + 64 * h + l + 32), qh = u8(L.qh + 32 * h + l)
            let values = [ql0 & 15, ql1 & 15, ql0 >> 4, ql1 >> 4]
            for g in 0..<4 {
                q[128 * h + 32 * g + l] = i8(Int(values[g] | ((qh >> (2 * g)) & 3) << 4) - 32)
            }
        } }
    default:
        break
    }
}
