import Crypto
import Foundation
import SluiceAPI
import SluiceJSON

/// CloudEvents 1.0 in JSON format (structured and batch mode) mapped onto Sluice's envelope:
/// `id` → id (a non-UUID id becomes a stable UUID of `source` and `id`, so that the spec's
/// uniqueness rule, source + id, is what deduplicates), `type`, `source`, `time` → occurredAt,
/// the `partitionkey` extension (else `subject`) → key, `data` → data (`data_base64` is kept
/// as a string), `schemaversion` extension → schemaVersion; every other attribute is kept
/// under `attributes`.
package enum CloudEventsEnvelope {
    package static func decode(_ value: JSONValue, index: Int, pointer: String, receivedAt: Date) throws(EnvelopeError) -> IncomingEvent {
        guard case .object(let members) = value else { throw EnvelopeError(pointer, "A CloudEvent is a JSON object.") }
        guard members["specversion"]?.stringValue == "1.0" else {
            throw EnvelopeError("\(pointer)/specversion", "specversion must be \"1.0\".")
        }
        let rawID = try SluiceEnvelope.requiredText(members["id"], "\(pointer)/id", maxLength: InputBounds.cloudEventID.max)
        let source = try SluiceEnvelope.requiredText(members["source"], "\(pointer)/source", maxLength: InputBounds.eventSource.max)
        let type = try SluiceEnvelope.requiredText(members["type"], "\(pointer)/type", maxLength: InputBounds.eventType.max)
        var attributes: [String: JSONValue] = [:]
        let id: UUID
        if let uuid = UUID(uuidString: rawID) {
            id = uuid
        } else {
            id = stableID(source: source, id: rawID)
            attributes["id"] = .string(rawID)
        }
        var occurredAt = receivedAt
        if let time = members["time"], time != .null {
            guard let text = time.stringValue, let date = RFC3339.date(text) else {
                throw EnvelopeError("\(pointer)/time", "time must be an RFC 3339 date-time.")
            }
            occurredAt = date
        }
        let subject = try SluiceEnvelope.optionalText(members["subject"], "\(pointer)/subject", maxLength: InputBounds.cloudEventSubject.max)
        let partitionKey = try SluiceEnvelope.optionalText(
            members["partitionkey"],
            "\(pointer)/partitionkey",
            maxLength: InputBounds.eventKey.max,
            allowEmpty: true
        )
        var schemaVersion: Int?
        if let raw = members["schemaversion"], raw != .null {
            let number = raw.numberValue?.int64 ?? raw.stringValue.flatMap { Int64($0) }
            guard let number, number >= 1, number <= Int32.max else {
                throw EnvelopeError("\(pointer)/schemaversion", "schemaversion must be a positive integer.")
            }
            schemaVersion = Int(number)
        }
        let data: JSONValue
        switch (members["data"], members["data_base64"]) {
        case (.some, .some):
            throw EnvelopeError("\(pointer)/data_base64", "An event has data or data_base64, not both.")
        case (nil, .some(let encoded)):
            guard let text = encoded.stringValue, Data(base64Encoded: text) != nil else {
                throw EnvelopeError("\(pointer)/data_base64", "data_base64 must be base64 text.")
            }
            data = .string(text)
            attributes["dataencoding"] = "base64"
        case (let value?, nil):
            data = value
        case (nil, nil):
            data = .null
        }
        try SluiceEnvelope.checkDepth(data, "\(pointer)/data")
        for (name, value) in members where !mapped.contains(name) {
            guard name.utf8.count <= 64, name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }) else {
                throw EnvelopeError("\(pointer)/\(JSONPointer.escape(name))", "Attribute names are lower-case letters and digits.")
            }
            switch value {
            case .string, .number, .bool, .null: attributes[name] = value
            default: throw EnvelopeError("\(pointer)/\(JSONPointer.escape(name))", "Extension attributes are strings, numbers or booleans.")
            }
        }
        if let subject { attributes["subject"] = .string(subject) }
        return IncomingEvent(
            index: index,
            id: id,
            idFromProducer: true,
            type: type,
            source: source,
            key: partitionKey ?? subject,
            occurredAt: occurredAt,
            schemaVersion: schemaVersion,
            attributes: attributes.isEmpty ? nil : attributes,
            data: data,
            pointer: pointer
        )
    }

    private static let mapped: Set<String> = [
        "specversion", "id", "source", "type", "time", "subject", "partitionkey", "schemaversion", "data", "data_base64",
    ]

    /// A name-based UUID (version 8) from SHA-256 of source and id.
    package static func stableID(source: String, id: String) -> UUID {
        var bytes = Array(SHA256.hash(data: Array("\(source)\n\(id)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )
        )
    }
}
