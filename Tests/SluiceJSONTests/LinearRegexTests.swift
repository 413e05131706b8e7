import Foundation
import Testing

@testable import SluiceJSON

@Suite("Patterns: ECMA-262 in linear time")
struct LinearRegexTests {
    @Test("matches as ECMA-262 RegExp.test does")
    func semantics() throws {
        let cases: [(String, String, Bool)] = [
            ("^a*$", "aaa", true), ("^a*$", "aab", false), ("a+", "xxaxx", true), ("^[a-z]+$", "abc", true), ("^[a-z]+$", "aBc", false),
            ("^[^0-9]+$", "abc", true), ("^[^0-9]+$", "ab1", false), ("^\\d{3}-\\d{4}$", "555-1234", true), ("^\\d{3}-\\d{4}$", "55-1234", false),
            ("^(cat|dog)s?$", "dogs", true), ("^(cat|dog)s?$", "cow", false), ("^a{2,3}$", "aaaa", false), ("^a{2,}$", "aaaa", true),
            ("^(?:ab)+$", "ababab", true), ("^(?<n>x)y$", "xy", true), ("\\bfoo\\b", "a foo b", true), ("\\bfoo\\b", "afoob", false),
            ("^\\w+@\\w+\\.\\w+$", "me@example.com", true), ("^\\s*$", " \t\n", true), ("^.$", "\n", false), ("^.$", "é", true),
            ("^\\u00e9$", "é", true), ("^\\u{1F600}$", "😀", true), ("^[\\d-]+$", "1-2", true), ("^a|b$", "xb", true), ("x{", "x{", true),
            ("^$", "", true), ("[]", "a", false), ("^[\\w.-]{1,100}$", "stream.name-1", true), ("^\\p{Letter}+$", "Hπ", true),
            ("^\\p{L}+$", "12", false),
            ("^[\\p{Lu}\\d]+$", "A1", true), ("^\\P{L}$", "1", true), ("^\\P{L}$", "a", false),
        ]
        for (pattern, text, expected) in cases {
            do {
                let regex = try LinearRegex(pattern)
                #expect((regex.test(text) == .match) == expected, "/\(pattern)/ on \(text.debugDescription)")
            } catch {
                Issue.record("/\(pattern)/: \(error)")
            }
        }
    }

    @Test("backreferences, lookaround and property escapes are refused when compiled")
    func refused() {
        for pattern in ["(a)\\1", "(?=a)", "(?!a)", "(?<=a)b", "(?<!a)b", "\\p{Script=Greek}", "a{1001}", "(", "[a", "a)", "*a", "(a{1000}){1000}"] {
            #expect(throws: LinearRegex.SyntaxError.self, "\(pattern)") { _ = try LinearRegex(pattern) }
        }
    }

    @Test("patterns that make backtracking engines run for ever are answered at once")
    func pathological() throws {
        let attack = String(repeating: "a", count: 5_000) + "!"
        let started = ContinuousClock.now
        for pattern in ["^(a+)+$", "^(a|a)*$", "^(a|aa)+$", "^(a*)*b$", "(x+x+)+y", "^(\\w+\\s?)*$"] {
            let outcome = try LinearRegex(pattern).test(attack)
            #expect(outcome == .noMatch, "\(pattern)")
        }
        // Exponential backtracking would take longer than the universe's age here; a generous
        // bound, not a benchmark.
        #expect(ContinuousClock.now - started < .seconds(30))
        // A program large enough to exceed the step budget on a long text says so.
        let wide = try LinearRegex("(a|b|c|d|e|f|g|h){1,500}z")
        #expect(wide.test(String(repeating: "a", count: 100_000)) == .tooExpensive)
    }
}
