/// Runtime: GGUF reading, tokenizers, quantized kernels and the llama-family forward pass.
package enum RuntimeInfo {
    package static let version = "0.1.0"
}
