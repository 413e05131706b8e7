import Foundation

/// Checks the generated types cannot express (lengths, formats), with JSON pointers.
package enum Validate {
    package static func email(_ email: String, pointer: String = "/email") throws -> String {
        let trimmed = email.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard InputBounds.email.contains(trimmed.unicodeScalars.count), parts.count == 2, !parts[0].isEmpty,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !trimmed.contains(where: { $0.isWhitespace || $0.isNewline })
        else {
            throw SluiceError.badRequest("'\(trimmed.prefix(64))' is not a valid email address.", pointer: pointer)
        }
        return trimmed
    }

    package static func password(_ password: String, pointer: String = "/password") throws {
        // Lengths count code points, as the document's minLength and maxLength do.
        guard password.unicodeScalars.count >= InputBounds.password.min else {
            throw SluiceError.badRequest("The password must have at least \(InputBounds.password.min) characters.", pointer: pointer)
        }
        guard password.unicodeScalars.count <= InputBounds.password.max else {
            throw SluiceError.badRequest("The password must have at most \(InputBounds.password.max) characters.", pointer: pointer)
        }
    }

    /// A display name: 1 to `maxLength` characters (code points), no control characters, not
    /// starting or ending with a space: the document's `DisplayName` pattern, exactly.
    package static func name(_ value: String, pointer: String, maxLength: Int) throws -> String {
        let scalars = value.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, scalars.count <= maxLength,
            !scalars.contains(where: isControl), first != " ", last != " "
        else {
            throw SluiceError.badRequest(
                "The value must have 1 to \(maxLength) characters, no control characters, and no space at either end.",
                pointer: pointer
            )
        }
        return value
    }

    /// C0, DEL and C1 (Unicode's `Cc`).
    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
