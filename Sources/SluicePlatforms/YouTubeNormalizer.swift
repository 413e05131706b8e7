import Foundation
import SluiceCore
import SluiceJSON

/// YouTube Data API v3 `videos.list` and `channels.list` responses: `{"kind":
/// "youtube#videoListResponse", "items": [{"kind": "youtube#video", "id", "snippet",
/// "statistics"}]}`. Counts arrive as strings; a hidden count (e.g. likes) is absent.
package enum YouTubeNormalizer {
    package static func normalize(_ payload: JSONValue, receivedAt: Date) throws(EnvelopeError) -> [Result<SocialEvent, EnvelopeError>] {
        let root = PlatformReader(pointer: "")
        let body = try root.object(payload)
        let items: [(JSONValue, PlatformReader)]
        if let array = body["items"]?.arrayValue {
            items = array.enumerated().map { ($1, root.child("items").child($0)) }
        } else if body["kind"]?.stringValue == "youtube#video" || body["kind"]?.stringValue == "youtube#channel" {
            items = [(payload, root)]
        } else {
            throw EnvelopeError("/items", "A videos.list or channels.list response has 'items'.")
        }
        return items.map { item, reader in
            Result { () throws(EnvelopeError) -> SocialEvent in try normalize(item: item, reader: reader, receivedAt: receivedAt) }
        }
    }

    static func normalize(item: JSONValue, reader: PlatformReader, receivedAt: Date) throws(EnvelopeError) -> SocialEvent {
        let members = try reader.object(item)
        let id = try reader.child("id").id(members["id"])
        let snippet = members["snippet"]
        let statistics = members["statistics"]
        let statisticsReader = reader.child("statistics")
        switch members["kind"]?.stringValue {
        case "youtube#video":
            let channel = try reader.child("snippet").child("channelId").optionalText(snippet?["channelId"]) ?? "unknown"
            var event = SocialEvent(platform: .youtube, kind: .post, accountID: channel, occurredAt: receivedAt, raw: item)
            event.accountHandle = try reader.child("snippet").child("channelTitle").optionalText(snippet?["channelTitle"])
            event.contentID = id
            event.text = try reader.child("snippet").child("title").optionalText(snippet?["title"])
            event.createdAt = try reader.child("snippet").child("publishedAt").optionalText(snippet?["publishedAt"])
            event.url = "https://www.youtube.com/watch?v=\(id)"
            for (name, unified) in [("viewCount", "views"), ("likeCount", "likes"), ("commentCount", "comments"), ("favoriteCount", "favorites")] {
                if let value = try statisticsReader.child(name).count(statistics?[name]) { event.metrics[unified] = value }
            }
            return event
        case "youtube#channel":
            var event = SocialEvent(platform: .youtube, kind: .account, accountID: id, occurredAt: receivedAt, raw: item)
            let customURL = try reader.child("snippet").child("customUrl").optionalText(snippet?["customUrl"])
            let title = try reader.child("snippet").child("title").optionalText(snippet?["title"])
            event.accountHandle = customURL ?? title
            event.createdAt = try reader.child("snippet").child("publishedAt").optionalText(snippet?["publishedAt"])
            // Subscribers are YouTube's followers; a hidden count is absent.
            if statistics?["hiddenSubscriberCount"]?.boolValue != true,
                let value = try statisticsReader.child("subscriberCount").count(statistics?["subscriberCount"])
            {
                event.metrics["followers"] = value
            }
            for (name, unified) in [("viewCount", "views"), ("videoCount", "posts")] {
                if let value = try statisticsReader.child(name).count(statistics?[name]) { event.metrics[unified] = value }
            }
            return event
        default:
            throw EnvelopeError(reader.pointer + "/kind", "Expected youtube#video or youtube#channel.")
        }
    }
}
