import KernelInterface

// Matrix × prepared inputs, over a range of output rows (the unit the worker pool splits).

/// out[t·outStride + r] = row r · input t, for rows in `rows` and tokens 0..<tokens.
/// Tokens go 4 at a time so each weight chunk is unpacked once for 4 inputs; rows stay outermost so a
/// row is read from memory once for the whole batch.
func multiply(_ w: MatrixView, _ input: InputView, tokens: Int, rows: Range<Int>, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
    switch w.layout {
    // Literal formats, so each arm is a kernel specialized for its blocks.
    case .nibbles(.q4_0): multiplyNibbles(w, .q4_0, input, tokens: tokens, rows: rows, out, outStride: outStride)
    case .nibbles(.q4_1): multiplyNibbles(w, .q4_1, input, tokens: tokens, rows: rows, out, outStride: outStride)
    case .nibbles(.q4_K): multiplyNibbles(w, .q4_K, input, tokens: tokens, rows: rows, out, outStride: outStride)
    case .bytes(.halfScale): multiplyBytes(w, .halfScale, input, tokens: tokens, rows: rows, out, outStride: outStride)
    case .bytes(.twoScales): multiplyBytes(w, .twoScales, input, tokens: tokens, rows: rows, out, outStride: outStride)
    // Literal group sizes and min flags, so each arm is a kernel specialized for its layout.
    case .int8(32, false):
        multiplyInt8(w, input, tokens: tokens, rows: rows, group: 32, hasMin: false, out, outStride: outStride)
    case .int8(32, true):
        multiplyInt8(w, input, tokens: tokens, rows: rows, group: 32, hasMin: true, out, outStride: outStride)
    case .int8(_, false):
        multiplyInt8(w, input, tokens: tokens, rows: rows, group: 16, hasMin: false, out, outStride: outStride)
    case .int8(_, true):
        multiplyInt8(w, input, tokens: tokens, rows: rows, group: 16, hasMin: true, out, outStride: outStride)
    case .float:
        for r in rows {
            dotFloatRow(w, row: r, input, first: 0, tokens: tokens, out + r, outStride: outStride)
        }
    }
}

/// Calls `body(group, rows, first, tokens)` for each row group of 4 in `rows` (a shorter last one) and each
/// run of up to 4 tokens: the loop of the kernels whose rows are interleaved by 4.
@inline(__always)
private func forEachRowGroup(_ rows: Range<Int>, tokens count: Int, _ body: (Int, Int, Int, Int) -> Void) {
    // Row shares start at multiples of 4 (LlamaModel.multiply), so they cover whole row groups.
    precondition(rows.lowerBound % 4 == 0, "interleaved rows must start at a row group")
    for r in stride(from: rows.lowerBound, to: rows.upperBound, by: 4) {
        var t = 0
        while t < count {
            let tokens = min(4, count - t)
            body(r / 4, min(4, rows.upperBound - r), t, tokens)
            t += tokens
        }
    }
}

@inline(__always)
private func multiplyNibbles(_ w: MatrixView, _ format: NibbleFormat, _ input: InputView, tokens count: Int, rows: Range<Int>,
                             _ out: UnsafeMutablePointer<Float>, outStride: Int) {
    forEachRowGroup(rows, tokens: count) { group, n, t, tokens in
        dotNibbles(w, group: group, rows: n, format, input, first: t, tokens: tokens, out + t * outStride + 4 * group, outStride: outStride)
    }
}

@inline(__always)
private func multiplyBytes(_ w: MatrixView, _ format: ByteFormat, _ input: InputView, tokens count: Int, rows: Range<Int>,
                           _ out: UnsafeMutablePointer<Float>, outStride: Int) {
    forEachRowGroup(rows, tokens: count) { group, n, t, tokens in
        dotBytes(w, group: group, rows: n, format, input, first: t, tokens: tokens, out + t * outStride + 4 * group, outStride: outStride)
    }
}

@inline(__always)
private func multiplyInt8(_ w: MatrixView, _ input: InputView, tokens count: Int, rows: Range<Int>, group: Int, hasMin: Bool,
                          _ out: UnsafeMutablePointer<Float>, outStride: Int) {
    for r in rows {
        var t = 0
        while t < count {
            let n = min(4, count - t)
            dotInt8(w, row: r, group: group, hasMin: hasMin, input, first: t, tokens: n,
                    out + t * outStride + r, outStride: outStride)
            t += n
        }
    }
}
