import SluiceSupport

/// A form as browsers send it (`application/x-www-form-urlencoded`): names may repeat
/// (checkboxes), `+` is a space, `%XX` a byte; text must be valid UTF-8 without U+0000.
public struct FormData: Sendable {
    public struct Invalid: Error, Sendable {}

    /// At most this many fields are read: a form of the dashboard has a few dozen.
    public static let maxFields = 256

    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ body: some Collection<UInt8>) throws(Invalid) {
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard fields.count < Self.maxFields else { throw Invalid() }
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            fields.append((name, value))
        }
    }

    /// The first value of `name`, spaces trimmed; nil if absent.
    public subscript(_ name: String) -> String? {
        fields.first { $0.name == name }.map { String($0.value.trimmingSpaces) }
    }

    /// Every value of `name`, in order.
    public func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    private static func decode(_ bytes: some Collection<UInt8>) throws(Invalid) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            index = bytes.index(after: index)
            switch byte {
            case UInt8(ascii: "+"): output.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard index != bytes.endIndex, let high = hexValue(bytes[index]) else { throw Invalid() }
                index = bytes.index(after: index)
                guard index != bytes.endIndex, let low = hexValue(bytes[index]) else { throw Invalid() }
                index = bytes.index(after: index)
                output.append(high << 4 | low)
            default: output.append(byte)
            }
        }
        guard let text = String(validating: output, as: UTF8.self), !text.unicodeScalars.contains("\u{0}") else { throw Invalid() }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
