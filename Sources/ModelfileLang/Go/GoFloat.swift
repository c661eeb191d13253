#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Go's `strconv.FormatFloat` for the verbs templates use: shortest digits (precision -1)
/// come from Swift's shortest round-trip description; fixed precision from C's correctly
/// rounded conversion; the layout (exponent thresholds, `e+06`) follows Go.
enum GoFloat {
    /// Decimal digits and the decimal point position: value = 0.d1d2d3... × 10^dp.
    struct Digits { var digits: [UInt8]; var dp: Int }

    /// Shortest digits that round-trip (Go's `shortest`), for a finite non-negative value.
    /// With `bits` 32, the digits identify `Float(v)` among float32s.
    static func shortestDigits(_ v: Double, bits: Int = 64) -> Digits {
        if v == 0 { return Digits(digits: [], dp: 0) }
        // Swift's description is the shortest round-trip text too: "1.5", "1e-05", "1.2345e+20", "123456.0".
        let text = Array((bits == 32 ? Float(v).description : v.description).utf8)
        var mantissa: [UInt8] = []
        var pointAt: Int?
        var exp = 0
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: ".") { pointAt = mantissa.count }
            else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                exp = Int(String(decoding: text[(i + 1)...], as: UTF8.self)) ?? 0
                break
            } else if (0x30...0x39).contains(c) { mantissa.append(c) }
            i += 1
        }
        var dp = (pointAt ?? mantissa.count) + exp
        while let f = mantissa.first, f == UInt8(ascii: "0") { mantissa.removeFirst(); dp -= 1 }
        while let l = mantissa.last, l == UInt8(ascii: "0") { mantissa.removeLast() }
        return Digits(digits: mantissa, dp: dp)
    }

    /// `n` significant digits, correctly rounded (n >= 1), trailing zeros trimmed.
    static func roundedDigits(_ v: Double, significant n: Int) -> Digits {
        if v == 0 { return Digits(digits: [], dp: 0) }
        let s = cFormat(v, "e", precision: n - 1)   // d.ddde±XX
        let b = Array(s.utf8)
        guard let e = b.firstIndex(of: UInt8(ascii: "e")) else { return shortestDigits(v) }
        var digits = b[..<e].filter { (0x30...0x39).contains($0) }
        let exp = Int(String(decoding: b[(e + 1)...], as: UTF8.self)) ?? 0
        while let l = digits.last, l == UInt8(ascii: "0") { digits.removeLast() }
        return Digits(digits: digits, dp: exp + 1)
    }

    static func cFormat(_ v: Double, _ conv: String, precision: Int) -> String {
        var buf = [CChar](repeating: 0, count: 512 + max(0, precision))
        let n = buf.withUnsafeMutableBufferPointer { p in
            withVaList([Int32(min(precision, 1000)), v]) { vsnprintf(p.baseAddress, p.count, "%.*" + conv, $0) }
        }
        guard n >= 0 else { return "" }
        return String(decoding: buf.prefix(Int(min(n, Int32(buf.count - 1)))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `strconv.FormatFloat(v, fmt, prec, bits)` for fmt in b e E f F g G x X; prec -1 means shortest.
    /// `bits` 32 (shortest digits of a float32) is supported for e, f and g.
    static func format(_ v: Double, _ fmt: UInt8, precision prec: Int, bits: Int = 64) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
        let negative = v.sign == .minus
        let a = abs(v)
        let sign = negative ? "-" : ""
        switch fmt {
        case UInt8(ascii: "b"):
            return sign + binaryExponent(a)
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            return sign + hexFloat(a, precision: prec, upper: fmt == UInt8(ascii: "X"))
        case UInt8(ascii: "f"), UInt8(ascii: "F"):
            if prec >= 0 { return sign + cFormat(a, "f", precision: prec) }
            let d = shortestDigits(a, bits: bits)
            return sign + fixed(d, decimals: max(d.digits.count - d.dp, 0))
        case UInt8(ascii: "e"), UInt8(ascii: "E"):
            let d = prec < 0 ? shortestDigits(a, bits: bits) : roundedDigits(a, significant: prec + 1)
            return sign + exponential(d, decimals: prec < 0 ? max(d.digits.count - 1, 0) : prec, upper: fmt == UInt8(ascii: "E"))
        default: // g, G
            let shortest = prec < 0
            let d = shortest ? shortestDigits(a, bits: bits) : roundedDigits(a, significant: prec == 0 ? 1 : prec)
            let nd = d.digits.count
            var p = shortest ? nd : (prec == 0 ? 1 : prec)
            var eprec = p
            if eprec > nd && nd >= d.dp { eprec = nd }
            if shortest { eprec = 6 }
            let exp = d.dp - 1
            if exp < -4 || exp >= eprec {
                if p > nd { p = nd }
                return sign + exponential(d, decimals: max(p - 1, 0), upper: fmt == UInt8(ascii: "G"))
            }
            if p > d.dp { p = nd }
            return sign + fixed(d, decimals: max(p - d.dp, 0))
        }
    }

    private static func digit(_ d: Digits, _ i: Int) -> Character {
        i >= 0 && i < d.digits.count ? Character(Unicode.Scalar(d.digits[i])) : "0"
    }

    /// %e layout: d.ddde±XX (at least two exponent digits).
    static func exponential(_ d: Digits, decimals: Int, upper: Bool) -> String {
        var s = String(digit(d, 0))
        if decimals > 0 {
            s += "."
            for i in 1...decimals { s.append(digit(d, i)) }
        }
        let exp = d.digits.isEmpty ? 0 : d.dp - 1
        s += upper ? "E" : "e"
        s += exp < 0 ? "-" : "+"
        let e = abs(exp)
        s += e < 10 ? "0\(e)" : "\(e)"
        return s
    }

    /// %f layout from digits.
    static func fixed(_ d: Digits, decimals: Int) -> String {
        var s = ""
        if d.dp > 0 {
            for i in 0..<d.dp { s.append(digit(d, i)) }
        } else {
            s = "0"
        }
        if decimals > 0 {
            s += "."
            for i in 0..<decimals { s.append(digit(d, d.dp + i)) }
        }
        return s
    }

    /// %b layout: the integer significand and the power of two, `4503599627370496p-52` for 1.
    static func binaryExponent(_ a: Double) -> String {
        // Go keeps the significand in 53 bits, so subnormals (and zero) get exponent -1074.
        let mant = a.significandBitPattern | (a.isNormal ? 1 << 52 : 0)
        let exp = a.isNormal ? Int(a.exponent) - 52 : -1074
        return String(mant) + "p" + (exp >= 0 ? "+" : "") + String(exp)
    }

    /// %x layout: 0x1.8p+00.
    static func hexFloat(_ a: Double, precision: Int, upper: Bool) -> String {
        var mant: UInt64 = 0
        var exp = 0
        if a != 0 {
            mant = a.significandBitPattern | (a.isNormal ? 1 << 52 : 0)
            exp = Int(a.exponent)
            if !a.isNormal {   // subnormal: normalise so the leading bit is 1
                while mant & (1 << 52) == 0 { mant <<= 1 }
            }
        }
        // 52 fraction bits = 13 hex digits.
        var frac = mant & ((1 << 52) - 1)
        var lead: UInt64 = a == 0 ? 0 : 1
        var nd = 13
        if precision >= 0 && precision < 13 {
            let shift = UInt64(4 * (13 - precision))
            let half: UInt64 = 1 << (shift - 1)
            var kept = frac >> shift
            let rest = frac & ((1 << shift) - 1)
            if rest > half || (rest == half && kept & 1 == 1) { kept += 1 }
            if kept >> UInt64(4 * precision) != 0 {   // carried into the leading digit
                kept = 0
                lead += 1
                if lead == 2 { lead = 1; exp += 1 }
            }
            frac = kept
            nd = precision
        }
        var digits = ""
        if nd > 0 {
            let h = String(frac, radix: 16, uppercase: upper)
            digits = String(repeating: "0", count: max(0, nd - h.count)) + h
        }
        if precision < 0 { while digits.hasSuffix("0") { digits.removeLast() } }
        var s = upper ? "0X" : "0x"
        s += String(lead)
        if !digits.isEmpty { s += "." + digits }
        s += upper ? "P" : "p"
        s += exp < 0 ? "-" : "+"
        let e = abs(exp)
        s += e < 10 ? "0\(e)" : "\(e)"
        return s
    }
}
