extension StringProtocol {
    /// Without the spaces and tabs at either end (HTTP's optional whitespace, `OWS`): on the
    /// request path, where Foundation's `trimmingCharacters(in:)` bridges through `NSString`
    /// (2 % of a single-event request's CPU).
    package var trimmingSpaces: SubSequence {
        let isSpace = { (character: Character) in character == " " || character == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
