/// Just enough RFC 3986 to resolve `$id`, `$ref` and `$dynamicRef` against a base URI.
enum URIReference {
    /// `reference` resolved against `base` (an absolute URI).
    static func resolve(_ reference: String, against base: String) -> String {
        if reference.isEmpty { return base }
        if hasScheme(reference) { return removeDotSegments(reference) }
        let baseWithoutFragment = withoutFragment(base)
        if reference.hasPrefix("#") { return baseWithoutFragment + reference }
        let (scheme, rest) = split(baseWithoutFragment)
        if reference.hasPrefix("//") { return scheme + ":" + reference }
        guard rest.hasPrefix("//") else {
            // Opaque bases (urn:…): only fragments resolve against them.
            return reference.hasPrefix("/") ? scheme + ":" + reference : scheme + ":" + directory(of: rest) + reference
        }
        let afterSlashes = rest.dropFirst(2)
        let authorityEnd = afterSlashes.firstIndex(of: "/") ?? afterSlashes.endIndex
        let authority = "//" + afterSlashes[..<authorityEnd]
        let path = String(afterSlashes[authorityEnd...]).split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        if reference.hasPrefix("/") { return scheme + ":" + authority + removeDotSegments(reference) }
        if reference.hasPrefix("?") { return scheme + ":" + authority + path + reference }
        let merged = (path.isEmpty ? "/" : directory(of: path)) + reference
        return scheme + ":" + authority + removeDotSegments(merged)
    }

    static func withoutFragment(_ uri: String) -> String {
        guard let hash = uri.firstIndex(of: "#") else { return uri }
        return String(uri[..<hash])
    }

    static func fragment(_ uri: String) -> String? {
        guard let hash = uri.firstIndex(of: "#") else { return nil }
        return String(uri[uri.index(after: hash)...])
    }

    static func hasScheme(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return false }
        let scheme = text[..<colon]
        return scheme.first!.isLetter && scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
    }

    private static func split(_ uri: String) -> (scheme: String, rest: String) {
        guard let colon = uri.firstIndex(of: ":") else { return ("", uri) }
        return (String(uri[..<colon]), String(uri[uri.index(after: colon)...]))
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    private static func removeDotSegments(_ uri: String) -> String {
        guard uri.contains("/./") || uri.contains("/../") || uri.hasSuffix("/.") || uri.hasSuffix("/..") else { return uri }
        var output: [Substring] = []
        let fragmentless = withoutFragment(uri)
        let fragmentPart = fragment(uri).map { "#" + $0 } ?? ""
        for segment in fragmentless.split(separator: "/", omittingEmptySubsequences: false) {
            switch segment {
            case ".": continue
            case "..": if output.count > 1 { output.removeLast() }
            default: output.append(segment)
            }
        }
        return output.joined(separator: "/") + fragmentPart
    }
}
