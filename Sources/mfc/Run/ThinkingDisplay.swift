/// Shows a thinking model's reasoning before its answer, as `ollama run` does: "Thinking...", the
/// reasoning, then "...done thinking." once the answer starts.
final class ThinkingDisplay {
    private let write: (String) -> Void
    private var thinking = false

    init(write: @escaping (String) -> Void) { self.write = write }

    func reasoning(_ text: String) {
        if !thinking { write("Thinking...\n") }
        thinking = true
        write(text)
    }

    func answer(_ text: String) {
        if thinking { write("\n...done thinking.\n\n") }
        thinking = false
        write(text)
    }
}
