import Foundation

// Decode attention kernels on their own (scripts/bench-attention.sh compiles this with Sources/Runtime/Kernels/ISA):
// SmolLM2's shapes (3 KV heads of 3 query heads, hd 64, 30 layers) over random f16 K/V at DEPTH positions, best
// thread CPU time of REPS runs per token. Modes: per-head (attendOnline per query head), grouped (attendGroup per KV
// head), all (attendGroup over all KV heads at once), read (the K/V read front to back), slice (one KV head's
// slice of every row, as a grouped call reads it). The grouped results are checked bit for bit against per-head.
let hd = 64, kvHeads = 3, group = 3, layers = 30
let arguments = CommandLine.arguments
let positions = arguments.count > 1 ? Int(arguments[1]) ?? 4096 : 4096
let repetitions = Int(ProcessInfo.processInfo.environment["REPS"] ?? "5") ?? 5
let rowStride = kvHeads * hd, count = layers * positions * rowStride
var seed: UInt64 = 12345
func nextValue() -> Float {
    seed = seed &* 6364136223846793005 &+ 1442695040888963407
    return Float(Int64(bitPattern: seed >> 11) % 4000) / 1000 - 2
}
let keys = UnsafeMutablePointer<Float16>.allocate(capacity: count), values = UnsafeMutablePointer<Float16>.allocate(capacity: count)
for i in 0..<count {
    keys[i] = Float16(nextValue())
    values[i] = Float16(nextValue())
}
let q = UnsafeMutablePointer<Float>.allocate(capacity: group * kvHeads * hd)
for i in 0..<group * kvHeads * hd { q[i] = nextValue() }
let perHeadOut = UnsafeMutablePointer<Float>.allocate(capacity: group * kvHeads * hd)
let groupedOut = UnsafeMutablePointer<Float>.allocate(capacity: group * kvHeads * hd)
let scratch = UnsafeMutablePointer<Float>.allocate(capacity: attendGroupScratchCount(heads: group * kvHeads, hd: hd))
let halves = UnsafeMutablePointer<Float16>.allocate(capacity: 2 * hd)
func layer(_ base: UnsafeMutablePointer<Float16>, _ l: Int) -> UnsafeMutablePointer<Float16> { base + l * positions * rowStride }

@inline(never) func perHead() {
    for l in 0..<layers {
        for h in 0..<group * kvHeads {
            let kv = h / group * hd
            attendOnline(q + h * hd, layer(keys, l) + kv, layer(values, l) + kv, stride: rowStride, range: 0...positions - 1,
                         scale: 0.125, softcap: 0, hd: hd, scratch: halves, out: perHeadOut + h * hd)
        }
    }
}
@inline(never) func grouped(allAtOnce: Bool) {
    for l in 0..<layers {
        for kvh in 0..<(allAtOnce ? 1 : kvHeads) {
            attendGroup(q + kvh * group * hd, heads: group, groups: allAtOnce ? kvHeads : 1, layer(keys, l) + kvh * hd,
                        layer(values, l) + kvh * hd, stride: rowStride, range: 0..<positions, scale: 0.125, softcap: 0, hd: hd,
                        partial: false, scratch: scratch, out: groupedOut + kvh * group * hd)
        }
    }
}
@inline(never) func read(slice: Bool) -> Float {
    var acc = SIMD16<Float>()
    for p in [UnsafeRawPointer(keys), UnsafeRawPointer(values)] {
        if slice {
            for l in 0..<layers {
                for kvh in 0..<kvHeads {
                    for j in 0..<positions {
                        let row = p + 2 * (l * positions * rowStride + j * rowStride + kvh * hd)
                        for i in Swift.stride(from: 0, to: 2 * hd, by: 32) {
                            acc += halfToFloat16(row.loadUnaligned(fromByteOffset: i, as: SIMD16<Float16>.self))
                        }
                    }
                }
            }
        } else {
            for i in Swift.stride(from: 0, to: count, by: 16) { acc += halfToFloat16(p.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<Float16>.self)) }
        }
    }
    return horizontalSum(acc)
}
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
func report(_ name: String, _ body: () -> Void) {
    var best = Double.infinity
    for _ in 0..<repetitions {
        let start = cpuSeconds()
        body()
        best = min(best, cpuSeconds() - start)
    }
    print(name.padding(toLength: 10, withPad: " ", startingAt: 0), String(format: "%7.2f ms", best * 1e3))
}
var sink: Float = 0
print("\(positions) positions, \(layers) layers, CPU time per token (best of \(repetitions))")
report("per-head") { perHead() }
report("grouped") { grouped(allAtOnce: false) }
let groupedEqual = (0..<group * kvHeads * hd).allSatisfy { perHeadOut[$0].bitPattern == groupedOut[$0].bitPattern }
report("all") { grouped(allAtOnce: true) }
let allEqual = (0..<group * kvHeads * hd).allSatisfy { perHeadOut[$0].bitPattern == groupedOut[$0].bitPattern }
report("read") { sink += read(slice: false) }
report("slice") { sink += read(slice: true) }
print(groupedEqual && allEqual ? "grouped results equal per-head bit for bit" : "MISMATCH between grouped and per-head results")
if !sink.isFinite { print("(the read checksum is not finite)") }   // keeps the reads from being optimized away
exit(groupedEqual && allEqual ? 0 : 1)
