/// The bounds of what a request may carry, in one table. The handlers and services check
/// against these constants, and a test (`InputBoundsTests`) compares each with the OpenAPI
/// document at the places it names, so that the document and the server cannot drift.
/// Strings count code points, as JSON Schema's `minLength`/`maxLength` do.
package enum InputBounds {
    /// Where the document states a bound: a schema's `minLength`/`maxLength` (strings),
    /// `minimum`/`maximum` (integers) or `minItems`/`maxItems` (arrays), found by the pointer
    /// of a component schema or by an operation's query parameter.
    enum Place: Sendable, Hashable {
        case schema(String)
        case parameter(operation: String, name: String)
    }

    package struct Bound: Sendable {
        let range: ClosedRange<Int>
        let places: [Place]

        var min: Int { range.lowerBound }
        package var max: Int { range.upperBound }
        package func contains(_ value: Int) -> Bool { range.contains(value) }
    }

    // Events
    package static let eventType = Bound(
        range: 1...200,
        places: [
            .schema("/components/schemas/EventInput/properties/type"), .schema("/components/schemas/CloudEvent/properties/type"),
            .schema("/components/schemas/SubscriptionSettings/properties/eventTypes/items"),
            .schema("/components/schemas/CreateSubscriptionRequest/properties/eventTypes/items"),
        ]
    )
    static let eventSource = Bound(
        range: 1...200,
        places: [.schema("/components/schemas/EventInput/properties/source"), .schema("/components/schemas/CloudEvent/properties/source")]
    )
    /// An event's key (may be empty: one partition for the keyless of a producer that sends one).
    static let eventKey = Bound(range: 0...256, places: [.schema("/components/schemas/EventInput/properties/key")])
    static let cloudEventSubject = Bound(range: 1...256, places: [.schema("/components/schemas/CloudEvent/properties/subject")])
    static let cloudEventID = Bound(range: 1...256, places: [.schema("/components/schemas/CloudEvent/properties/id")])
    /// A subscription's event types (none: every type); each is an `eventType`.
    package static let subscriptionEventTypes = Bound(
        range: 0...100,
        places: [
            .schema("/components/schemas/SubscriptionSettings/properties/eventTypes"),
            .schema("/components/schemas/CreateSubscriptionRequest/properties/eventTypes"),
        ]
    )
    package static let batchEvents = Bound(
        range: 1...1000,
        places: [
            .schema("/components/schemas/EventBatchInput/properties/events"),
            .schema("/paths/~1v1~1streams~1{stream}~1events~1batch/post/requestBody/content/application~1cloudevents-batch+json/schema"),
        ]
    )
    /// How deep an event's `data` may nest (the document says it in words).
    package static let dataDepth = 32
    /// Uncompressed body size of an ingest request.
    package static let ingestBodyBytes = 1 << 20

    // Identity
    static let email = Bound(range: 3...254, places: [.schema("/components/schemas/Email")])
    static let password = Bound(range: 12...256, places: [.schema("/components/schemas/Password")])
    static let tenantName = Bound(range: 1...200, places: [.schema("/components/schemas/SignupRequest/properties/tenantName")])
    static let userName = Bound(range: 1...200, places: [.schema("/components/schemas/SignupRequest/properties/name")])
    static let apiKeyName = Bound(range: 1...100, places: [.schema("/components/schemas/CreateApiKeyRequest/properties/name")])

    /// The Instagram webhook's app secret and verify token.
    package static let webhookSecret = Bound(
        range: 8...256,
        places: [
            .schema("/components/schemas/InstagramWebhookInput/properties/appSecret"),
            .schema("/components/schemas/InstagramWebhookInput/properties/verifyToken"),
        ]
    )

    // Streams
    static let partitions = Bound(range: 1...64, places: [.schema("/components/schemas/CreateStreamRequest/properties/partitions")])

    // Analytics
    package static let distributionLimit = Bound(range: 1...1000, places: [.parameter(operation: "getAnalyticsDistribution", name: "limit")])
    package static let leaderboardLimit = Bound(range: 1...100, places: [.parameter(operation: "getAnalyticsLeaderboard", name: "limit")])
    package static let liveTicks = Bound(range: 1...86_400, places: [.parameter(operation: "getAnalyticsLive", name: "ticks")])

    static let all: [(String, Bound)] = [
        ("eventType", eventType), ("eventSource", eventSource), ("eventKey", eventKey), ("cloudEventSubject", cloudEventSubject),
        ("cloudEventID", cloudEventID), ("batchEvents", batchEvents), ("email", email), ("password", password),
        ("subscriptionEventTypes", subscriptionEventTypes), ("webhookSecret", webhookSecret), ("tenantName", tenantName), ("userName", userName),
        ("apiKeyName", apiKeyName), ("partitions", partitions),
        ("distributionLimit", distributionLimit), ("leaderboardLimit", leaderboardLimit), ("liveTicks", liveTicks),
    ]
}
