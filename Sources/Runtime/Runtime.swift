// Runtime: GGUF reading, tokenizers, quantized kernels and the llama-family forward pass.
// docs/architecture.md lists its folders.
