import Foundation
import SluiceClient
import Testing

@testable import SluiceAnalytics
@testable import SluiceServer

/// Leaderboards and entity activity against an oracle over the social events sent: accounts
/// whose followers grow at different rates, posts whose counts climb, actors commenting.
@Suite("Entity analytics", .isolatedDatabase)
struct EntityAnalyticsTests {
    struct Social: Sendable {
        var id = UUID()
        var at: Date
        var platform: String
        var account: String
        var content: String?
        var actor: String?
        var metrics: [String: Int]?

        var input: Components.Schemas.EventInput {
            var data: [String: Any] = ["platform": platform, "account": ["id": account, "handle": "@\(account)"]]
            if let content { data["content"] = ["id": content] }
            if let actor { data["actor"] = ["id": actor] }
            if let metrics { data["metrics"] = metrics }
            let text = String(decoding: try! JSONSerialization.data(withJSONObject: data), as: UTF8.self)
            let type = content == nil ? "social.account.metrics" : actor == nil ? "social.post.metrics" : "social.comment.created"
            return .init(id: id.uuidString.lowercased(), _type: type, key: "\(platform):\(account)", occurredAt: at, data: json(text))
        }

        /// The entity of `kind` this event names, if any.
        func names(_ kind: EntityKind) -> String? {
            switch kind {
            case .account: account
            case .content: actor == nil ? content : nil  // a comment counts for its actor and account
            case .actor: actor
            }
        }

        /// Whether it is a snapshot of that entity.
        func snapshots(_ kind: EntityKind) -> Bool {
            metrics != nil && (kind == .content ? content != nil : kind == .account && content == nil)
        }
    }

    static let day = AnalyticsTests.day
    static let accounts = [("twitter", "a1", 1000, 10), ("twitter", "a2", 500, 40), ("twitter", "a3", 3000, 2), ("youtube", "a1", 100, 100)]

    static func events() -> [Social] {
        var events: [Social] = []
        var generator = SplitMix(seed: 42)
        for (accountIndex, (platform, account, base, rate)) in accounts.enumerated() {
            for hour in stride(from: 0, to: 72, by: 2) {
                events.append(
                    Social(
                        at: day.addingTimeInterval(Double(hour * 3600 + 600)),
                        platform: platform,
                        account: account,
                        metrics: ["followers": base + rate * hour, "following": 10]
                    )
                )
            }
            for post in 0..<2 {
                let index = accountIndex * 2 + post
                for hour in 0..<72 {
                    events.append(
                        Social(
                            at: day.addingTimeInterval(Double(hour * 3600 + 1200)),
                            platform: platform,
                            account: account,
                            content: "p\(index)",
                            metrics: [
                                "likes": (index + 1) * hour, "comments": (index % 3) * hour, "shares": hour / 2, "views": 50 * (index + 1) * hour + 1,
                            ]
                        )
                    )
                }
            }
        }
        for actor in 0..<5 {
            for comment in 0..<(actor + 1) * 3 {
                let (platform, account, _, _) = accounts[Int(generator.next() % 4)]
                events.append(
                    Social(
                        at: day.addingTimeInterval(Double(generator.next() % (72 * 3600))),
                        platform: platform,
                        account: account,
                        content: "c\(actor)-\(comment)",
                        actor: "u\(actor)"
                    )
                )
            }
        }
        events.shuffle(using: &generator)  // out of order: the rollups must not care
        return events
    }

    /// The oracle's leaderboard row values.
    struct Oracle {
        let events: [Social]

        func lastSnapshot(_ kind: EntityKind, _ platform: String, _ entity: String, before bound: Date, from: Date = .distantPast) -> [String: Int]? {
            events.filter { $0.platform == platform && $0.names(kind) == entity && $0.snapshots(kind) && $0.at < bound && $0.at >= from }
                .max { $0.at < $1.at }?.metrics
        }

        func firstSnapshot(_ kind: EntityKind, _ platform: String, _ entity: String, from: Date, to: Date) -> [String: Int]? {
            events.filter { $0.platform == platform && $0.names(kind) == entity && $0.snapshots(kind) && $0.at >= from && $0.at < to }
                .min { $0.at < $1.at }?.metrics
        }

        func growth(_ kind: EntityKind, _ platform: String, _ entity: String, _ metric: String, from: Date, to: Date) -> Double? {
            guard let latest = lastSnapshot(kind, platform, entity, before: to, from: from)?[metric] else { return nil }
            let baseline = (lastSnapshot(kind, platform, entity, before: from) ?? firstSnapshot(kind, platform, entity, from: from, to: to))?[metric]
            return Double(latest - (baseline ?? latest))
        }

        func engagement(_ platform: String, _ content: String, from: Date, to: Date) -> Double {
            ["likes", "comments", "shares"].reduce(0) { $0 + (growth(.content, platform, content, $1, from: from, to: to) ?? 0) }
        }

        func count(_ kind: EntityKind, _ platform: String, _ entity: String, from: Date, to: Date) -> Int64 {
            Int64(events.filter { $0.platform == platform && $0.names(kind) == entity && $0.at >= from && $0.at < to }.count)
        }

        func entities(_ kind: EntityKind, from: Date, to: Date) -> [(platform: String, entity: String)] {
            Array(Set(events.filter { $0.at >= from && $0.at < to }.compactMap { event in event.names(kind).map { "\(event.platform)|\($0)" } }))
                .map {
                    let parts = $0.split(separator: "|")
                    return (String(parts[0]), String(parts[1]))
                }
        }

        /// Ranked as the server ranks: value, then events, descending; then the entity and platform.
        func ranked(_ kind: EntityKind, from: Date, to: Date, limit: Int, value: (String, String) -> Double?) -> [String] {
            entities(kind, from: from, to: to)
                .map {
                    (
                        key: "\($0.platform):\($0.entity)", value: value($0.platform, $0.entity),
                        events: count(kind, $0.platform, $0.entity, from: from, to: to),
                        entity: $0.entity, platform: $0.platform
                    )
                }
                .sorted { a, b in
                    if a.value != b.value { return (a.value ?? -.infinity) > (b.value ?? -.infinity) }
                    if a.events != b.events { return a.events > b.events }
                    return (a.entity, a.platform) < (b.entity, b.platform)
                }
                .prefix(limit).map { "\($0.key)=\($0.value.map { String(format: "%.4f", $0) } ?? "nil")" }
        }
    }

    static func ranked(_ board: Components.Schemas.AnalyticsLeaderboard) -> [String] {
        board.items.map { "\($0.platform):\($0.entity)=\($0.value.map { String(format: "%.4f", $0) } ?? "nil")" }
    }

    @Test(
        "leaderboards of accounts, content and actors by events, engagement, rates and growth equal an oracle over the same events, whole days and hours alike"
    )
    func leaderboards() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("boards")
            let (stream, key) = try await AnalyticsTests.stream(harness, owner, partitions: 3, dimensions: [:])
            let events = Self.events()
            for start in stride(from: 0, to: events.count, by: 500) {
                let chunk = events[start..<min(events.count, start + 500)].map(\.input)
                _ = try await harness.api(key).ingestBatch(path: .init(stream: stream), body: .json(.init(events: chunk))).ok
            }
            // Shuffled, the events need a long lateness; then an hour's, and one more event,
            // move the watermark to the third day: the first two are final (read through the
            // leaderboards' cache), the third is not.
            let last = Social(at: Self.day.addingTimeInterval(71 * 3600 + 3000), platform: "twitter", account: "a1", content: "c-last", actor: "u9")
            try await AnalyticsTests.withConsumer(batchSize: 97) { consumer, _ in
                _ = try await consumer.drain()
                _ = try await harness.api(owner.token).updateStream(path: .init(stream: stream), body: .json(.init(allowedLatenessSeconds: 3600))).ok
                _ = try await harness.api(key).ingestBatch(path: .init(stream: stream), body: .json(.init(events: [last.input]))).ok
                _ = try await consumer.drain()
            }
            let status = try await harness.api(owner.token).getAnalyticsStatus(path: .init(stream: stream)).ok.body.json
            #expect(status.watermark == Self.day.addingTimeInterval(70 * 3600 + 3000))
            let oracle = Oracle(events: events + [last])
            let api = harness.api(key)

            // Two ranges: whole days; and hours on both ends around a whole day.
            for (from, to) in [
                (Self.day.addingTimeInterval(86_400), Self.day.addingTimeInterval(2 * 86_400)),
                (Self.day.addingTimeInterval(5 * 3600), Self.day.addingTimeInterval(2 * 86_400 + 7 * 3600)),
            ] {
                func board(
                    _ entity: Operations.GetAnalyticsLeaderboard.Input.Query.EntityPayload,
                    _ by: String,
                    limit: Int = 10,
                    platform: String? = nil
                ) async throws -> [String] {
                    Self.ranked(
                        try await api.getAnalyticsLeaderboard(
                            path: .init(stream: stream),
                            query: .init(
                                entity: entity,
                                by: by,
                                from: from,
                                to: to,
                                platform: platform,
                                limit: limit
                            )
                        ).ok.body.json
                    )
                }
                let range = "\(from)…\(to)"
                #expect(
                    try await board(.account, "growth.followers")
                        == oracle.ranked(.account, from: from, to: to, limit: 10) {
                            oracle.growth(.account, $0, $1, "followers", from: from, to: to)
                        },
                    "\(range)"
                )
                #expect(
                    try await board(.account, "latest.followers", limit: 2)
                        == oracle.ranked(.account, from: from, to: to, limit: 2) {
                            oracle.lastSnapshot(.account, $0, $1, before: to, from: from)?["followers"].map(Double.init)
                        },
                    "\(range)"
                )
                #expect(
                    try await board(.account, "events")
                        == oracle.ranked(.account, from: from, to: to, limit: 10) {
                            Double(oracle.count(.account, $0, $1, from: from, to: to))
                        },
                    "\(range)"
                )
                #expect(
                    try await board(.content, "engagement", limit: 8)
                        == oracle.ranked(.content, from: from, to: to, limit: 8) {
                            oracle.engagement($0, $1, from: from, to: to)
                        },
                    "\(range)"
                )
                #expect(
                    try await board(.content, "engagementRate", limit: 5)
                        == oracle.ranked(.content, from: from, to: to, limit: 5) { platform, content in
                            guard let views = oracle.growth(.content, platform, content, "views", from: from, to: to), views != 0 else { return nil }
                            return oracle.engagement(platform, content, from: from, to: to) / views
                        },
                    "\(range)"
                )
                func accountEngagement(_ platform: String, _ account: String) -> Double {
                    Set(
                        events.filter { $0.platform == platform && $0.account == account && $0.metrics != nil && $0.content != nil }.map {
                            $0.content!
                        }
                    )
                    .reduce(0) { $0 + oracle.engagement(platform, $1, from: from, to: to) }
                }
                #expect(
                    try await board(.account, "engagement")
                        == oracle.ranked(.account, from: from, to: to, limit: 10) {
                            accountEngagement($0, $1)
                        },
                    "\(range)"
                )
                #expect(
                    try await board(.account, "engagementPerFollower")
                        == oracle.ranked(.account, from: from, to: to, limit: 10) {
                            accountEngagement($0, $1) / Double(oracle.lastSnapshot(.account, $0, $1, before: to)!["followers"]!)
                        },
                    "\(range)"
                )
                #expect(
                    try await board(.actor, "events", limit: 3)
                        == oracle.ranked(.actor, from: from, to: to, limit: 3) {
                            Double(oracle.count(.actor, $0, $1, from: from, to: to))
                        },
                    "\(range)"
                )
                #expect(
                    try await board(.account, "growth.followers", platform: "youtube") == [
                        "youtube:a1=\(String(format: "%.4f", oracle.growth(.account, "youtube", "a1", "followers", from: from, to: to)!))"
                    ]
                )
            }

            // A final day is read once and kept, its daily rows and its hourly ones (for ranges that
            // start or end within it); a rebuild, of any days, makes what is kept stale.
            let (from, to) = (Self.day.addingTimeInterval(86_400), Self.day.addingTimeInterval(2 * 86_400))
            let hours = (from: from.addingTimeInterval(3 * 3600), to: to)
            @Sendable func eventsBoard(_ from: Date, _ to: Date) async throws -> [String] {
                Self.ranked(
                    try await api.getAnalyticsLeaderboard(
                        path: .init(stream: stream),
                        query: .init(entity: .account, by: "events", from: from, to: to)
                    ).ok.body.json
                )
            }
            func expected(_ from: Date, _ to: Date) -> [String] {
                oracle.ranked(.account, from: from, to: to, limit: 10) { Double(oracle.count(.account, $0, $1, from: from, to: to)) }
            }
            #expect(try await eventsBoard(from, to) == expected(from, to))
            #expect(try await eventsBoard(hours.from, hours.to) == expected(hours.from, hours.to))
            let a3Hour = try #require(
                events.first { $0.platform == "twitter" && $0.names(.account) == "a3" && $0.at >= hours.from && $0.at < to }?.at
            )
            try await AnalyticsTests.withConsumer { _, client in
                try await client.query(
                    """
                    UPDATE entity_rollups SET events = events + 1000
                    WHERE tenant_id = \(UUID(uuidString: owner.tenantID)!) AND stream_id = (SELECT id FROM streams WHERE tenant_id = \(UUID(uuidString: owner.tenantID)!) AND name = \(stream))
                      AND kind = 'account' AND platform = 'twitter' AND entity = 'a3'
                      AND ((resolution = 86400 AND bucket = \(from)) OR (resolution = 3600 AND bucket = date_trunc('hour', \(a3Hour))))
                    """
                )
            }
            #expect(try await eventsBoard(from, to) == expected(from, to))  // from memory
            #expect(try await eventsBoard(hours.from, hours.to) == expected(hours.from, hours.to))
            let rebuild = { (from: Date) in
                _ = try await harness.api(owner.token).rebuildAnalytics(
                    path: .init(stream: stream),
                    body: .json(.init(from: from, to: from.addingTimeInterval(86_400)))
                ).ok
            }
            try await rebuild(Self.day)
            for (from, to) in [(from, to), hours] {  // read again
                let corrupted = Double(oracle.count(.account, "twitter", "a3", from: from, to: to) + 1000)
                #expect(try await eventsBoard(from, to).first == "twitter:a3=\(String(format: "%.4f", corrupted))")
            }
            try await rebuild(from)
            #expect(try await eventsBoard(from, to) == expected(from, to))
            #expect(try await eventsBoard(hours.from, hours.to) == expected(hours.from, hours.to))

            // A day that is not final is kept too, and brought up to date with only the rows of
            // later batches: a row changed behind the consumer's back stays as it was kept, and
            // a new event counts.
            let open = (from: Self.day.addingTimeInterval(2 * 86_400), to: Self.day.addingTimeInterval(3 * 86_400))
            #expect(try await eventsBoard(open.from, open.to) == expected(open.from, open.to))
            let extra = Social(at: Self.day.addingTimeInterval(71 * 3600 + 1800), platform: "twitter", account: "a3")
            let later = Oracle(events: events + [last, extra])
            let expectedLater = later.ranked(.account, from: open.from, to: open.to, limit: 10) {
                Double(later.count(.account, $0, $1, from: open.from, to: open.to))
            }
            #expect(expectedLater != expected(open.from, open.to))
            try await AnalyticsTests.withConsumer { consumer, client in
                let corrupt = { (delta: Int) in
                    try await client.query(
                        """
                        UPDATE entity_rollups SET events = events + \(delta)
                        WHERE tenant_id = \(UUID(uuidString: owner.tenantID)!) AND stream_id = (SELECT id FROM streams WHERE tenant_id = \(UUID(uuidString: owner.tenantID)!) AND name = \(stream))
                          AND kind = 'account' AND resolution = 86400 AND bucket = \(open.from) AND platform = 'twitter' AND entity = 'a2'
                        """
                    )
                }
                try await corrupt(1000)
                _ = try await harness.api(key).ingestBatch(path: .init(stream: stream), body: .json(.init(events: [extra.input]))).ok
                #expect(try await consumer.drain() == 1)
                #expect(try await eventsBoard(open.from, open.to) == expectedLater)
                try await corrupt(-1000)
            }

            // Bad requests are 400, never 500.
            for query in [
                "entity=actor&by=engagement", "entity=content&by=engagementPerFollower", "by=growth.", "by=nope", "limit=0",
                "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
            ] {
                let response = try await harness.send(
                    .get,
                    "/v1/streams/\(stream)/analytics/leaderboard?\(query)",
                    headers: [.authorization: "Bearer \(key)"]
                )
                #expect(response.status == .badRequest, "\(query)")
            }
            let stranger = try await harness.signup("stranger")
            _ = try await harness.api(stranger.token).getAnalyticsLeaderboard(path: .init(stream: stream)).notFound
        }
    }

    @Test("an account's follower growth and activity per day and hour, values carried over empty buckets; unknown entities 404")
    func activity() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("activity")
            let (stream, key) = try await AnalyticsTests.stream(harness, owner, partitions: 2, dimensions: [:])
            let events = Self.events()
            _ = try await harness.api(key).ingestBatch(path: .init(stream: stream), body: .json(.init(events: events.map(\.input)))).ok
            _ = try await AnalyticsTests.withConsumer { consumer, _ in try await consumer.drain() }
            let oracle = Oracle(events: events)
            let api = harness.api(key)

            let daily = try await api.getEntityActivity(
                path: .init(stream: stream, kind: .account, entityId: "a2"),
                query: .init(resolution: ._1d, from: Self.day, to: Self.day.addingTimeInterval(4 * 86_400), platform: "twitter")
            ).ok.body.json
            #expect(daily.handle == "@a2")
            #expect(daily.buckets.count == 4)
            // The last value is carried into the empty fourth day.
            #expect(daily.buckets.map { $0.metrics.additionalProperties["followers"] } == [1380, 2340, 3300, 3300])
            #expect(daily.buckets.map { $0.growth.additionalProperties["followers"] } == [880, 960, 960, nil])
            for (index, bucket) in daily.buckets.enumerated() {
                let start = Self.day.addingTimeInterval(Double(index * 86_400))
                #expect(bucket.events == oracle.count(.account, "twitter", "a2", from: start, to: start.addingTimeInterval(86_400)))
            }

            // Hourly, from the middle of the second day: the value before the range is the baseline.
            let hourly = try await api.getEntityActivity(
                path: .init(stream: stream, kind: .account, entityId: "a2"),
                query: .init(
                    resolution: ._1h,
                    from: Self.day.addingTimeInterval(30 * 3600),
                    to: Self.day.addingTimeInterval(34 * 3600),
                    platform: "twitter"
                )
            ).ok.body.json
            #expect(hourly.buckets.map { $0.metrics.additionalProperties["followers"] } == [1700, 1700, 1780, 1780])
            #expect(hourly.buckets.map { $0.growth.additionalProperties["followers"] } == [80, nil, 80, nil])

            // A post's likes; an actor's comments.
            let post = try await api.getEntityActivity(
                path: .init(stream: stream, kind: .content, entityId: "p3"),
                query: .init(resolution: ._1d, from: Self.day, to: Self.day.addingTimeInterval(86_400))
            ).ok.body.json
            #expect(post.account == "a2")
            #expect(post.buckets[0].metrics.additionalProperties["likes"] == Double(4 * 23))
            let actor = try await api.getEntityActivity(
                path: .init(stream: stream, kind: .actor, entityId: "u4"),
                query: .init(resolution: ._1d, from: Self.day, to: Self.day.addingTimeInterval(3 * 86_400))
            ).ok.body.json
            #expect(actor.buckets.reduce(0) { $0 + $1.events } == 15)

            _ = try await api.getEntityActivity(path: .init(stream: stream, kind: .account, entityId: "nobody"), query: .init()).notFound
            _ = try await api.getEntityActivity(path: .init(stream: stream, kind: .account, entityId: "a2"), query: .init(platform: "instagram"))
                .notFound
            let stranger = try await harness.signup("stranger")
            _ = try await harness.api(stranger.token).getEntityActivity(path: .init(stream: stream, kind: .account, entityId: "a2"), query: .init())
                .notFound
        }
    }
}
