import PostgresNIO

// States and kinds stored as text decode strictly: a value this code does not know is a
// decoding error that names the row, never a silent default (a role read as `viewer`, a
// subscription read as `paused`). The tables' CHECK constraints keep the same lists.

extension Role: PostgresCodable {
    // Role is also Codable (JSON); these say it is stored as its raw text.
    public static var psqlType: PostgresDataType { String.psqlType }
    public static var psqlFormat: PostgresFormat { String.psqlFormat }
    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        rawValue.encode(into: &byteBuffer, context: context)
    }
    public init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer,
        type: PostgresDataType,
        format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard let role = Role(rawValue: try String(from: &buffer, type: type, format: format, context: context)) else {
            throw PostgresDecodingError.Code.failure
        }
        self = role
    }
}

extension Stream.SchemaMode: PostgresCodable {}
extension Stream.Compatibility: PostgresCodable {}
extension QuarantinedEvent.Status: PostgresCodable {}
extension AuditActor.Kind: PostgresCodable {}

/// A stored text that names no case of the type reading it.
struct UnknownStoredValue: Error, CustomStringConvertible {
    let type: String
    let value: String
    var description: String { "'\(value.prefix(100))' is not a \(type)" }
}

extension RawRepresentable where RawValue == String {
    /// The case stored as `text`, for values inside arrays (which the row decoder does not
    /// map per element); unknown text is an error, never dropped.
    init(stored text: String) throws(UnknownStoredValue) {
        guard let value = Self(rawValue: text) else { throw UnknownStoredValue(type: "\(Self.self)", value: text) }
        self = value
    }
}
