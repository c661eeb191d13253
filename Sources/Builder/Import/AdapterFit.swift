import Runtime

/// Checks that a GGUF LoRA adapter can be applied to a base model, and says exactly what does not fit
/// (the conventions live with the runtime that applies it: Runtime/LoRA/LoRAAdapter.swift).
package enum AdapterFit {
    /// Every reason `adapter` cannot be applied to `base`; empty when it fits.
    package static func problems(adapter: GGUFFile, base: GGUFFile) -> [String] {
        LoRAAdapter(file: adapter).problems(base: base)
    }
}
