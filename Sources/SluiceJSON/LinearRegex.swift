/// ECMA-262 regular expressions as JSON Schema's `pattern` uses them, matched in time linear
/// in the input (a Pike VM: every thread advances in lock step, one state at most once per
/// position), so that no pattern a tenant registers can make the server backtrack for ever.
///
/// Supported: literals and escapes (`\t \n \r \f \v \0 \xHH \uHHHH \u{…} \cX`, escaped
/// punctuation), `.`, classes `[…]`/`[^…]` with ranges, `\d \D \w \W \s \S`, groups `(…)`,
/// `(?:…)`, `(?<name>…)`, alternation, `* + ? {n} {n,} {n,m}` (greedy or lazy: the same for
/// whether a match exists), anchors `^ $` and `\b \B`. Refused when compiled: backreferences
/// and lookaround (no linear-time algorithm exists for them), Unicode property escapes, and
/// programs over `maxProgram` instructions. A match that needs more than `maxSteps` steps
/// stops and says so, rather than run on.
public struct LinearRegex: Sendable {
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public enum Outcome: Sendable, Equatable { case match, noMatch, tooExpensive }

    public static let maxProgram = 20_000
    public static let maxRepeat = 1_000
    /// Steps (thread advances) one match may take: about 10 ms of CPU.
    public static let maxSteps = 20_000_000
    /// Steps every pattern of one validation may take together (one event, one sample).
    public static let maxStepsPerValidation = 100_000_000

    enum Instruction: Sendable {
        case set(CharacterSet)
        case split(Int, Int)
        case jump(Int)
        case begin, end, wordBoundary, notWordBoundary
        case match
    }

    struct CharacterSet: Sendable {
        var ranges: [ClosedRange<UInt32>]
        var negated = false
        /// Unicode general categories (`\p{…}`), beside the ranges.
        var categories: [Unicode.GeneralCategory] = []
        /// `\P{…}` inside a class: categories a member must not be in.
        var excludedCategories: [Unicode.GeneralCategory] = []

        init(ranges: [ClosedRange<UInt32>], negated: Bool = false) {
            self.ranges = ranges
            self.negated = negated
        }

        func contains(_ scalar: UInt32) -> Bool {
            var found = false
            for range in ranges where range.contains(scalar) {
                found = true
                break
            }
            if !found, !categories.isEmpty || !excludedCategories.isEmpty, let value = Unicode.Scalar(scalar) {
                let category = value.properties.generalCategory
                found = categories.contains(category) || (!excludedCategories.isEmpty && !excludedCategories.contains(category))
            }
            return found != negated
        }
    }

    let program: [Instruction]

    public init(_ pattern: String) throws(SyntaxError) {
        var parser = Parser(scalars: Array(pattern.unicodeScalars.map(\.value)))
        let node = try parser.parseAll()
        var compiler = Compiler()
        try compiler.emit(node)
        compiler.code.append(.match)
        guard compiler.code.count <= Self.maxProgram else {
            throw SyntaxError(description: "the pattern is too large (over \(Self.maxProgram) states once its repetitions are counted out)")
        }
        program = compiler.code
    }

    /// Whether the pattern matches anywhere in `text` (ECMA-262 `RegExp.prototype.test`).
    public func test(_ text: String) -> Outcome {
        var budget = Self.maxSteps
        return test(text, budget: &budget)
    }

    /// The same within `budget` steps, less what it used.
    public func test(_ text: String, budget: inout Int) -> Outcome {
        let limit = min(budget, Self.maxSteps)
        var steps = 0
        defer { budget -= min(steps, limit) }
        return run(text, limit: limit, steps: &steps)
    }

    private func run(_ text: String, limit: Int, steps: inout Int) -> Outcome {
        let input = Array(text.unicodeScalars.map(\.value))
        var current = ThreadList(capacity: program.count)
        var next = ThreadList(capacity: program.count)
        for position in 0...input.count {
            // A search: a new thread starts at every position.
            if add(0, at: position, input, to: &current, steps: &steps) { return .match }
            if steps > limit { return .tooExpensive }
            guard position < input.count else { break }
            let scalar = input[position]
            next.clear()
            for pc in current.members {
                steps += 1
                if case .set(let set) = program[pc], set.contains(scalar) {
                    if add(pc + 1, at: position + 1, input, to: &next, steps: &steps) { return .match }
                }
            }
            if steps > limit { return .tooExpensive }
            swap(&current, &next)
        }
        return .noMatch
    }

    /// Follows jumps, splits and assertions from `start`; answers whether `match` was reached.
    private func add(_ start: Int, at position: Int, _ input: [UInt32], to list: inout ThreadList, steps: inout Int) -> Bool {
        var stack = [start]
        while let pc = stack.popLast() {
            guard list.insert(pc) else { continue }
            steps += 1
            switch program[pc] {
            case .match: return true
            case .jump(let target): stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .begin: if position == 0 { stack.append(pc + 1) }
            case .end: if position == input.count { stack.append(pc + 1) }
            case .wordBoundary: if Self.isBoundary(input, position) { stack.append(pc + 1) }
            case .notWordBoundary: if !Self.isBoundary(input, position) { stack.append(pc + 1) }
            case .set: break
            }
        }
        return false
    }

    static func isWord(_ scalar: UInt32) -> Bool {
        (0x30...0x39).contains(scalar) || (0x41...0x5A).contains(scalar) || (0x61...0x7A).contains(scalar) || scalar == 0x5F
    }

    static func isBoundary(_ input: [UInt32], _ position: Int) -> Bool {
        let before = position > 0 && isWord(input[position - 1])
        let after = position < input.count && isWord(input[position])
        return before != after
    }

    /// The states of one position, each at most once (a sparse set).
    struct ThreadList {
        var dense: [Int]
        var sparse: [Int]
        var count = 0

        init(capacity: Int) {
            dense = [Int](repeating: 0, count: capacity)
            sparse = [Int](repeating: 0, count: capacity)
        }

        mutating func insert(_ pc: Int) -> Bool {
            let slot = sparse[pc]
            if slot < count, dense[slot] == pc { return false }
            sparse[pc] = count
            dense[count] = pc
            count += 1
            return true
        }

        mutating func clear() { count = 0 }

        var members: ArraySlice<Int> { dense[0..<count] }
    }
}

extension LinearRegex {
    indirect enum Node {
        case empty
        case set(CharacterSet)
        case sequence([Node])
        case alternation([Node])
        case repeated(Node, min: Int, max: Int?)
        case begin, end, wordBoundary, notWordBoundary
    }

    static let digit = CharacterSet(ranges: [0x30...0x39])
    static let word = CharacterSet(ranges: [0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F...0x5F])
    static let space = CharacterSet(ranges: [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029, 0x202F...0x202F,
        0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ])
    /// General categories by their long and short names, and the groups of them.
    static let categories: [String: [Unicode.GeneralCategory]] = {
        let single: [(String, String, Unicode.GeneralCategory)] = [
            ("Lu", "Uppercase_Letter", .uppercaseLetter), ("Ll", "Lowercase_Letter", .lowercaseLetter),
            ("Lt", "Titlecase_Letter", .titlecaseLetter), ("Lm", "Modifier_Letter", .modifierLetter), ("Lo", "Other_Letter", .otherLetter),
            ("Mn", "Nonspacing_Mark", .nonspacingMark), ("Mc", "Spacing_Mark", .spacingMark), ("Me", "Enclosing_Mark", .enclosingMark),
            ("Nd", "Decimal_Number", .decimalNumber), ("Nl", "Letter_Number", .letterNumber), ("No", "Other_Number", .otherNumber),
            ("Pc", "Connector_Punctuation", .connectorPunctuation), ("Pd", "Dash_Punctuation", .dashPunctuation),
            ("Ps", "Open_Punctuation", .openPunctuation), ("Pe", "Close_Punctuation", .closePunctuation),
            ("Pi", "Initial_Punctuation", .initialPunctuation), ("Pf", "Final_Punctuation", .finalPunctuation),
            ("Po", "Other_Punctuation", .otherPunctuation), ("Sm", "Math_Symbol", .mathSymbol), ("Sc", "Currency_Symbol", .currencySymbol),
            ("Sk", "Modifier_Symbol", .modifierSymbol), ("So", "Other_Symbol", .otherSymbol), ("Zs", "Space_Separator", .spaceSeparator),
            ("Zl", "Line_Separator", .lineSeparator), ("Zp", "Paragraph_Separator", .paragraphSeparator), ("Cc", "Control", .control),
            ("Cf", "Format", .format), ("Cs", "Surrogate", .surrogate), ("Co", "Private_Use", .privateUse), ("Cn", "Unassigned", .unassigned),
        ]
        var table: [String: [Unicode.GeneralCategory]] = [:]
        for (short, long, category) in single {
            table[short] = [category]
            table[long] = [category]
        }
        for (short, long) in [
            ("L", "Letter"), ("M", "Mark"), ("N", "Number"), ("P", "Punctuation"), ("S", "Symbol"), ("Z", "Separator"), ("C", "Other"),
        ] {
            let group = single.filter { $0.0.hasPrefix(short) }.map(\.2)
            table[short] = group
            table[long] = group
        }
        table["LC"] = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter]
        table["Cased_Letter"] = table["LC"]
        return table
    }()

    /// `.`: anything but a line terminator.
    static let dot = CharacterSet(ranges: [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029], negated: true)

    struct Parser {
        let scalars: [UInt32]
        var index = 0

        init(scalars: [UInt32]) { self.scalars = scalars }

        var peek: UInt32? { index < scalars.count ? scalars[index] : nil }

        func error(_ text: String) -> SyntaxError { SyntaxError(description: "\(text) (at character \(index))") }

        mutating func parseAll() throws(SyntaxError) -> Node {
            let node = try parseAlternation(depth: 0)
            guard index == scalars.count else { throw error("unbalanced ')'") }
            return node
        }

        mutating func parseAlternation(depth: Int) throws(SyntaxError) -> Node {
            guard depth < 100 else { throw error("groups nest too deeply") }
            var branches = [try parseSequence(depth: depth)]
            while peek == 0x7C {  // |
                index += 1
                branches.append(try parseSequence(depth: depth))
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func parseSequence(depth: Int) throws(SyntaxError) -> Node {
            var items: [Node] = []
            while let scalar = peek, scalar != 0x7C, scalar != 0x29 {
                var atom = try parseAtom(depth: depth)
                atom = try parseQuantifier(atom)
                items.append(atom)
            }
            return items.isEmpty ? .empty : items.count == 1 ? items[0] : .sequence(items)
        }

        mutating func parseQuantifier(_ atom: Node) throws(SyntaxError) -> Node {
            guard let scalar = peek else { return atom }
            var bounds: (Int, Int?)?
            switch scalar {
            case 0x2A: bounds = (0, nil)  // *
            case 0x2B: bounds = (1, nil)  // +
            case 0x3F: bounds = (0, 1)  // ?
            case 0x7B:  // {
                let saved = index
                if let counted = parseBraces() {
                    bounds = counted
                } else {
                    index = saved
                    return atom
                }
                index -= 1
            default: return atom
            }
            index += 1
            if peek == 0x3F { index += 1 }  // lazy: the same for whether a match exists
            guard let (low, high) = bounds else { return atom }
            switch atom {
            case .begin, .end, .wordBoundary, .notWordBoundary: throw error("nothing to repeat")
            default: break
            }
            if let high, high < low { throw error("numbers out of order in {} quantifier") }
            guard low <= LinearRegex.maxRepeat, (high ?? 0) <= LinearRegex.maxRepeat else {
                throw error("a repetition over \(LinearRegex.maxRepeat)")
            }
            return .repeated(atom, min: low, max: high)
        }

        /// `{n}`, `{n,}`, `{n,m}`; nil when the brace is a literal. Leaves `index` after `}`.
        mutating func parseBraces() -> (Int, Int?)? {
            index += 1
            func number() -> Int? {
                var value: Int?
                while let scalar = peek, (0x30...0x39).contains(scalar) {
                    value = min(1_000_000, (value ?? 0) * 10 + Int(scalar - 0x30))
                    index += 1
                }
                return value
            }
            guard let low = number() else { return nil }
            var high: Int? = low
            if peek == 0x2C {
                index += 1
                high = number()
            }
            guard peek == 0x7D else { return nil }
            index += 1
            return (low, high)
        }

        mutating func parseAtom(depth: Int) throws(SyntaxError) -> Node {
            guard let scalar = peek else { throw error("unexpected end") }
            index += 1
            switch scalar {
            case 0x5E: return .begin  // ^
            case 0x24: return .end  // $
            case 0x2E: return .set(LinearRegex.dot)  // .
            case 0x28:  // (
                if peek == 0x3F {  // ?
                    index += 1
                    switch peek {
                    case 0x3A: index += 1  // (?:
                    case 0x3C where index + 1 < scalars.count && scalars[index + 1] != 0x3D && scalars[index + 1] != 0x21:  // (?<name>
                        while let next = peek, next != 0x3E { index += 1 }
                        guard peek == 0x3E else { throw error("unterminated group name") }
                        index += 1
                    default: throw error("lookaround cannot be matched in linear time and is not supported")
                    }
                }
                let inner = try parseAlternation(depth: depth + 1)
                guard peek == 0x29 else { throw error("missing ')'") }
                index += 1
                return inner
            case 0x29: throw error("unbalanced ')'")
            case 0x5B: return .set(try parseClass())  // [
            case 0x2A, 0x2B, 0x3F: throw error("nothing to repeat")
            case 0x7B:  // a literal { unless it is a quantifier
                let saved = index - 1
                index = saved
                if parseBraces() != nil { throw error("nothing to repeat") }
                index = saved + 1
                return .set(.init(ranges: [scalar...scalar]))
            case 0x5C: return try parseEscape(inClass: false)
            default: return .set(.init(ranges: [scalar...scalar]))
            }
        }

        mutating func parseClass() throws(SyntaxError) -> CharacterSet {
            var set = CharacterSet(ranges: [])
            if peek == 0x5E {
                set.negated = true
                index += 1
            }
            while let scalar = peek, scalar != 0x5D {
                let low = try classAtom()
                if peek == 0x2D, index + 1 < scalars.count, scalars[index + 1] != 0x5D {
                    index += 1
                    let high = try classAtom()
                    guard case .single(let a) = low, case .single(let b) = high else {
                        throw error("a class like \\d cannot bound a range")
                    }
                    guard a <= b else { throw error("range out of order in character class") }
                    set.ranges.append(a...b)
                } else {
                    switch low {
                    case .single(let value): set.ranges.append(value...value)
                    case .set(let inner) where !inner.categories.isEmpty || !inner.excludedCategories.isEmpty:
                        set.categories += inner.categories
                        set.excludedCategories += inner.excludedCategories
                    case .set(let inner): set.ranges += Self.positiveRanges(inner)
                    }
                }
            }
            guard peek == 0x5D else { throw error("missing ']'") }
            index += 1
            return set
        }

        /// A class's ranges as a plain list (negated classes like \D complemented).
        static func positiveRanges(_ set: CharacterSet) -> [ClosedRange<UInt32>] {
            guard set.negated else { return set.ranges }
            var result: [ClosedRange<UInt32>] = []
            var next: UInt32 = 0
            for range in set.ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
                next = max(next, range.upperBound &+ 1)
            }
            if next <= 0x10FFFF { result.append(next...0x10FFFF) }
            return result
        }

        enum ClassAtom {
            case single(UInt32)
            case set(CharacterSet)
        }

        mutating func classAtom() throws(SyntaxError) -> ClassAtom {
            guard let scalar = peek else { throw error("missing ']'") }
            index += 1
            guard scalar == 0x5C else { return .single(scalar) }
            switch try parseEscape(inClass: true) {
            case .set(let set) where set.ranges.count == 1 && !set.negated && set.ranges[0].count == 1:
                return .single(set.ranges[0].lowerBound)
            case .set(let set): return .set(set)
            default: throw error("invalid escape in a class")
            }
        }

        mutating func parseEscape(inClass: Bool) throws(SyntaxError) -> Node {
            guard let scalar = peek else { throw error("\\ at end of pattern") }
            index += 1
            func single(_ value: UInt32) -> Node { .set(.init(ranges: [value...value])) }
            switch scalar {
            case 0x64: return .set(LinearRegex.digit)  // d
            case 0x44: return .set(.init(ranges: LinearRegex.digit.ranges, negated: true))
            case 0x77: return .set(LinearRegex.word)  // w
            case 0x57: return .set(.init(ranges: LinearRegex.word.ranges, negated: true))
            case 0x73: return .set(LinearRegex.space)  // s
            case 0x53: return .set(.init(ranges: LinearRegex.space.ranges, negated: true))
            case 0x62: return inClass ? single(0x08) : .wordBoundary  // b
            case 0x42:
                if inClass { throw error("\\B in a class") }
                return .notWordBoundary
            case 0x74: return single(0x09)
            case 0x6E: return single(0x0A)
            case 0x72: return single(0x0D)
            case 0x66: return single(0x0C)
            case 0x76: return single(0x0B)
            case 0x30:
                if let next = peek, (0x30...0x39).contains(next) { throw error("octal escapes are not supported") }
                return single(0)
            case 0x31...0x39: throw error("backreferences cannot be matched in linear time and are not supported")
            case 0x6B: throw error("named backreferences are not supported")
            case 0x70, 0x50:  // \p{…}, \P{…}
                guard peek == 0x7B else { throw error("\\p needs {…}") }
                index += 1
                var name = ""
                while let next = peek, next != 0x7D, name.count < 40, let character = Unicode.Scalar(next) {
                    name.unicodeScalars.append(character)
                    index += 1
                }
                guard peek == 0x7D else { throw error("unterminated \\p{…}") }
                index += 1
                if name.hasPrefix("General_Category=") { name.removeFirst("General_Category=".count) }
                if name.hasPrefix("gc=") { name.removeFirst(3) }
                guard let categories = LinearRegex.categories[name] else {
                    throw error("the Unicode property '\(name)' is not supported (general categories are)")
                }
                var set = CharacterSet(ranges: [])
                if scalar == 0x70 { set.categories = categories } else { set.excludedCategories = categories }
                return .set(set)
            case 0x63:  // cX
                guard let letter = peek, (0x41...0x5A).contains(letter) || (0x61...0x7A).contains(letter) else {
                    throw error("\\c needs a letter")
                }
                index += 1
                return single(letter % 32)
            case 0x78: return single(try hex(count: 2))
            case 0x75:
                if peek == 0x7B {
                    index += 1
                    var value: UInt32 = 0
                    var digits = 0
                    while let next = peek, next != 0x7D {
                        guard let digit = Self.hexValue(next), digits < 6 else { throw error("invalid \\u{…}") }
                        value = value * 16 + digit
                        digits += 1
                        index += 1
                    }
                    guard peek == 0x7D, digits > 0, value <= 0x10FFFF else { throw error("invalid \\u{…}") }
                    index += 1
                    return single(value)
                }
                return single(try hex(count: 4))
            default:
                // Escaped punctuation stands for itself; an escaped letter with no meaning is an error.
                if (0x41...0x5A).contains(scalar) || (0x61...0x7A).contains(scalar) { throw error("unknown escape") }
                return single(scalar)
            }
        }

        static func hexValue(_ scalar: UInt32) -> UInt32? {
            switch scalar {
            case 0x30...0x39: scalar - 0x30
            case 0x41...0x46: scalar - 0x41 + 10
            case 0x61...0x66: scalar - 0x61 + 10
            default: nil
            }
        }

        mutating func hex(count: Int) throws(SyntaxError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<count {
                guard let scalar = peek, let digit = Self.hexValue(scalar) else { throw error("invalid hexadecimal escape") }
                value = value * 16 + digit
                index += 1
            }
            return value
        }
    }

    struct Compiler {
        var code: [Instruction] = []

        mutating func emit(_ node: Node) throws(SyntaxError) {
            guard code.count <= LinearRegex.maxProgram else {
                throw SyntaxError(
                    description: "the pattern is too large (over \(LinearRegex.maxProgram) states once its repetitions are counted out)"
                )
            }
            switch node {
            case .empty: break
            case .set(let set): code.append(.set(set))
            case .begin: code.append(.begin)
            case .end: code.append(.end)
            case .wordBoundary: code.append(.wordBoundary)
            case .notWordBoundary: code.append(.notWordBoundary)
            case .sequence(let items): for item in items { try emit(item) }
            case .alternation(let branches):
                var jumps: [Int] = []
                for (offset, branch) in branches.enumerated() {
                    if offset < branches.count - 1 {
                        let split = code.count
                        code.append(.split(split + 1, 0))
                        try emit(branch)
                        jumps.append(code.count)
                        code.append(.jump(0))
                        code[split] = .split(split + 1, code.count)
                    } else {
                        try emit(branch)
                    }
                }
                for jump in jumps { code[jump] = .jump(code.count) }
            case .repeated(let inner, let low, let high):
                for _ in 0..<low { try emit(inner) }
                if let high {
                    // Each optional copy may be skipped to the end.
                    var splits: [Int] = []
                    for _ in low..<high {
                        splits.append(code.count)
                        code.append(.split(code.count + 1, 0))
                        try emit(inner)
                    }
                    for split in splits { code[split] = .split(split + 1, code.count) }
                } else {
                    let loop = code.count
                    code.append(.split(loop + 1, 0))
                    let bodyStart = code.count
                    try emit(inner)
                    // An inner part that can match nothing must not loop in place: the thread
                    // list holds each state once per position, which ends such loops.
                    code.append(.jump(loop))
                    code[loop] = .split(bodyStart, code.count)
                }
            }
        }
    }
}
