/// Splits a SQL script into statements, since postgres-nio speaks only the extended protocol
/// (one statement a message). Knows what may hide a `;`: quoted strings and identifiers,
/// dollar-quoted bodies (`$$ … $$`, `$tag$ … $tag$`) and both kinds of comment.
package enum SQLScript {
    package static func statements(_ script: String) -> [String] {
        let characters = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func flush() {
            let statement = String(current).trimmingWhitespace
            if !statement.isEmpty { statements.append(statement) }
            current = String.UnicodeScalarView()
        }
        func take(until end: Int) {
            current.append(contentsOf: characters[index..<min(end, characters.count)])
            index = min(end, characters.count)
        }
        func find(_ needle: [Unicode.Scalar], from start: Int) -> Int? {
            guard needle.count <= characters.count else { return nil }
            var position = start
            while position + needle.count <= characters.count {
                if Array(characters[position..<position + needle.count]) == needle { return position }
                position += 1
            }
            return nil
        }

        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "'", "\"":
                // A doubled quote inside is an escaped quote: scanning on to the next quote
                // and continuing from there handles it.
                let end = characters[(index + 1)...].firstIndex(of: character) ?? characters.count - 1
                take(until: end + 1)
            case "-" where next == "-":
                let end = characters[index...].firstIndex(of: "\n") ?? characters.count
                index = end
            case "/" where next == "*":
                index = (find(["*", "/"], from: index + 2) ?? characters.count) + 2
            case "$":
                var tagEnd = index + 1
                while tagEnd < characters.count,
                    characters[tagEnd] == "_" || characters[tagEnd].properties.isAlphabetic
                        || (tagEnd > index + 1 && ("0"..."9").contains(characters[tagEnd]))
                {
                    tagEnd += 1
                }
                if tagEnd < characters.count, characters[tagEnd] == "$" {
                    let tag = Array(characters[index...tagEnd])
                    let close = find(tag, from: tagEnd + 1) ?? characters.count
                    take(until: close + tag.count)
                } else {
                    take(until: index + 1)
                }
            case ";":
                index += 1
                flush()
            default:
                take(until: index + 1)
            }
        }
        flush()
        return statements
    }
}

extension String {
    package var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
