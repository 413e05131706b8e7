import Crypto
import Foundation
import SluiceCore
import SluiceJSON

/// Instagram Graph API payloads: webhook notifications (`{"object": "instagram", "entry":
/// [{"id", "time", "changes": [{"field": "comments" | "mentions", "value"}]}]}`) and media or
/// account objects (`like_count`, `comments_count`, `followers_count`, …), alone or as
/// `{"data": […]}`.
package enum InstagramNormalizer {
    package static func normalize(_ payload: JSONValue, receivedAt: Date) throws(EnvelopeError) -> [Result<SocialEvent, EnvelopeError>] {
        let root = PlatformReader(pointer: "")
        let body = try root.object(payload)
        if body["object"] != nil {
            guard body["object"]?.stringValue == "instagram" else { throw EnvelopeError("/object", "Expected \"instagram\".") }
            return try webhook(body, root: root, receivedAt: receivedAt)
        }
        let items: [(JSONValue, PlatformReader)]
        if let array = body["data"]?.arrayValue {
            items = array.enumerated().map { ($1, root.child("data").child($0)) }
        } else {
            items = [(payload, root)]
        }
        return items.map { item, reader in
            Result { () throws(EnvelopeError) -> SocialEvent in try object(item, reader: reader, receivedAt: receivedAt) }
        }
    }

    static func object(_ item: JSONValue, reader: PlatformReader, receivedAt: Date) throws(EnvelopeError) -> SocialEvent {
        let members = try reader.object(item)
        let id = try reader.child("id").id(members["id"])
        if members["followers_count"] != nil || members["media_count"] != nil {
            var event = SocialEvent(platform: .instagram, kind: .account, accountID: id, occurredAt: receivedAt, raw: item)
            event.accountHandle = try reader.child("username").optionalText(members["username"])
            for (name, unified) in [("followers_count", "followers"), ("follows_count", "following"), ("media_count", "posts")] {
                if let value = try reader.child(name).count(members[name]) { event.metrics[unified] = value }
            }
            return event
        }
        guard members["like_count"] != nil || members["comments_count"] != nil || members["media_type"] != nil else {
            throw EnvelopeError(reader.pointer, "Neither a media object (like_count, comments_count, media_type) nor an account (followers_count).")
        }
        let owner = members["owner"]?["id"]?.stringValue ?? "unknown"
        var event = SocialEvent(platform: .instagram, kind: .post, accountID: owner, occurredAt: receivedAt, raw: item)
        event.accountHandle = try reader.child("username").optionalText(members["username"])
        event.contentID = id
        event.text = try reader.child("caption").optionalText(members["caption"])
        event.url = try reader.child("permalink").optionalText(members["permalink"])
        event.createdAt = try reader.child("timestamp").optionalText(members["timestamp"])
        for (name, unified) in [("like_count", "likes"), ("comments_count", "comments")] {
            if let value = try reader.child(name).count(members[name]) { event.metrics[unified] = value }
        }
        return event
    }

    static func webhook(
        _ body: [String: JSONValue],
        root: PlatformReader,
        receivedAt: Date
    ) throws(EnvelopeError) -> [Result<SocialEvent, EnvelopeError>] {
        guard let entries = body["entry"]?.arrayValue else { throw EnvelopeError("/entry", "A webhook notification has 'entry'.") }
        var events: [Result<SocialEvent, EnvelopeError>] = []
        for (entryIndex, entry) in entries.enumerated() {
            let entryReader = root.child("entry").child(entryIndex)
            let account: String
            do { account = try entryReader.child("id").id(entry["id"]) } catch {
                events.append(.failure(error))
                continue
            }
            var occurredAt = receivedAt
            if let seconds = entry["time"]?.numberValue?.double, seconds > 0 {
                // Meta sends seconds, some tools milliseconds.
                occurredAt = Date(timeIntervalSince1970: seconds > 1e11 ? seconds / 1000 : seconds)
            }
            for (changeIndex, change) in (entry["changes"]?.arrayValue ?? []).enumerated() {
                let reader = entryReader.child("changes").child(changeIndex)
                events.append(
                    Result { () throws(EnvelopeError) -> SocialEvent in
                        let field = change["field"]?.stringValue
                        let value = try reader.child("value").object(change["value"])
                        let valueReader = reader.child("value")
                        switch field {
                        case "comments":
                            var event = SocialEvent(platform: .instagram, kind: .comment, accountID: account, occurredAt: occurredAt, raw: change)
                            event.contentID = try valueReader.child("id").id(value["id"])
                            event.text = try valueReader.child("text").optionalText(value["text"])
                            event.actorID = value["from"]?["id"]?.stringValue
                            event.actorHandle = value["from"]?["username"]?.stringValue
                            if let media = value["media"]?["id"]?.stringValue { event.url = "instagram:media:\(media)" }
                            return event
                        case "mentions":
                            var event = SocialEvent(platform: .instagram, kind: .mention, accountID: account, occurredAt: occurredAt, raw: change)
                            event.contentID = try valueReader.child("media_id").id(value["media_id"] ?? value["comment_id"])
                            if let comment = value["comment_id"]?.stringValue { event.text = "comment \(comment)" }
                            return event
                        default:
                            throw EnvelopeError(
                                reader.pointer + "/field",
                                "Sluice takes the comments and mentions fields, not '\((field ?? "").prefix(40))'."
                            )
                        }
                    }
                )
            }
        }
        return events
    }

    /// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`,
    /// compared in constant time.
    package static func signatureIsValid(_ header: String?, body: [UInt8], appSecret: [UInt8]) -> Bool {
        guard let header, header.hasPrefix("sha256="), header.utf8.count == 7 + 64 else { return false }
        let hex = Array(header.utf8.dropFirst(7))
        var given: [UInt8] = []
        for start in stride(from: 0, to: hex.count, by: 2) {
            guard let byte = UInt8(String(decoding: hex[start..<start + 2], as: UTF8.self), radix: 16) else { return false }
            given.append(byte)
        }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: SymmetricKey(data: appSecret))
    }
}
