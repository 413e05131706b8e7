import SluiceSupport
import Testing

@Suite("Trimming HTTP whitespace")
struct TrimmingTests {
    @Test("spaces and tabs go from both ends, nothing else does")
    func trims() {
        #expect(" \tapplication/json \t".trimmingSpaces == "application/json")
        #expect("Bearer  sk_live".dropFirst(6).trimmingSpaces == "sk_live")
        #expect("a b".trimmingSpaces == "a b")
        #expect(" \t ".trimmingSpaces.isEmpty && "".trimmingSpaces.isEmpty)
        #expect("\u{A0}x\n".trimmingSpaces == "\u{A0}x\n", "only HTTP's optional whitespace")
    }
}
