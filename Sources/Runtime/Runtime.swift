/// Runtime: GGUF reading, tokenizers, quantized kernels and the llama-family forward pass.
public enum RuntimeInfo {
    public static let version = "0.1.0"
}
