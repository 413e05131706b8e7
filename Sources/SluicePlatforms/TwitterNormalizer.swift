import Foundation
import SluiceCore
import SluiceJSON

/// Twitter/X API v2 responses: `{"data": tweet | [tweet] | user | [user], "includes": {"users": […]}}`.
/// Tweets carry `public_metrics` (retweet_count, reply_count, like_count, quote_count,
/// impression_count, bookmark_count) and `author_id`; users carry `username` and
/// `public_metrics` (followers_count, following_count, tweet_count, listed_count).
package enum TwitterNormalizer {
    package static func normalize(_ payload: JSONValue, receivedAt: Date) throws(EnvelopeError) -> [Result<SocialEvent, EnvelopeError>] {
        let root = PlatformReader(pointer: "")
        let body = try root.object(payload)
        guard let data = body["data"] else { throw EnvelopeError("/data", "A Twitter API v2 response has 'data'.") }
        var handles: [String: String] = [:]
        for user in body["includes"]?["users"]?.arrayValue ?? [] {
            if let id = user["id"]?.stringValue, let name = user["username"]?.stringValue { handles[id] = name }
        }
        let items: [(JSONValue, PlatformReader)]
        if case .array(let array) = data {
            items = array.enumerated().map { ($1, root.child("data").child($0)) }
        } else {
            items = [(data, root.child("data"))]
        }
        return items.map { item, reader in
            Result { () throws(EnvelopeError) -> SocialEvent in try normalize(item: item, reader: reader, handles: handles, receivedAt: receivedAt) }
        }
    }

    static func normalize(item: JSONValue, reader: PlatformReader, handles: [String: String], receivedAt: Date) throws(EnvelopeError) -> SocialEvent {
        let members = try reader.object(item)
        let id = try reader.child("id").id(members["id"])
        let metrics = members["public_metrics"]
        let metricsReader = reader.child("public_metrics")
        if members["username"] != nil {
            // A user object.
            var event = SocialEvent(platform: .twitter, kind: .account, accountID: id, occurredAt: receivedAt, raw: item)
            event.accountHandle = try reader.child("username").optionalText(members["username"])
            event.createdAt = try reader.child("created_at").optionalText(members["created_at"])
            for (name, unified) in [
                ("followers_count", "followers"), ("following_count", "following"), ("tweet_count", "posts"), ("listed_count", "listed"),
            ] {
                if let value = try metricsReader.child(name).count(metrics?[name]) { event.metrics[unified] = value }
            }
            return event
        }
        guard members["text"] != nil else { throw EnvelopeError(reader.pointer, "Neither a tweet (text) nor a user (username).") }
        let author = try reader.child("author_id").optionalText(members["author_id"]) ?? "unknown"
        var event = SocialEvent(platform: .twitter, kind: .post, accountID: author, occurredAt: receivedAt, raw: item)
        event.accountHandle = handles[author]
        event.contentID = id
        event.text = try reader.child("text").optionalText(members["text"])
        event.createdAt = try reader.child("created_at").optionalText(members["created_at"])
        if let handle = event.accountHandle { event.url = "https://x.com/\(handle)/status/\(id)" }
        for (name, unified) in [
            ("like_count", "likes"), ("reply_count", "comments"), ("retweet_count", "shares"), ("quote_count", "quotes"),
            ("impression_count", "impressions"), ("bookmark_count", "bookmarks"),
        ] {
            if let value = try metricsReader.child(name).count(metrics?[name]) { event.metrics[unified] = value }
        }
        return event
    }
}
