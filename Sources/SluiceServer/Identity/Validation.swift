import Foundation

/// Checks the generated types cannot express (lengths, formats), with JSON pointers.
enum Validate {
    static func email(_ email: String, pointer: String = "/email") throws -> String {
        let trimmed = email.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard (3...254).contains(trimmed.utf8.count), parts.count == 2, !parts[0].isEmpty,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !trimmed.contains(where: { $0.isWhitespace || $0.isNewline })
        else {
            throw SluiceError.badRequest("'\(trimmed.prefix(64))' is not a valid email address.", pointer: pointer)
        }
        return trimmed
    }

    static func password(_ password: String, pointer: String = "/password") throws {
        guard password.count >= 12 else {
            throw SluiceError.badRequest("The password must have at least 12 characters.", pointer: pointer)
        }
        guard password.utf8.count <= 256 else {
            throw SluiceError.badRequest("The password must have at most 256 bytes.", pointer: pointer)
        }
    }

    static func name(_ value: String, pointer: String, maxLength: Int) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= maxLength, !trimmed.contains(where: \.isNewline) else {
            throw SluiceError.badRequest("The value must have 1 to \(maxLength) characters on one line.", pointer: pointer)
        }
        return trimmed
    }
}
