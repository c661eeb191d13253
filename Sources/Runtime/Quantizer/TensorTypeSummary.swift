import Foundation

// What `mfc show` prints about a model's quantization: the types of each tensor group
// (attn_q, ffn_down, ...) pooled over the layers, and the facts of a LoRA adapter.

package enum TensorTypeSummary {
    /// "blk.3.attn_q.weight" → "attn_q"; "token_embd.weight" → "token_embd".
    package static func group(of name: String) -> String {
        var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "blk", parts.count > 2 { parts.removeFirst(2) }
        if parts.last == "weight" { parts.removeLast() }
        return parts.joined(separator: ".")
    }

    /// Each tensor group with the count of tensors of each type, groups in file order.
    package static func groups(_ file: GGUFFile) -> [(group: String, types: [(type: GGMLType, count: Int)])] {
        var order: [String] = []
        var counts: [String: [GGMLType: Int]] = [:]
        for t in file.tensors {
            let g = group(of: t.name)
            if counts[g] == nil { order.append(g) }
            counts[g, default: [:]][t.type, default: 0] += 1
        }
        return order.map { g in
            (g, (counts[g] ?? [:]).sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) })
        }
    }

    /// One line per group: `attn_v   Q5_1 ×3, Q5_0 ×27`.
    package static func lines(_ file: GGUFFile) -> [String] {
        let groups = groups(file)
        let width = (groups.map(\.group.count).max() ?? 0) + 2
        return groups.map { g in
            g.group.padding(toLength: width, withPad: " ", startingAt: 0)
                + g.types.map { "\($0.type.name) ×\($0.count)" }.joined(separator: ", ")
        }
    }

    /// A LoRA adapter in one line: `LoRA rank 4, alpha 8, on attn_q ×2, attn_v ×2 (F16)`; ranks that
    /// differ per tensor print as a range, and a missing alpha as `none` (the user scale is used alone).
    package static func adapterLine(_ file: GGUFFile) -> String {
        let pairs = LoRAAdapter(file: file).pairs.pairs
        let ranks = pairs.map(\.rank)
        let rank = switch (ranks.min(), ranks.max()) {
        case let (low?, high?) where low != high: "\(low)–\(high)"
        case let (low?, _): String(low)
        default: "?"
        }
        let alpha = LoRAAdapter(file: file).alpha.map { String(format: "%g", Double($0)) } ?? "none"
        var targets: [String: Int] = [:], order: [String] = []
        for p in pairs {
            let g = group(of: p.target)
            if targets[g] == nil { order.append(g) }
            targets[g, default: 0] += 1
        }
        var types: [String] = []
        for p in pairs { for t in [p.a.type.name, p.b.type.name] where !types.contains(t) { types.append(t) } }
        let kind = file["adapter.type"]?.string.map { $0 == "lora" ? "LoRA" : $0 } ?? "adapter"
        let on = order.isEmpty ? "no tensors" : order.map { "\($0) ×\(targets[$0] ?? 0)" }.joined(separator: ", ")
        return "\(kind) rank \(rank), alpha \(alpha), on \(on)" + (types.isEmpty ? "" : " (\(types.joined(separator: ", ")))")
    }
}
