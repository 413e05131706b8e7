import Crypto
import Foundation
import SluiceAPI
import SluiceCore
import SluiceJSON

/// The one shape every platform's payload is normalized into (the README documents it):
///
/// ```json
/// { "platform": "twitter", "kind": "post", "action": "snapshot",
///   "account": {"id": "2244994945", "handle": "XDevelopers"},
///   "content": {"id": "1460323737035677698", "text": "…", "createdAt": "…", "url": "…"},
///   "actor": {"id": "…", "handle": "…"},
///   "metrics": {"likes": 12, "comments": 3, "shares": 5, "quotes": 1, "impressions": 900},
///   "occurredAt": "2026-11-22T10:00:00.000Z", "raw": { …the platform's own object… } }
/// ```
///
/// Event types: `social.post.metrics`, `social.account.metrics`, `social.comment.created`,
/// `social.mention.created`. The key is `platform:accountId`, so one account's events keep
/// their order in one partition. Metrics a platform did not send are absent, never 0.
package struct SocialEvent {
    package enum Platform: String, CaseIterable { case twitter, youtube, instagram }
    package enum Kind: String { case post, account, comment, mention }

    var platform: Platform
    var kind: Kind
    var accountID: String
    var accountHandle: String?
    var contentID: String?
    var text: String?
    var url: String?
    var createdAt: String?
    var actorID: String?
    var actorHandle: String?
    var metrics: [String: Int64] = [:]
    var occurredAt: Date
    var raw: JSONValue

    package init(
        platform: Platform,
        kind: Kind,
        accountID: String,
        accountHandle: String? = nil,
        contentID: String? = nil,
        text: String? = nil,
        url: String? = nil,
        createdAt: String? = nil,
        actorID: String? = nil,
        actorHandle: String? = nil,
        metrics: [String: Int64] = [:],
        occurredAt: Date,
        raw: JSONValue
    ) {
        self.platform = platform
        self.kind = kind
        self.accountID = accountID
        self.accountHandle = accountHandle
        self.contentID = contentID
        self.text = text
        self.url = url
        self.createdAt = createdAt
        self.actorID = actorID
        self.actorHandle = actorHandle
        self.metrics = metrics
        self.occurredAt = occurredAt
        self.raw = raw
    }

    var type: String {
        switch kind {
        case .post: "social.post.metrics"
        case .account: "social.account.metrics"
        case .comment: "social.comment.created"
        case .mention: "social.mention.created"
        }
    }

    var action: String {
        switch kind {
        case .post, .account: "snapshot"
        case .comment: "commented"
        case .mention: "mentioned"
        }
    }

    package func incoming(index: Int, pointer: String) -> IncomingEvent {
        var data: [String: JSONValue] = [
            "platform": .string(platform.rawValue), "kind": .string(kind.rawValue), "action": .string(action),
            "account": .object(["id": .string(accountID)].merging(accountHandle.map { ["handle": .string($0)] } ?? [:]) { a, _ in a }),
            "metrics": .object(metrics.mapValues { .number(JSONNumber(Int($0))) }),
            "occurredAt": .string(RFC3339.format(occurredAt)),
            "raw": raw,
        ]
        if let contentID {
            var content: [String: JSONValue] = ["id": .string(contentID)]
            if let text { content["text"] = .string(text) }
            if let url { content["url"] = .string(url) }
            if let createdAt { content["createdAt"] = .string(createdAt) }
            data["content"] = .object(content)
        }
        if let actorID {
            data["actor"] = .object(["id": .string(actorID)].merging(actorHandle.map { ["handle": .string($0)] } ?? [:]) { a, _ in a })
        }
        // The same payload sent twice is one event: the id is a hash of what was observed.
        let identity = "\(platform.rawValue)\n\(kind.rawValue)\n\(contentID ?? accountID)\n\(raw.canonicalText)"
        return IncomingEvent(
            index: index,
            id: CloudEventsEnvelope.stableID(source: "sluice:\(platform.rawValue)", id: identity),
            idFromProducer: true,
            type: type,
            source: platform.rawValue,
            key: "\(platform.rawValue):\(accountID)",
            occurredAt: occurredAt,
            schemaVersion: nil,
            attributes: nil,
            data: .object(data),
            pointer: pointer
        )
    }
}

/// Reading platform payloads: typed accessors that say where a value is missing or odd.
struct PlatformReader {
    let pointer: String

    func child(_ token: String) -> PlatformReader { .init(pointer: pointer + "/" + JSONPointer.escape(token)) }
    func child(_ index: Int) -> PlatformReader { .init(pointer: pointer + "/\(index)") }

    func object(_ value: JSONValue?) throws(EnvelopeError) -> [String: JSONValue] {
        guard let members = value?.objectValue else { throw EnvelopeError(pointer, "Expected an object.") }
        return members
    }

    /// An id: platforms send them as strings (Twitter, YouTube, Instagram); numbers are taken too.
    func id(_ value: JSONValue?) throws(EnvelopeError) -> String {
        switch value {
        case .string(let text) where !text.isEmpty && text.utf8.count <= 128: return text
        case .number(let number) where number.isInteger: return number.literal
        case nil: throw EnvelopeError(pointer, "Required.")
        default: throw EnvelopeError(pointer, "Expected an id (a non-empty string of at most 128 bytes).")
        }
    }

    func optionalText(_ value: JSONValue?) throws(EnvelopeError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw EnvelopeError(pointer, "Expected a string.")
        }
    }

    /// A count: a non-negative integer, or (YouTube) its decimal string. Absent stays absent.
    func count(_ value: JSONValue?) throws(EnvelopeError) -> Int64? {
        switch value {
        case nil, .null?: return nil
        case .number(let number)?:
            guard let integer = number.int64, integer >= 0 else { throw EnvelopeError(pointer, "Expected a non-negative integer count.") }
            return integer
        case .string(let text)?:
            guard let integer = Int64(text.trimmingCharacters(in: .whitespaces)), integer >= 0 else {
                throw EnvelopeError(pointer, "Expected a count, got \"\(text.prefix(40))\".")
            }
            return integer
        default:
            throw EnvelopeError(pointer, "Expected a count.")
        }
    }
}
