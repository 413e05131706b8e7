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
