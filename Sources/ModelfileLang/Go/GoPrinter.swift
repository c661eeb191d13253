/// Go's `fmt` printing for template values: `Sprint`, `Sprintln`, `Sprintf` with flags,
/// width, precision, argument indexes and Go's `%!verb(type=value)` error notation.
/// Arguments are values as Go sees them inside `...any` (`.null` is a nil interface).
struct GoPrinter {
    private var out: [UInt8] = []
    private var plus = false, minus = false, sharp = false, space = false, zero = false
    private var plusV = false, sharpV = false
    private var width: Int?
    private var precision: Int?
    /// The argument being printed, for `%!verb(type=value)`.
    private var current: TemplateValue?
    private var erroring = false

    var string: String { String(decoding: out, as: UTF8.self) }

    /// `fmt.Sprint`: spaces between operands when neither side is a string.
    static func sprint(_ args: [TemplateValue]) -> String {
        var p = GoPrinter()
        var prevString = false
        for (i, a) in args.enumerated() {
            let isString: Bool
            if case .string = a { isString = true } else { isString = false }
            if i > 0 && !isString && !prevString { p.out.append(0x20) }
            p.printArg(a, verb: UInt8(ascii: "v"))
            prevString = isString
        }
        return p.string
    }

    /// `fmt.Sprintln`: spaces between all operands and a final newline.
    static func sprintln(_ args: [TemplateValue]) -> String {
        var p = GoPrinter()
        for (i, a) in args.enumerated() {
            if i > 0 { p.out.append(0x20) }
            p.printArg(a, verb: UInt8(ascii: "v"))
        }
        p.out.append(0x0A)
        return p.string
    }

    /// `fmt.Sprint` of one value (how an action prints its result).
    static func print(_ v: TemplateValue) -> String {
        var p = GoPrinter()
        p.printArg(v, verb: UInt8(ascii: "v"))
        return p.string
    }

    private mutating func clearFlags() {
        plus = false; minus = false; sharp = false; space = false; zero = false
        plusV = false; sharpV = false; width = nil; precision = nil
    }

    private mutating func write(_ s: String) { out.append(contentsOf: Array(s.utf8)) }

    // MARK: Sprintf

    /// `fmt.Sprintf`.
    static func sprintf(_ format: String, _ args: [TemplateValue]) -> String {
        var p = GoPrinter()
        p.doPrintf(Array(format.utf8), args)
        return p.string
    }

    private mutating func doPrintf(_ f: [UInt8], _ a: [TemplateValue]) {
        let end = f.count
        var argNum = 0
        var afterIndex = false
        var reordered = false
        var i = 0
        func argNumber(_ i: inout Int) -> (ok: Bool, found: Bool) {
            // [n] at f[i]
            guard i < end, f[i] == UInt8(ascii: "[") else { return (true, false) }
            reordered = true
            var j = i + 1
            while j < end, f[j] != UInt8(ascii: "]") { j += 1 }
            guard j < end else { i = end; return (false, true) }   // no closing bracket
            let digits = f[(i + 1)..<j]
            guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }),
                  let n = Int(String(decoding: digits, as: UTF8.self)), n >= 1 else {
                i = j + 1
                return (false, true)
            }
            i = j + 1
            if n - 1 < a.count && n - 1 >= 0 {
                argNum = n - 1
                return (true, true)
            }
            return (false, true)
        }
        var goodArgNum = true
        while i < end {
            goodArgNum = true
            let lasti = i
            while i < end && f[i] != UInt8(ascii: "%") { i += 1 }
            if i > lasti { out.append(contentsOf: f[lasti..<i]) }
            if i >= end { break }
            i += 1   // skip %
            clearFlags()
            flags: while i < end {
                switch f[i] {
                case UInt8(ascii: "#"): sharp = true
                case UInt8(ascii: "0"): zero = !minus
                case UInt8(ascii: "+"): plus = true
                case UInt8(ascii: "-"): minus = true; zero = false
                case UInt8(ascii: " "): space = true
                default:
                    // Fast path for a simple verb.
                    break flags
                }
                i += 1
            }
            // Argument index, then width.
            var r = argNumber(&i)
            goodArgNum = r.ok
            afterIndex = r.found
            if i < end && f[i] == UInt8(ascii: "*") {
                i += 1
                let (w, ok) = intFromArg(a, &argNum)
                if !ok { write("%!(BADWIDTH)") }
                if ok {
                    width = w
                    if w < 0 { minus = true; zero = false; width = -w }
                } else { width = nil }
                afterIndex = false
            } else {
                let start = i
                var n = 0
                while i < end, (0x30...0x39).contains(f[i]) {
                    n = n * 10 + Int(f[i] - 0x30)
                    if n > 1_000_000 { n = 1_000_000 }
                    i += 1
                }
                if i > start {
                    width = n
                    if afterIndex { goodArgNum = false }
                }
            }
            // Precision.
            if i + 1 <= end && i < end && f[i] == UInt8(ascii: ".") {
                i += 1
                if afterIndex { goodArgNum = false }
                r = argNumber(&i)
                if !r.ok { goodArgNum = false }
                afterIndex = r.found
                if i < end && f[i] == UInt8(ascii: "*") {
                    i += 1
                    let (pv, ok) = intFromArg(a, &argNum)
                    precision = pv
                    if pv < 0 { precision = nil }
                    if !ok { write("%!(BADPREC)"); precision = nil }
                    afterIndex = false
                } else {
                    var n = 0
                    while i < end, (0x30...0x39).contains(f[i]) {
                        n = n * 10 + Int(f[i] - 0x30)
                        if n > 1_000_000 { n = 1_000_000 }
                        i += 1
                    }
                    precision = n
                }
            }
            if !afterIndex {
                r = argNumber(&i)
                if !r.ok { goodArgNum = false }
                afterIndex = r.found
            }
            if i >= end {
                write("%!(NOVERB)")
                break
            }
            let (vr, size) = decodeUTF8Rune(f, at: i)
            i += size
            let verb = vr
            if verb == 0x25 {   // '%'
                out.append(0x25)
                continue
            }
            if !goodArgNum {
                badArgNum(verb)
                continue
            }
            if argNum >= a.count {
                missingArg(verb)
                continue
            }
            if verb == 0x76 {   // 'v'
                if sharp { sharp = false; sharpV = true }
                if plus { plus = false; plusV = true }
            }
            let arg = a[argNum]
            argNum += 1
            printArg(arg, verb: verb < 0x80 ? UInt8(verb) : 0, rune: verb)
        }
        if !reordered && argNum < a.count {
            clearFlags()
            write("%!(EXTRA ")
            for (k, arg) in a[argNum...].enumerated() {
                if k > 0 { write(", ") }
                if case .null = arg {
                    write("<nil>")
                } else {
                    write(arg.goType)
                    out.append(UInt8(ascii: "="))
                    printArg(arg, verb: UInt8(ascii: "v"))
                }
            }
            out.append(UInt8(ascii: ")"))
        }
    }

    private func intFromArg(_ a: [TemplateValue], _ argNum: inout Int) -> (Int, Bool) {
        guard argNum < a.count else { return (0, false) }
        let arg = a[argNum]
        argNum += 1
        if case .int(let n) = arg, n.magnitude <= 1_000_000 { return (n, true) }
        if case .uint8(let b) = arg { return (Int(b), true) }
        return (0, false)
    }

    private mutating func badArgNum(_ verb: Int32) {
        write("%!")
        writeRune(verb)
        write("(BADINDEX)")
    }

    private mutating func missingArg(_ verb: Int32) {
        write("%!")
        writeRune(verb)
        write("(MISSING)")
    }

    private mutating func writeRune(_ r: Int32) {
        out.append(contentsOf: GoStrconv.utf8Bytes(UInt32(max(r, 0))))
    }

    // MARK: Values

    private mutating func badVerb(_ verb: Int32) {
        erroring = true
        write("%!")
        writeRune(verb)
        write("(")
        if let c = current, c != .null {
            write(c.goType)
            write("=")
            printArg(c, verb: UInt8(ascii: "v"))
        } else {
            write("<nil>")
        }
        write(")")
        erroring = false
    }

    mutating func printArg(_ arg: TemplateValue, verb: UInt8, rune: Int32? = nil) {
        let verbRune = rune ?? Int32(verb)
        current = arg
        if case .null = arg {
            if verb == UInt8(ascii: "T") || verb == UInt8(ascii: "v") { padString("<nil>") } else { badVerb(verbRune) }
            return
        }
        if verb == UInt8(ascii: "T") {
            fmtS(arg.goType)
            return
        }
        printValue(arg, verb: verb, verbRune: verbRune, depth: 0)
    }

    private mutating func printValue(_ v: TemplateValue, verb: UInt8, verbRune: Int32, depth: Int) {
        if depth > 0 { current = v }
        if !erroring, handleStringer(v, verb: verb) { return }
        switch v {
        case .null:
            if sharpV { write("interface {}(nil)") } else { padString("<nil>") }
        case .bool(let b):
            if verb == UInt8(ascii: "t") || verb == UInt8(ascii: "v") { padString(b ? "true" : "false") } else { badVerb(verbRune) }
        case .int(let n):
            fmtInt(n, verb: verb, verbRune: verbRune)
        case .uint8(let b):
            if verb == UInt8(ascii: "v") && sharpV {   // Go prints unsigned %#v in hex
                write("0x" + String(b, radix: 16))
            } else {
                fmtInt(Int(b), verb: verb, verbRune: verbRune)
            }
        case .float(let d):
            fmtFloat(d, verb: verb, verbRune: verbRune)
        case .complex(let re, let im):
            fmtComplex(re, im, verb: verb, verbRune: verbRune)
        case .string(let s):
            fmtString(s, verb: verb, verbRune: verbRune)
        case .map(let m):
            if sharpV {
                write(m.goType)
                if m.isNil { write("(nil)"); return }
                write("{")
            } else {
                write("map[")
            }
            for (i, k) in m.sortedKeys.enumerated() {
                if i > 0 { write(sharpV ? ", " : " ") }
                printValue(.string(k), verb: verb, verbRune: verbRune, depth: depth + 1)
                write(":")
                printElement(m.entries[k] ?? .null, boxed: m.boxesElements, verb: verb, verbRune: verbRune, depth: depth + 1)
            }
            write(sharpV ? "}" : "]")
        case .list(let l):
            if sharpV {
                write(l.goType)
                if l.isNil { write("(nil)"); return }
                write("{")
                for (i, e) in l.items.enumerated() {
                    if i > 0 { write(", ") }
                    printElement(e, boxed: l.boxesElements, verb: verb, verbRune: verbRune, depth: depth + 1)
                }
                write("}")
                return
            }
            write("[")
            for (i, e) in l.items.enumerated() {
                if i > 0 { write(" ") }
                printElement(e, boxed: l.boxesElements, verb: verb, verbRune: verbRune, depth: depth + 1)
            }
            write("]")
        case .record(let r):
            if r.isPointer {
                if depth > 0 { write("0xc000010000"); return }   // Go prints an address here
                write("&")
            }
            if sharpV { write(r.typeName) }
            write("{")
            for (i, f) in r.fields.enumerated() {
                if i > 0 { write(sharpV ? ", " : " ") }
                if plusV || sharpV { write(f.name + ":") }
                printElement(f.value, boxed: f.goType == "interface {}", verb: verb, verbRune: verbRune, depth: depth + 1)
            }
            write("}")
        }
    }

    private mutating func printElement(_ v: TemplateValue, boxed: Bool, verb: UInt8, verbRune: Int32, depth: Int) {
        if case .null = v, boxed {
            if sharpV { write("interface {}(nil)") } else { padString("<nil>") }
            return
        }
        printValue(v, verb: verb, verbRune: verbRune, depth: depth)
    }

    /// Types with a `String()` method (Ollama's JSON-printing template types) for %v %s %q %x %X.
    private mutating func handleStringer(_ v: TemplateValue, verb: UInt8) -> Bool {
        guard !sharpV, [UInt8(ascii: "v"), UInt8(ascii: "s"), UInt8(ascii: "q"), UInt8(ascii: "x"), UInt8(ascii: "X")].contains(verb),
              let s = GoJSON.stringerText(v) else { return false }
        fmtString(s, verb: verb, verbRune: Int32(verb))
        return true
    }

    // MARK: Scalars

    private mutating func writePadding(_ n: Int) {
        guard n > 0 else { return }
        out.append(contentsOf: repeatElement(zero ? UInt8(ascii: "0") : UInt8(ascii: " "), count: n))
    }

    private mutating func pad(_ b: [UInt8]) {
        guard let w = width else { out.append(contentsOf: b); return }
        let count = String(decoding: b, as: UTF8.self).unicodeScalars.count
        let n = w - count
        if !minus {
            writePadding(n)
            out.append(contentsOf: b)
        } else {
            out.append(contentsOf: b)
            let z = zero
            zero = false
            writePadding(n)
            zero = z
        }
    }

    private mutating func padString(_ s: String) { pad(Array(s.utf8)) }

    private mutating func fmtS(_ s: String) {
        var s = s
        if let p = precision {
            let scalars = Array(s.unicodeScalars)
            if p < scalars.count { s = String(String.UnicodeScalarView(scalars.prefix(p))) }
        }
        padString(s)
    }

    private mutating func fmtString(_ s: String, verb: UInt8, verbRune: Int32) {
        switch verb {
        case UInt8(ascii: "v"):
            if sharpV { fmtQ(s) } else { fmtS(s) }
        case UInt8(ascii: "s"): fmtS(s)
        case UInt8(ascii: "x"): fmtSx(GoBytes.bytes(s), digits: "0123456789abcdefx")
        case UInt8(ascii: "X"): fmtSx(GoBytes.bytes(s), digits: "0123456789ABCDEFX")
        case UInt8(ascii: "q"): fmtQ(s)
        default: badVerb(verbRune)
        }
    }

    private mutating func fmtQ(_ s: String) {
        var s = s
        if let p = precision {
            let scalars = Array(s.unicodeScalars)
            if p < scalars.count { s = String(String.UnicodeScalarView(scalars.prefix(p))) }
        }
        if sharp && GoQuote.canBackquote(s) {
            padString("`" + s + "`")
        } else {
            padString(GoQuote.quote(s, asciiOnly: plus))
        }
    }

    private mutating func fmtSx(_ b: [UInt8], digits: String) {
        let d = Array(digits.utf8)
        var length = b.count
        if let p = precision, p < length { length = p }
        var w = 2 * length
        if w > 0 {
            if space {
                if sharp { w *= 2 }
                w += length - 1
            } else if sharp {
                w += 2
            }
        } else {
            if let wd = width { writePadding(wd) }
            return
        }
        if let wd = width, wd > w, !minus { writePadding(wd - w) }
        if sharp { out.append(contentsOf: [UInt8(ascii: "0"), d[16]]) }
        for i in 0..<length {
            if space && i > 0 {
                out.append(0x20)
                if sharp { out.append(contentsOf: [UInt8(ascii: "0"), d[16]]) }
            }
            out.append(d[Int(b[i] >> 4)])
            out.append(d[Int(b[i] & 0xF)])
        }
        if let wd = width, wd > w, minus { writePadding(wd - w) }
    }

    private mutating func fmtInt(_ n: Int, verb: UInt8, verbRune: Int32) {
        switch verb {
        case UInt8(ascii: "v"), UInt8(ascii: "d"): fmtInteger(n, base: 10, verb: verb, digits: "0123456789abcdefx")
        case UInt8(ascii: "b"): fmtInteger(n, base: 2, verb: verb, digits: "0123456789abcdefx")
        case UInt8(ascii: "o"), UInt8(ascii: "O"): fmtInteger(n, base: 8, verb: verb, digits: "0123456789abcdefx")
        case UInt8(ascii: "x"): fmtInteger(n, base: 16, verb: verb, digits: "0123456789abcdefx")
        case UInt8(ascii: "X"): fmtInteger(n, base: 16, verb: verb, digits: "0123456789ABCDEFX")
        case UInt8(ascii: "c"):
            let r = n < 0 || n > 0x10FFFF ? 0xFFFD : n
            pad(GoStrconv.utf8Bytes(UInt32(r)))
        case UInt8(ascii: "q"):
            padString(GoQuote.quoteRune(Int64(n), asciiOnly: plus))
        case UInt8(ascii: "U"):
            fmtUnicode(n)
        default:
            badVerb(verbRune)
        }
    }

    private mutating func fmtUnicode(_ n: Int) {
        let u = UInt64(bitPattern: Int64(n))
        var hex = String(u, radix: 16, uppercase: true)
        let prec = max(precision ?? 4, 4)
        if hex.count < prec { hex = String(repeating: "0", count: prec - hex.count) + hex }
        var s = "U+" + hex
        if sharp, u <= 0x10FFFF, isGoPrint(Int32(u)), let sc = Unicode.Scalar(UInt32(u)) {
            s += " '" + String(Character(sc)) + "'"
        }
        let z = zero
        zero = false
        padString(s)
        zero = z
    }

    private mutating func fmtInteger(_ n: Int, base: Int, verb: UInt8, digits: String) {
        let d = Array(digits.utf8)
        let negative = n < 0
        var u = n.magnitude
        var prec = 0
        if let p = precision {
            prec = p
            if p == 0 && u == 0 {
                let z = zero
                zero = false
                writePadding(width ?? 0)
                zero = z
                return
            }
        } else if zero, let w = width {
            prec = w
            if negative || plus || space { prec -= 1 }
        }
        var buf: [UInt8] = []
        if u == 0 { buf.append(UInt8(ascii: "0")) }
        while u > 0 {
            buf.append(d[Int(u % UInt(base))])
            u /= UInt(base)
        }
        while buf.count < prec { buf.append(UInt8(ascii: "0")) }
        if sharp {
            switch base {
            case 2: buf.append(contentsOf: [UInt8(ascii: "b"), UInt8(ascii: "0")])
            case 8: if buf.last != UInt8(ascii: "0") { buf.append(UInt8(ascii: "0")) }
            case 16: buf.append(contentsOf: [d[16], UInt8(ascii: "0")])
            default: break
            }
        }
        if verb == UInt8(ascii: "O") { buf.append(contentsOf: [UInt8(ascii: "o"), UInt8(ascii: "0")]) }
        if negative { buf.append(UInt8(ascii: "-")) } else if plus { buf.append(UInt8(ascii: "+")) } else if space { buf.append(0x20) }
        let z = zero
        zero = false
        pad(buf.reversed())
        zero = z
    }

    private mutating func fmtFloat(_ v: Double, verb: UInt8, verbRune: Int32) {
        let fmtChar: UInt8
        var prec: Int
        switch verb {
        case UInt8(ascii: "v"): fmtChar = UInt8(ascii: "g"); prec = -1
        case UInt8(ascii: "b"), UInt8(ascii: "g"), UInt8(ascii: "G"), UInt8(ascii: "x"), UInt8(ascii: "X"): fmtChar = verb; prec = -1
        case UInt8(ascii: "f"), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "F"): fmtChar = verb; prec = 6
        default:
            badVerb(verbRune)
            return
        }
        if let p = precision { prec = p }
        var num = Array(GoFloat.format(v, fmtChar == UInt8(ascii: "F") ? UInt8(ascii: "f") : fmtChar, precision: prec).utf8)
        if num.first == UInt8(ascii: "-") || num.first == UInt8(ascii: "+") {
            // keep sign
        } else {
            num.insert(UInt8(ascii: "+"), at: 0)
        }
        if space && num[0] == UInt8(ascii: "+") && !plus { num[0] = 0x20 }
        if num.count > 1 && (num[1] == UInt8(ascii: "I") || num[1] == UInt8(ascii: "N")) {
            let z = zero
            zero = false
            if num[1] == UInt8(ascii: "N") && !space && !plus { num.removeFirst() }
            pad(num)
            zero = z
            return
        }
        if sharp && verb != UInt8(ascii: "b") {
            num = sharpFloat(num, verb: verb, prec: prec)
        }
        if plus || num[0] != UInt8(ascii: "+") {
            if zero, let w = width, w > num.count {
                out.append(num[0])
                writePadding(w - num.count)
                out.append(contentsOf: num[1...])
                return
            }
            pad(num)
            return
        }
        pad(Array(num[1...]))
    }

    /// Go's `fmtComplex`: `(re+imi)`, each part formatted (and padded) as a float, the imaginary
    /// part always signed.
    private mutating func fmtComplex(_ re: Double, _ im: Double, verb: UInt8, verbRune: Int32) {
        guard Array("vbgGxXfFeE".utf8).contains(verb) else { badVerb(verbRune); return }
        let oldPlus = plus
        out.append(UInt8(ascii: "("))
        fmtFloat(re, verb: verb, verbRune: verbRune)
        plus = true
        fmtFloat(im, verb: verb, verbRune: verbRune)
        write("i)")
        plus = oldPlus
    }

    /// `%#g` and friends: keep the decimal point (and trailing zeros for %g).
    private func sharpFloat(_ num: [UInt8], verb: UInt8, prec: Int) -> [UInt8] {
        var digits = 0
        switch verb {
        case UInt8(ascii: "v"), UInt8(ascii: "g"), UInt8(ascii: "G"), UInt8(ascii: "x"):
            digits = prec
            if digits == -1 { digits = verb == UInt8(ascii: "x") ? 1 : 6 }
        default: break
        }
        var tail: [UInt8] = []
        var body = num
        if let e = body.lastIndex(where: { [UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "p"), UInt8(ascii: "P")].contains($0) }) {
            tail = Array(body[e...])
            body = Array(body[..<e])
        }
        var sawNonzero = false
        var sawPoint = false
        for c in body.dropFirst() {
            switch c {
            case UInt8(ascii: "."): sawPoint = true
            case UInt8(ascii: "0"): if sawNonzero { digits -= 1 }
            case UInt8(ascii: "1")...UInt8(ascii: "9"): sawNonzero = true; digits -= 1
            default: if verb == UInt8(ascii: "x") { sawNonzero = true; digits -= 1 }
            }
        }
        if !sawPoint {
            if body.count == 2 && body[1] == UInt8(ascii: "0") { digits -= 1 }
            body.append(UInt8(ascii: "."))
        }
        while digits > 0 {
            body.append(UInt8(ascii: "0"))
            digits -= 1
        }
        return body + tail
    }
}
