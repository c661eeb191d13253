import Testing
import TestSupport
@testable import Runtime

@Test func summaryGroupsSmolLM2TensorsByRoleAndType() throws {
    let lines = TensorTypeSummary.lines(try GGUFFile(path: TestModels.smolLM2()))
    let byGroup = Dictionary(uniqueKeysWithValues: lines.map { line in
        let parts = line.split(separator: " ", maxSplits: 1)
        return (String(parts[0]), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
    })
    #expect(byGroup["token_embd"] == "Q8_0 ×1")
    #expect(byGroup["attn_q"] == "Q4_1 ×30" && byGroup["ffn_down"] == "Q4_1 ×30")
    #expect(byGroup["attn_norm"] == "F32 ×30" && byGroup["output_norm"] == "F32 ×1")
    #expect(lines.count == 11)
    #expect(TensorTypeSummary.group(of: "blk.12.attn_q.bias") == "attn_q.bias")
}
