import KernelInterface

// One input vector (or a batch of them) prepared once for every matrix that reads it: quantized to
// q8 blocks of 32 like llama.cpp, then rearranged into the i16 planes the integer kernels multiply
// against (Kernels/ISA/PrepareInput.swift). Everything stays in L1/L2; no allocation per token.

/// Inputs of `columns` elements for up to `capacity` tokens, in the layouts the kernels read.
/// Columns are padded to a multiple of 128 with zeros, so kernels need no tail loops.
final class PreparedBatch: @unchecked Sendable {
    let columns: Int
    let capacity: Int
    private(set) var count = 0
    /// The storage and byte offsets the kernels read (see `InputView`).
    let view: InputView
    let kernels: KernelTable
    let storage: AlignedBuffer

    init(columns: Int, capacity: Int, kernels: KernelTable) {
        self.columns = columns
        self.capacity = max(capacity, 1)
        self.kernels = kernels
        storage = AlignedBuffer(bytes: InputView.tokenStride(columns: columns) * self.capacity)
        view = InputView(base: storage.base, columns: columns)
    }

    var paddedColumns: Int { view.paddedColumns }

    /// The base of token `t`'s area.
    func token(_ t: Int) -> UnsafeMutableRawPointer { view.token(t) }

    /// Prepares `count` tokens whose inputs are rows of `x` (`stride` floats apart).
    func prepare(_ x: UnsafePointer<Float>, count: Int, stride: Int) {
        precondition(count <= capacity, "batch larger than its capacity")
        self.count = count
        for t in 0..<count { kernels.prepare(view, t, x + t * stride) }
    }
}
