import Foundation
import SluiceJSON

/// How values read from the API are shown: JSON as template values, counts with separators,
/// durations and times in words a person reads at a glance.
public enum Presentation {
    /// A JSON value as Mustache reads it: objects as dictionaries, arrays as lists, `null` as
    /// false (a section it opens is skipped), numbers as their literal text.
    public static func template(_ value: JSONValue) -> Any {
        switch value {
        case .null: false
        case .bool(let flag): flag
        case .number(let number): number.literal
        case .string(let text): text
        case .array(let items): items.map(template)
        case .object(let members): members.mapValues(template)
        }
    }

    /// 1234567 → "1,234,567".
    public static func count(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// A sum read as a number, rounded; what is not finite is a dash (never a trap).
    public static func count(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        return count(Int64(max(-9e18, min(9e18, value.rounded()))))
    }

    /// `part` of `whole` in whole percent, at most 100; nil for a whole of 0 or less.
    public static func percent(_ part: Int64, of whole: Int64) -> String? {
        guard whole > 0 else { return nil }
        return String(Int(max(0, min(100, Double(part) / Double(whole) * 100))))
    }

    public static func count(_ value: JSONValue?) -> String {
        guard let number = value?.numberValue else { return "–" }
        return number.int64.map(count) ?? number.literal
    }

    /// Seconds in the largest whole unit that fits: "45 s", "12 min", "3 h", "7 d".
    public static func duration(seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "–" }
        switch seconds {
        case ..<1: return seconds == 0 ? "0 s" : "<1 s"
        case ..<120: return "\(Int(seconds)) s"
        case ..<7200: return "\(Int(seconds / 60)) min"
        case ..<172_800: return "\(Int(seconds / 3600)) h"
        default: return "\(Int(min(seconds / 86400, 1e9))) d"
        }
    }

    /// An RFC 3339 time as "2026-12-07 14:03:22 UTC" (its instant, unchanged, in the title).
    public static func time(_ text: String?) -> String {
        guard let text, text.count >= 19 else { return text ?? "–" }
        return text.prefix(10) + " " + text.dropFirst(11).prefix(8) + " UTC"
    }

    /// Points for an SVG polyline of `values` in a `width` × `height` box (y grows downward),
    /// scaled to the largest value; empty for no values.
    public static func sparkline(_ values: [Double], width: Double = 120, height: Double = 28) -> String {
        guard !values.isEmpty else { return "" }
        let top = max(values.filter(\.isFinite).max() ?? 0, 1)
        let step = values.count > 1 ? width / Double(values.count - 1) : 0
        return values.enumerated().map { index, value in
            let y = height - (value.isFinite ? max(0, value) : 0) / top * (height - 2) - 1
            return String(format: "%.1f,%.1f", Double(index) * step, y)
        }.joined(separator: " ")
    }
}

extension Presentation {
    /// JSON indented two spaces, members sorted by name (as people read it, and so that two
    /// versions of a schema line up in a diff).
    public static func prettyJSON(_ value: JSONValue) -> String {
        var output = ""
        writePretty(value, indent: "", to: &output)
        return output
    }

    private static func writePretty(_ value: JSONValue, indent: String, to output: inout String) {
        let inner = indent + "  "
        switch value {
        case .array(let items) where !items.isEmpty:
            output += "[\n"
            for (index, item) in items.enumerated() {
                output += inner
                writePretty(item, indent: inner, to: &output)
                output += index < items.count - 1 ? ",\n" : "\n"
            }
            output += indent + "]"
        case .object(let members) where !members.isEmpty:
            output += "{\n"
            let sorted = members.sorted { $0.key < $1.key }
            for (index, (name, member)) in sorted.enumerated() {
                output += inner + JSONValue.string(name).jsonText + ": "
                writePretty(member, indent: inner, to: &output)
                output += index < sorted.count - 1 ? ",\n" : "\n"
            }
            output += indent + "}"
        default:
            output += value.jsonText
        }
    }

    /// One row of a side-by-side diff: the left line, the right line, and how they differ.
    public struct DiffRow: Sendable, Equatable {
        public enum Change: String, Sendable { case same, removed, added, changed }
        public var left: String?
        public var right: String?
        public var change: Change
    }

    /// The lines of `left` and `right` side by side, aligned on their longest common
    /// subsequence; a removal next to an addition is one changed row. Texts of more than
    /// `maxLines` lines are compared by their first `maxLines` (the rest are shown as changed).
    public static func diff(_ left: String, _ right: String, maxLines: Int = 2000) -> [DiffRow] {
        let a = Array(left.split(separator: "\n", omittingEmptySubsequences: false).prefix(maxLines)).map(String.init)
        let b = Array(right.split(separator: "\n", omittingEmptySubsequences: false).prefix(maxLines)).map(String.init)
        // lengths[i][j]: the longest common subsequence of a[i...] and b[j...].
        var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var rows: [DiffRow] = []
        var removed: [String] = []
        var added: [String] = []
        func flush() {
            for index in 0..<max(removed.count, added.count) {
                let l = index < removed.count ? removed[index] : nil
                let r = index < added.count ? added[index] : nil
                rows.append(DiffRow(left: l, right: r, change: l != nil && r != nil ? .changed : l != nil ? .removed : .added))
            }
            removed.removeAll()
            added.removeAll()
        }
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                flush()
                rows.append(DiffRow(left: a[i], right: b[j], change: .same))
                i += 1
                j += 1
            } else if j < b.count, i == a.count || lengths[i][j + 1] >= lengths[i + 1][j] {
                added.append(b[j])
                j += 1
            } else {
                removed.append(a[i])
                i += 1
            }
        }
        flush()
        return rows
    }

    /// An SVG line chart's parts for `values` over a `width` × `height` plot: the polyline's
    /// points, and labels for the top of the axis (the largest value) and its ends.
    public static func chart(_ values: [Double], width: Double = 720, height: Double = 160) -> [String: Any] {
        let top = max(values.filter(\.isFinite).max() ?? 0, 0)
        return [
            "points": sparkline(values, width: width, height: height),
            "top": count(top),
            "width": Int(width),
            "height": Int(height),
            "empty": values.isEmpty,
        ]
    }
}
