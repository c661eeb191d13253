import Foundation
import Testing
import TestSupport

/// In CI a missing model must fail the run, never skip it.
@Test func smolLM2IsCached() throws {
    let path = try TestModels.smolLM2()
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
    #expect(size == 98_362_432)
}
