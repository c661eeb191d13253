// Matrix × prepared inputs, over a range of output rows (the unit the worker pool splits).

extension WeightMatrix {
    /// out[t·outStride + r] = row r · input t, for rows in `rows` and every prepared token.
    /// Tokens go 4 at a time so each weight chunk is unpacked once for 4 inputs.
    func multiply(_ input: PreparedBatch, rows: Range<Int>, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        precondition(input.columns == columns, "input has \(input.columns) columns, matrix \(columns)")
        let count = input.count
        switch layout {
        case .nibbles:
            for r in rows {
                var t = 0
                while t < count {
                    let n = min(4, count - t)
                    dotNibbles(self, row: r, input, first: t, tokens: n, out + t * outStride + r, outStride: outStride)
                    t += n
                }
            }
        case .int8(let group, let hasMin):
            for r in rows {
                var t = 0
                while t < count {
                    let n = min(4, count - t)
                    dotInt8(self, row: r, group: group, hasMin: hasMin, input, first: t, tokens: n,
                            out + t * outStride + r, outStride: outStride)
                    t += n
                }
            }
        case .float:
            for r in rows {
                dotFloatRow(self, row: r, input, first: 0, tokens: count, out + r, outStride: outStride)
            }
        }
    }
}
