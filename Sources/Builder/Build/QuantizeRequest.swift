import Runtime

/// How `mfc build --quantize` converts the model layers.
package struct QuantizeRequest: Sendable, Equatable {
    package var fileType: QuantizationFileType
    /// Also convert tensors that are already block-quantized (loses quality).
    package var allowRequantize: Bool
    /// Worker threads; 0 means one per core.
    package var threads: Int

    package init(fileType: QuantizationFileType, allowRequantize: Bool = false, threads: Int = 0) {
        self.fileType = fileType
        self.allowRequantize = allowRequantize
        self.threads = threads
    }

    /// Settings that make up the build's action key, so changing the type rebuilds.
    var keySettings: [String: String] {
        ["quantize": fileType.rawValue, "requantize": allowRequantize ? "yes" : "no"]
    }
}
