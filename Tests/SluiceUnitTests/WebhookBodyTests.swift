import Foundation
import SluiceAPI
import SluiceJSON
import Testing

@testable import SluiceCore
@testable import SluiceDelivery
@testable import SluiceServer

@Suite("Webhook bodies")
struct WebhookBodyTests {
    static func event(key: String?, attributes: String?, errors: String?, version: Int?) -> StoredEvent {
        StoredEvent(
            id: UUID(uuidString: "01890a5d-ac96-774b-bcce-b302099a8057")!,
            partition: 3,
            offset: 9_007_199_254_740_000,
            type: "post.liked",
            source: "api \"quoted\" \\ é",
            key: key,
            occurredAt: Date(timeIntervalSince1970: 1_780_000_000.123),
            receivedAt: Date(timeIntervalSince1970: 1_780_000_001.5),
            schemaVersion: version,
            schemaErrors: errors,
            attributes: attributes,
            payload: #"{"likes": 3, "text": "a\nb", "nested": [true, null, {"x": "</script>"}]}"#
        )
    }

    @Test("the body is the event as the API shows it, with the stored JSON texts written as they are")
    func sameAsTheAPI() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        for event in [
            Self.event(
                key: "k-1",
                attributes: #"{"traceparent": "00-abc"}"#,
                errors: #"[{"pointer": "/likes", "detail": "Must be a string."}]"#,
                version: 2
            ),
            Self.event(key: nil, attributes: nil, errors: nil, version: nil),
        ] {
            let body = WebhookSender.body(event, stream: "clicks")
            let api = Array(try encoder.encode(Components.Schemas.Event(event, stream: "clicks")))
            #expect(try JSONParser.parse(body) == JSONParser.parse(api))
            #expect(String(decoding: body, as: UTF8.self).contains(event.payload), "the payload's text, untouched")
        }
    }
}
