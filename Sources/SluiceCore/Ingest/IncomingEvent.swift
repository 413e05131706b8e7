import Foundation
import SluiceAPI
import SluiceJSON

/// One event as ingest understood it, whatever format it arrived in (Sluice, CloudEvents, a
/// platform's native payload), before it is checked against its schema and stored.
package struct IncomingEvent: Sendable {
    /// Position in the request, for the per-event result.
    var index: Int
    package var id: UUID
    /// Producer-supplied ids are remembered for the dedupe window; ids Sluice made are not.
    var idFromProducer: Bool
    var type: String
    package var source: String
    var key: String?
    var occurredAt: Date
    var schemaVersion: Int?
    var attributes: [String: JSONValue]?
    var data: JSONValue
    /// Where the event sits in the request body, for JSON pointers in errors (`/events/3`).
    var pointer: String

    package init(
        index: Int,
        id: UUID,
        idFromProducer: Bool,
        type: String,
        source: String,
        key: String? = nil,
        occurredAt: Date,
        schemaVersion: Int? = nil,
        attributes: [String: JSONValue]? = nil,
        data: JSONValue,
        pointer: String
    ) {
        self.index = index
        self.id = id
        self.idFromProducer = idFromProducer
        self.type = type
        self.source = source
        self.key = key
        self.occurredAt = occurredAt
        self.schemaVersion = schemaVersion
        self.attributes = attributes
        self.data = data
        self.pointer = pointer
    }
}

/// Why an event cannot be taken; reported per event, never stored.
package struct EnvelopeError: Error, Sendable {
    package var errors: [SluiceError.FieldError]
    package init(_ pointer: String, _ detail: String) { errors = [.init(pointer: pointer, detail: detail)] }
}

package enum SluiceEnvelope {
    /// A Sluice event: `{id?, type, source?, key?, occurredAt?, schemaVersion?, data}`.
    package static func decode(_ value: JSONValue, index: Int, pointer: String, receivedAt: Date) throws(EnvelopeError) -> IncomingEvent {
        guard case .object(let members) = value else { throw EnvelopeError(pointer, "An event is a JSON object.") }
        for name in members.keys where !allowed.contains(name) {
            throw EnvelopeError("\(pointer)/\(JSONPointer.escape(name))", "Unknown member '\(name.prefix(50))'; event payloads go under 'data'.")
        }
        var id = UUID.v7(now: receivedAt)
        var fromProducer = false
        if let raw = members["id"] {
            guard let text = raw.stringValue, let parsed = UUID(uuidString: text) else {
                throw EnvelopeError("\(pointer)/id", "The id must be a UUID string.")
            }
            id = parsed
            fromProducer = true
        }
        let type = try requiredText(members["type"], "\(pointer)/type", maxLength: InputBounds.eventType.max)
        let source = try optionalText(members["source"], "\(pointer)/source", maxLength: InputBounds.eventSource.max) ?? "api"
        let key = try optionalText(members["key"], "\(pointer)/key", maxLength: InputBounds.eventKey.max, allowEmpty: true)
        var occurredAt = receivedAt
        if let raw = members["occurredAt"] {
            guard let text = raw.stringValue, let date = RFC3339.date(text) else {
                throw EnvelopeError("\(pointer)/occurredAt", "occurredAt must be an RFC 3339 date-time, e.g. 2026-11-22T10:00:00Z.")
            }
            occurredAt = date
        }
        var schemaVersion: Int?
        if let raw = members["schemaVersion"] {
            guard let number = raw.numberValue?.int64, number >= 1, number <= Int32.max else {
                throw EnvelopeError("\(pointer)/schemaVersion", "schemaVersion must be a positive integer.")
            }
            schemaVersion = Int(number)
        }
        guard let data = members["data"] else { throw EnvelopeError("\(pointer)/data", "The event needs 'data' (any JSON value).") }
        try checkDepth(data, "\(pointer)/data")
        return IncomingEvent(
            index: index,
            id: id,
            idFromProducer: fromProducer,
            type: type,
            source: source,
            key: key,
            occurredAt: occurredAt,
            schemaVersion: schemaVersion,
            attributes: nil,
            data: data,
            pointer: pointer
        )
    }

    static let allowed: Set<String> = ["id", "type", "source", "key", "occurredAt", "schemaVersion", "data"]

    static func requiredText(_ value: JSONValue?, _ pointer: String, maxLength: Int) throws(EnvelopeError) -> String {
        guard let value else { throw EnvelopeError(pointer, "Required.") }
        guard let text = try optionalText(value, pointer, maxLength: maxLength) else { throw EnvelopeError(pointer, "Required.") }
        return text
    }

    static func optionalText(_ value: JSONValue?, _ pointer: String, maxLength: Int, allowEmpty: Bool = false) throws(EnvelopeError) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue else { throw EnvelopeError(pointer, "Must be a string.") }
        guard allowEmpty || !text.isEmpty else { throw EnvelopeError(pointer, "Must not be empty.") }
        guard text.unicodeScalars.count <= maxLength else { throw EnvelopeError(pointer, "At most \(maxLength) characters.") }
        return text
    }

    static func checkDepth(_ data: JSONValue, _ pointer: String) throws(EnvelopeError) {
        guard data.depth <= InputBounds.dataDepth else {
            throw EnvelopeError(pointer, "The payload nests deeper than \(InputBounds.dataDepth) levels.")
        }
    }
}

/// Stable partitioning: FNV-1a (64-bit) of the key's UTF-8 bytes, so that one key always
/// lands in one partition (while the partition count stays the same); keyless events spread
/// by their id.
enum Partitioner {
    static func partition(key: String?, id: UUID, partitions: Int) -> Int {
        guard partitions > 1 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        if let key {
            for byte in key.utf8 { mix(byte) }
        } else {
            withUnsafeBytes(of: id.uuid) { for byte in $0 { mix(byte) } }
        }
        return Int(hash % UInt64(partitions))
    }
}
