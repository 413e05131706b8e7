import Foundation
import HTTPTypes
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import SluiceClient
import Testing

@testable import SluiceAnalytics
@testable import SluiceCore
@testable import SluiceDatabase
@testable import SluiceServer

/// The rollups against an oracle computed here from the events the tests send; the consumer is
/// driven batch by batch (`drain`) so each test knows what has been applied.
@Suite("Analytics", .isolatedDatabase)
struct AnalyticsTests {
    /// One event as sent, and what the rollups should make of it.
    struct Sample: Sendable {
        var id = UUID()
        var type = "post.liked"
        var at: Date
        var platform: String?
        var country: String?
        var actor: String?
        var likes: Int?
        var views: Int?
        var comments: Int?
        var key: String?

        var input: Components.Schemas.EventInput {
            var data: [String: Any] = [:]
            if let platform { data["platform"] = platform }
            if let country { data["geo"] = ["country": country] }
            if let actor { data["actor"] = ["id": actor] }
            var metrics: [String: Any] = [:]
            if let likes { metrics["likes"] = likes }
            if let views { metrics["views"] = views }
            if let comments { metrics["comments"] = comments }
            if !metrics.isEmpty { data["metrics"] = metrics }
            let text = String(decoding: try! JSONSerialization.data(withJSONObject: data), as: UTF8.self)
            return .init(id: id.uuidString.lowercased(), _type: type, key: key ?? actor, occurredAt: at, data: json(text))
        }
    }

    /// What one rollup row holds, as the oracle computes it and as the table has it.
    struct Cell: Hashable, CustomStringConvertible {
        var events: Int64
        var likes: Int64
        var views: Int64
        var description: String { "\(events) events, \(likes) likes, \(views) views" }
    }

    struct CellKey: Hashable, Comparable, CustomStringConvertible {
        var resolution: Int
        var bucket: Date
        var type: String
        var platform: String
        var country: String?
        static func < (a: Self, b: Self) -> Bool { a.description < b.description }
        var description: String { "\(resolution) \(bucket.timeIntervalSince1970) \(type) \(platform) \(country ?? "-")" }
    }

    static func oracle(_ samples: [Sample], dimensions: Bool = true) -> [CellKey: Cell] {
        var cells: [CellKey: Cell] = [:]
        for sample in samples {
            for resolution in [300, 3600, 86_400] {
                let key = CellKey(
                    resolution: resolution,
                    bucket: AnalyticsService.floor(sample.at, resolution),
                    type: sample.type,
                    platform: sample.platform ?? "",
                    country: dimensions ? sample.country : nil
                )
                var cell = cells[key] ?? Cell(events: 0, likes: 0, views: 0)
                cell.events += 1
                cell.likes += Int64(sample.likes ?? 0)
                cell.views += Int64(sample.views ?? 0)
                cells[key] = cell
            }
        }
        return cells
    }

    /// The stream's rollup rows.
    static func rollups(stream: String, tenant: String, client: PostgresClient) async throws -> [CellKey: Cell] {
        var cells: [CellKey: Cell] = [:]
        let rows = try await client.query(
            """
            SELECT r.resolution, r.bucket, r.event_type, r.platform, r.dimensions->>'country', r.events,
                   coalesce((r.metrics->>'likes')::int8, 0), coalesce((r.metrics->>'views')::int8, 0)
            FROM rollups r JOIN streams s ON s.tenant_id = r.tenant_id AND s.id = r.stream_id
            WHERE s.tenant_id = \(UUID(uuidString: tenant)!) AND s.name = \(stream) AND s.deleted_at IS NULL
            """
        )
        for try await (resolution, bucket, type, platform, country, events, likes, views) in rows.decode(
            (Int32, Date, String, String, String?, Int64, Int64, Int64).self
        ) {
            cells[CellKey(resolution: Int(resolution), bucket: bucket, type: type, platform: platform, country: country)] =
                Cell(events: events, likes: likes, views: views)
        }
        return cells
    }

    /// The stream's entity rollup rows, as text.
    static func entityRows(stream: String, tenant: String, client: PostgresClient) async throws -> [String] {
        var rows: [String] = []
        for try await row in try await client.query(
            """
            SELECT concat_ws(' ', r.resolution, r.kind, r.bucket, r.platform, r.entity, r.events, r.first_event, r.last_event, r.last_metrics::text)
            FROM entity_rollups r JOIN streams s ON s.tenant_id = r.tenant_id AND s.id = r.stream_id
            WHERE s.tenant_id = \(UUID(uuidString: tenant)!) AND s.name = \(stream) AND s.deleted_at IS NULL
            ORDER BY 1
            """
        ).decode(String.self) { rows.append(row) }
        return rows
    }

    /// A Sluice that keeps the rollups (of the test's own database), with a new tenant's stream
    /// and its key (made first, on a Sluice without rollups).
    static func withLiveRollups(_ name: String, _ body: @Sendable (Harness, Account, String, String) async throws -> Void) async throws {
        let (owner, stream, key) = try await withSluice { harness in
            let owner = try await harness.signup(name)
            let (stream, key) = try await Self.stream(harness, owner, partitions: 2)
            return (owner, stream, key)
        }
        try await withSluice({
            $0.analytics.rollups = true
        }) { harness in try await body(harness, owner, stream, key) }
    }

    /// A rollup consumer (of the test's own database), on a client of its own.
    static func withConsumer<T: Sendable>(
        batchSize: Int = 5000,
        fault: (@Sendable (Int) throws -> Void)? = nil,
        _ body: @Sendable (RollupConsumer, PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: try TestEnvironment.configuration().postgresConfiguration())
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            let consumer = RollupConsumer(
                configuration: .init(batchSize: batchSize, fault: fault),
                client: client.database,
                logger: TestEnvironment.logger,
                notifier: EventNotifier(client: client.database, logger: TestEnvironment.logger)
            )
            return try await body(consumer, client)
        }
    }

    static func send(_ harness: Harness, _ stream: String, key: String, _ samples: [Sample]) async throws {
        for start in stride(from: 0, to: samples.count, by: 1000) {
            let chunk = samples[start..<min(samples.count, start + 1000)].map(\.input)
            _ = try await harness.api(key).ingestBatch(path: .init(stream: stream), body: .json(.init(events: chunk))).ok
        }
    }

    /// A stream with the `country` dimension and a lateness that lets every sample count.
    static func stream(
        _ harness: Harness,
        _ owner: Account,
        partitions: Int,
        lateness: Int = 604_800,
        dimensions: [String: String] = ["country": "/geo/country"]
    ) async throws
        -> (name: String, key: String)
    {
        let name = "a-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await harness.api(owner.token).createStream(
            body: .json(
                .init(
                    name: name,
                    partitions: partitions,
                    allowedLatenessSeconds: lateness,
                    dimensions: .init(additionalProperties: dimensions)
                )
            )
        ).created
        let key = try await harness.createKey(owner, scopes: [.events_colon_write, .events_colon_read], streams: [name])
        return (name, key.value2.secret)
    }

    /// A day in the past, at midnight UTC.
    static let day = AnalyticsService.floor(Date().addingTimeInterval(-5 * 86_400), 86_400)

    static func random(count: Int, from start: Date, hours: Int, seed: UInt64) -> [Sample] {
        var generator = SplitMix(seed: seed)
        let types = ["post.liked", "comment.created", "video.viewed"]
        let platforms: [String?] = ["twitter", "youtube", "instagram", nil]
        let countries: [String?] = ["fr", "de", "br", nil]
        return (0..<count).map { _ in
            Sample(
                type: types[Int(generator.next() % 3)],
                at: start.addingTimeInterval(Double(generator.next() % UInt64(hours * 3600))),
                platform: platforms[Int(generator.next() % 4)],
                country: countries[Int(generator.next() % 4)],
                actor: "u\(generator.next() % 40)",
                likes: Int(generator.next() % 10),
                views: generator.next() % 5 == 0 ? nil : Int(generator.next() % 1000)
            )
        }
    }

    @Test("rollups at 5 minutes, 1 hour and 1 day equal a brute-force count of the same events, across partitions and batches")
    func matchesBruteForce() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("rollups")
            let (stream, key) = try await Self.stream(harness, owner, partitions: 3)
            let samples = Self.random(count: 900, from: Self.day, hours: 48, seed: 7)
            try await Self.withConsumer(batchSize: 100) { consumer, client in
                try await Self.send(harness, stream, key: key, Array(samples[..<500]))
                let first = try await consumer.drain()
                #expect(first == 500)
                try await Self.send(harness, stream, key: key, Array(samples[500...]))
                let second = try await consumer.drain()
                #expect(second == 400)
                let third = try await consumer.drain()
                #expect(third == 0)

                let expected = Self.oracle(samples)
                let actual = try await Self.rollups(stream: stream, tenant: owner.tenantID, client: client)
                #expect(actual.count == expected.count)
                for key in expected.keys.sorted() where actual[key] != expected[key] {
                    Issue.record("\(key): expected \(expected[key]!), rolled up \(actual[key].map(\.description) ?? "nothing")")
                }

                let api = harness.api(key)
                let status = try await api.getAnalyticsStatus(path: .init(stream: stream)).ok.body.json
                #expect(status.lag == [0, 0, 0])
                #expect(status.lateDropped == 0)
                #expect(status.maxEventTime == samples.map(\.at).max())
                #expect(status.watermark == samples.map(\.at).max()!.addingTimeInterval(-604_800))
            }
        }
    }

    @Test("three dimensions (one behind an escaped pointer): each event's values, those it has, group its rollups")
    func threeDimensions() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("dimensions")
            let dimensions = ["country": "/geo/country", "lang": "/lang", "path": "/a~1b/c~0d"]
            let (stream, key) = try await Self.stream(harness, owner, partitions: 2, dimensions: dimensions)
            let bodies = [
                #"{"geo": {"country": "fr"}, "lang": "fr", "a/b": {"c~d": "x"}}"#,
                #"{"geo": {"country": "fr"}, "lang": "fr", "a/b": {"c~d": "x"}}"#,
                #"{"geo": {"country": "de"}, "a/b": {"c~d": 7}}"#,
                #"{"lang": "en"}"#,
                #"{}"#,
            ]
            let events = bodies.enumerated().map { index, body in
                Components.Schemas.EventInput(_type: "t", key: "k\(index)", occurredAt: Self.day.addingTimeInterval(60), data: json(body))
            }
            _ = try await harness.api(key).ingestBatch(path: .init(stream: stream), body: .json(.init(events: events))).ok
            try await Self.withConsumer { consumer, client in
                #expect(try await consumer.drain() == 5)
                var counts: [String: Int64] = [:]
                for try await (dimensions, events) in try await client.query(
                    """
                    SELECT r.dimensions::text, r.events FROM rollups r JOIN streams s ON s.tenant_id = r.tenant_id AND s.id = r.stream_id
                    WHERE s.tenant_id = \(UUID(uuidString: owner.tenantID)!) AND s.name = \(stream) AND r.resolution = 300
                    """
                ).decode((String, Int64).self) { counts[dimensions] = events }
                #expect(
                    counts == [
                        #"{"lang": "fr", "path": "x", "country": "fr"}"#: 2,
                        #"{"path": "7", "country": "de"}"#: 1,
                        #"{"lang": "en"}"#: 1,
                        "{}": 1,
                    ]
                )
            }
        }
    }

    @Test("a backlog applied a partition at a time loses nothing to the watermark: it follows the slowest partition behind")
    func backlogAcrossPartitions() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("backlog")
            let (stream, key) = try await Self.stream(harness, owner, partitions: 3, lateness: 3600, dimensions: [:])
            // Twelve hours in order; a batch of 40 from one partition spans far more than the hour's lateness.
            let samples = (0..<600).map { index in
                Sample(at: Self.day.addingTimeInterval(Double(index * 72)), actor: "u\(index % 37)", key: "k\(index % 11)")
            }
            try await Self.send(harness, stream, key: key, samples)
            // One batch of one partition: the others, not begun, hold the watermark where it is (none).
            struct Stop: Error {}
            try await Self.withConsumer(batchSize: 40, fault: { if $0 == 2 { throw Stop() } }) { consumer, _ in
                await #expect(throws: Stop.self) { try await consumer.drain() }
            }
            let first = try await harness.api(key).getAnalyticsStatus(path: .init(stream: stream)).ok.body.json
            #expect(first.maxEventTime != nil)
            #expect(first.watermark == nil)
            try await Self.withConsumer(batchSize: 40) { consumer, client in
                let drained = try await consumer.drain()
                #expect(drained == 560)
                let rolled = try await Self.rollups(stream: stream, tenant: owner.tenantID, client: client)
                #expect(rolled == Self.oracle(samples, dimensions: false))
                let status = try await harness.api(key).getAnalyticsStatus(path: .init(stream: stream)).ok.body.json
                #expect(status.lateDropped == 0)
                #expect(status.watermark == samples.map(\.at).max()!.addingTimeInterval(-3600))

                // Once all are caught up, an event truly late: older than the watermark.
                let late = Sample(type: "late", at: Self.day.addingTimeInterval(3600), key: "k1")
                try await Self.send(harness, stream, key: key, [late])
                let more = try await consumer.drain()
                #expect(more == 1)
                let after = try await harness.api(key).getAnalyticsStatus(path: .init(stream: stream)).ok.body.json
                #expect(after.lateDropped == 1)
            }
        }
    }

    @Test("the query API: series with empty buckets filled, every metric, filters, distribution, engagement rate")
    func queries() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("queries")
            let (stream, key) = try await Self.stream(harness, owner, partitions: 2)
            let samples = Self.random(count: 400, from: Self.day.addingTimeInterval(3600), hours: 10, seed: 11)
            try await Self.send(harness, stream, key: key, samples)
            _ = try await Self.withConsumer { consumer, _ in try await consumer.drain() }
            let api = harness.api(key)
            let path = Operations.GetAnalyticsSeries.Input.Path(stream: stream)

            // Hourly events over a day: 24 buckets, the first and the last 13 empty (filled with 0).
            let hourly = try await api.getAnalyticsSeries(
                path: path,
                query: .init(
                    metric: "events",
                    resolution: ._1h,
                    from: Self.day,
                    to: Self.day.addingTimeInterval(86_400)
                )
            ).ok.body.json
            #expect(hourly.buckets.count == 24)
            #expect(hourly.buckets.first?.start == Self.day)
            #expect(hourly.buckets[0].value == 0 && hourly.buckets[23].value == 0)
            for (index, bucket) in hourly.buckets.enumerated() {
                let start = Self.day.addingTimeInterval(Double(index * 3600))
                #expect(bucket.value == Double(samples.filter { $0.at >= start && $0.at < start.addingTimeInterval(3600) }.count), "hour \(index)")
                #expect(bucket.final == false)  // the lateness is a week: nothing is final yet
            }
            #expect(hourly.total == 400)

            // A sum, filtered by type, platform and a dimension, at 5 minutes.
            let filtered = samples.filter { $0.type == "post.liked" && $0.platform == "twitter" && $0.country == "fr" }
            let likes = try await api.getAnalyticsSeries(
                path: path,
                query: .init(
                    metric: "metrics.likes",
                    resolution: ._5m,
                    from: Self.day,
                    to: Self.day.addingTimeInterval(12 * 3600),
                    eventType: "post.liked",
                    platform: "twitter",
                    dimension: ["country=fr"]
                )
            ).ok.body.json
            #expect(likes.buckets.count == 144)
            #expect(likes.total == Double(filtered.reduce(0) { $0 + ($1.likes ?? 0) }))
            #expect(likes.buckets.reduce(0) { $0 + ($1.value ?? 0) } == likes.total)

            // Unique actors: distinct over the range, not the sum of the buckets'.
            let actors = try await api.getAnalyticsSeries(
                path: path,
                query: .init(
                    metric: "actors",
                    resolution: ._1h,
                    from: Self.day,
                    to: Self.day.addingTimeInterval(86_400)
                )
            ).ok.body.json
            #expect(actors.total == Double(Set(samples.compactMap(\.actor)).count))
            #expect(actors.buckets.reduce(0) { $0 + ($1.value ?? 0) } > actors.total!)

            // Engagement rate: (likes + comments + shares) / views; absent without views.
            let rate = try await api.getAnalyticsSeries(
                path: path,
                query: .init(
                    metric: "engagementRate",
                    resolution: ._1d,
                    from: Self.day,
                    to: Self.day.addingTimeInterval(2 * 86_400)
                )
            ).ok.body.json
            let views = samples.reduce(0) { $0 + ($1.views ?? 0) }
            let engagement = samples.reduce(0) { $0 + ($1.likes ?? 0) }
            #expect(abs(rate.buckets[0].value! - Double(engagement) / Double(views)) < 1e-9)
            #expect(rate.buckets[1].value == nil)

            // Distribution by type and by a dimension, largest first.
            let byType = try await api.getAnalyticsDistribution(
                path: .init(stream: stream),
                query: .init(
                    by: "type",
                    from: Self.day,
                    to: Self.day.addingTimeInterval(86_400)
                )
            ).ok.body.json
            let counts = Dictionary(grouping: samples, by: \.type).mapValues(\.count)
            #expect(byType.items.map(\.value) == counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key))
            #expect(byType.items.map { Int($0.events) } == counts.values.sorted(by: >))
            let byCountry = try await api.getAnalyticsDistribution(
                path: .init(stream: stream),
                query: .init(
                    by: "country",
                    metric: "metrics.views",
                    from: Self.day.addingTimeInterval(3 * 3600 + 120),
                    to: Self.day.addingTimeInterval(86_400)
                )
            ).ok.body.json
            #expect(byCountry.from == Self.day.addingTimeInterval(3 * 3600))  // taken down to 5 minutes
            let inRange = samples.filter { $0.at >= byCountry.from }
            for item in byCountry.items {
                let group = inRange.filter { ($0.country ?? "") == item.value }
                #expect(item.amount == Double(group.reduce(0) { $0 + ($1.views ?? 0) }), "country \(item.value)")
                #expect(item.events == Int64(group.count))
            }
            #expect(byCountry.items.count == 4)
            // Ends off the hour: read from 5-minute, hourly and daily rows together, still exact.
            let odd = (from: Self.day.addingTimeInterval(3 * 3600 + 600), to: Self.day.addingTimeInterval(9 * 3600 + 1500))
            let byPlatform = try await api.getAnalyticsDistribution(
                path: .init(stream: stream),
                query: .init(
                    by: "platform",
                    metric: "actors",
                    from: odd.from,
                    to: odd.to
                )
            ).ok.body.json
            let oddRange = samples.filter { $0.at >= odd.from && $0.at < odd.to }
            for item in byPlatform.items {
                let group = oddRange.filter { ($0.platform ?? "") == item.value }
                #expect(item.events == Int64(group.count), "platform \(item.value)")
                #expect(item.amount == Double(Set(group.compactMap(\.actor)).count), "platform \(item.value)")
            }
            #expect(byPlatform.items.reduce(0) { $0 + $1.events } == Int64(oddRange.count))

            // Bad parameters: 400 with a pointer, never a 500.
            for (query, pointer) in [
                ("metric=bogus", "/metric"), ("metric=metrics.", "/metric"), ("resolution=2m", "/resolution"),
                ("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "/from"),
                ("resolution=5m&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "/from"), ("dimension=nope", "/dimension"),
            ] {
                let response = try await harness.send(
                    .get,
                    "/v1/streams/\(stream)/analytics/series?\(query)",
                    headers: [.authorization: "Bearer \(key)"]
                )
                #expect(response.status == .badRequest, "\(query)")
                if pointer != "/resolution" {
                    #expect((response.problem["errors"] as? [[String: Any]])?.first?["pointer"] as? String == pointer, "\(query)")
                }
            }
            let badBy = try await harness.send(
                .get,
                "/v1/streams/\(stream)/analytics/distribution?by=city",
                headers: [.authorization: "Bearer \(key)"]
            )
            #expect(badBy.status == .badRequest)
            #expect((badBy.problem["detail"] as? String)?.contains("country") == true)
        }
    }

    @Test("a stream's lateness and dimensions: set, shown, replaced; bad values are 400 with a pointer and change nothing")
    func streamSettings() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("settings")
            let (stream, _) = try await Self.stream(harness, owner, partitions: 1, lateness: 600, dimensions: ["country": "/geo/country"])
            let api = harness.api(owner.token)
            let created = try await api.getStream(path: .init(stream: stream)).ok.body.json
            #expect(created.allowedLatenessSeconds == 600)
            #expect(created.dimensions.additionalProperties == ["country": "/geo/country"])
            let auth: HTTPFields = [.authorization: "Bearer \(owner.token)"]
            for (body, pointer) in [
                (#"{"allowedLatenessSeconds": -1}"#, "/allowedLatenessSeconds"),
                (#"{"allowedLatenessSeconds": 604801}"#, "/allowedLatenessSeconds"),
                (#"{"dimensions": {"a": "/a", "b": "/b", "c": "/c", "d": "/d"}}"#, "/dimensions"),
                (#"{"dimensions": {"9lives": "/a"}}"#, "/dimensions/9lives"),
                (#"{"dimensions": {"a-b": "/a"}}"#, "/dimensions/a-b"),
                (#"{"dimensions": {"ok": "geo"}}"#, "/dimensions/ok"),
                (#"{"dimensions": {"ok": "/"}}"#, "/dimensions/ok"),
            ] {
                let response = try await harness.send(.patch, "/v1/streams/\(stream)", body: body, headers: auth)
                #expect(response.status == .badRequest, "\(body)")
                let pointers = (response.problem["errors"] as? [[String: Any]])?.compactMap { $0["pointer"] as? String } ?? []
                #expect(pointers.contains(pointer), "\(body): \(pointers)")
            }
            let unchanged = try await api.getStream(path: .init(stream: stream)).ok.body.json
            #expect(unchanged.allowedLatenessSeconds == 600 && unchanged.dimensions == created.dimensions)
            let replaced = try await api.updateStream(
                path: .init(stream: stream),
                body: .json(
                    .init(
                        allowedLatenessSeconds: 0,
                        dimensions: .init(additionalProperties: ["tag_1": "/tags/0", "odd": "/a~1b"])
                    )
                )
            ).ok.body.json
            #expect(replaced.allowedLatenessSeconds == 0)
            #expect(replaced.dimensions.additionalProperties == ["tag_1": "/tags/0", "odd": "/a~1b"])
            let cleared = try await api.updateStream(path: .init(stream: stream), body: .json(.init(dimensions: .init(additionalProperties: [:])))).ok
                .body.json
            #expect(cleared.dimensions.additionalProperties.isEmpty)
        }
    }

    @Test("late events: within the lateness they count, beyond it they are recorded in the failure view; the watermark carries across batches")
    func lateEvents() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("late")
            let (stream, key) = try await Self.stream(harness, owner, partitions: 1, lateness: 3600, dimensions: [:])
            func at(_ hours: Double) -> Date { Self.day.addingTimeInterval(hours * 3600) }
            let samples = [
                Sample(at: at(10)), Sample(at: at(12)),  // the watermark becomes 11:00
                Sample(at: at(11.5)),  // within: counted, late_applied
                Sample(type: "late.one", at: at(10.5)),  // beyond: not counted
                Sample(at: at(11)),  // exactly at the watermark: counted
                Sample(at: at(13.5)),  // the watermark becomes 12:30
                Sample(type: "late.two", at: at(12)),  // beyond
            ]
            try await Self.send(harness, stream, key: key, samples)
            try await Self.withConsumer(batchSize: 2) { consumer, _ in
                let drained = try await consumer.drain()
                #expect(drained == 7)
            }
            let api = harness.api(key)
            let status = try await api.getAnalyticsStatus(path: .init(stream: stream)).ok.body.json
            #expect(status.maxEventTime == at(13.5))
            #expect(status.watermark == at(12.5))
            #expect(status.lateApplied == 2)
            #expect(status.lateDropped == 2)
            #expect(status.lag == [0])

            let series = try await api.getAnalyticsSeries(
                path: .init(stream: stream),
                query: .init(
                    resolution: ._1h,
                    from: at(10),
                    to: at(14)
                )
            ).ok.body.json
            #expect(series.buckets.map(\.value) == [1, 2, 1, 1])
            #expect(series.buckets.map(\.final) == [true, true, false, false])
            #expect(series.watermark == at(12.5))

            let failures = try await api.listFailures(path: .init(stream: stream), query: .init(kind: .late)).ok.body.json.items
            #expect(failures.map(\.eventType).sorted() == ["late.one", "late.two"])
            #expect(failures.map(\.offset).compactMap { $0 }.sorted() == [3, 6])
            #expect(failures.allSatisfy { $0.kind == .late && $0.reason.contains("watermark") && $0.partition == 0 })
            #expect(Set(failures.map(\.eventId)) == Set([samples[3].id, samples[6].id].map { $0.uuidString.lowercased() }))
            // One place: the unfiltered failure view lists them too.
            #expect(try await api.listFailures(path: .init(stream: stream)).ok.body.json.items.count == 2)

            // A producer's clock far in the future counts, but moves the watermark only to its receipt (+5 min).
            try await Self.send(harness, stream, key: key, [Sample(at: Date(timeIntervalSince1970: 4_102_444_800))])
            try await Self.withConsumer { consumer, _ in
                let drained = try await consumer.drain()
                #expect(drained == 1)
            }
            let after = try await api.getAnalyticsStatus(path: .init(stream: stream)).ok.body.json
            #expect(after.maxEventTime.map { $0 < Date().addingTimeInterval(301) && $0 > Date().addingTimeInterval(200) } == true)
            #expect(after.lateDropped == 2)
        }
    }

    @Test("exactly once with many consumers: four racing concurrent producers roll up every event once, bucket by bucket")
    func manyConsumers() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("racing")
            let (stream, key) = try await Self.stream(harness, owner, partitions: 2)
            let samples = Self.random(count: 1200, from: Self.day, hours: 24, seed: 11)
            // The consumers' database is 10 ms away, so that appends commit between a batch's
            // statements, as they do on a busy node.
            var far = TestEnvironment.configuration()
            var url = URLComponents(string: far.databaseURL)!
            let proxy = try SlowProxy(to: url.port ?? 5432, delay: .milliseconds(10))
            defer { proxy.stop() }
            url.port = proxy.port
            far.databaseURL = url.string!
            let api = harness.api(key)
            try await withClient(try far.postgresConfiguration()) { client in
                let consumers = (0..<4).map { _ in
                    RollupConsumer(
                        configuration: .init(batchSize: 50),
                        client: client.database,
                        logger: TestEnvironment.logger,
                        notifier: EventNotifier(client: client.database, logger: TestEnvironment.logger)
                    )
                }
                let sent = NIOLockedValueBox(false)
                let sending = Task {
                    try await withThrowingTaskGroup(of: Void.self) { producers in
                        for slice in 0..<4 {
                            producers.addTask {
                                for start in stride(from: slice * 300, to: (slice + 1) * 300, by: 3) {
                                    let chunk = samples[start..<start + 3].map(\.input)
                                    _ = try await api.ingestBatch(path: .init(stream: stream), body: .json(.init(events: chunk))).ok
                                    try await Task.sleep(for: .milliseconds(5))
                                }
                            }
                        }
                        try await producers.waitForAll()
                    }
                    sent.withLockedValue { $0 = true }
                }
                try await withThrowingTaskGroup(of: Void.self) { racing in
                    for consumer in consumers {
                        racing.addTask {
                            // Until the producers are done and a last drain finds nothing.
                            while true {
                                let finished = sent.withLockedValue { $0 }
                                if try await consumer.drain() == 0 {
                                    if finished { return }
                                    try await Task.sleep(for: .milliseconds(1))
                                }
                            }
                        }
                    }
                    try await racing.waitForAll()
                }
                try await sending.value
                let expected = Self.oracle(samples)
                let actual = try await Self.rollups(stream: stream, tenant: owner.tenantID, client: client)
                #expect(actual.count == expected.count)
                var missing: Int64 = 0
                for key in expected.keys.sorted() where actual[key] != expected[key] {
                    if key.resolution == 86_400 { missing += expected[key]!.events - (actual[key]?.events ?? 0) }
                    Issue.record("\(key): expected \(expected[key]!), rolled up \(actual[key].map(\.description) ?? "nothing")")
                }
                #expect(missing == 0, "events never rolled up")
            }
        }
    }

    @Test("exactly once: duplicates count once, and a consumer that fails mid-batch neither loses nor double-counts")
    func exactlyOnce() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("once")
            let (stream, key) = try await Self.stream(harness, owner, partitions: 2)
            let samples = Self.random(count: 60, from: Self.day, hours: 6, seed: 3)
            try await Self.send(harness, stream, key: key, samples)
            try await Self.send(harness, stream, key: key, Array(samples[10..<30]))  // retried: the same ids
            try await Self.send(harness, stream, key: key, [samples[0], samples[0], samples[1]])

            struct Crash: Error {}
            try await Self.withConsumer(batchSize: 7, fault: { batch in if batch == 3 { throw Crash() } }) {
                consumer,
                client in
                await #expect(throws: Crash.self) { try await consumer.drain() }
                // What was committed is what the offsets say, no more, no less.
                var committed: Int64 = 0
                for try await next in try await client.query(
                    """
                    SELECT coalesce(sum(o.next_offset), 0)::int8 FROM rollup_offsets o JOIN streams s ON s.id = o.stream_id
                    WHERE s.tenant_id = \(UUID(uuidString: owner.tenantID)!) AND s.name = \(stream)
                    """
                ).decode(Int64.self) { committed = next }
                #expect(committed == 14)
                let partial = try await Self.rollups(stream: stream, tenant: owner.tenantID, client: client)
                #expect(partial.filter { $0.key.resolution == 86_400 }.values.reduce(0) { $0 + $1.events } == committed)
            }
            try await Self.withConsumer(batchSize: 7) { consumer, client in
                let drained = try await consumer.drain()
                #expect(drained == 46)
                let rolled = try await Self.rollups(stream: stream, tenant: owner.tenantID, client: client)
                #expect(rolled == Self.oracle(samples))
            }
        }
    }

    @Test("unique actors: the HyperLogLog estimate is within 3 standard errors (2.3% each), and merges over a range")
    func uniqueActors() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("hll")
            let (stream, key) = try await Self.stream(harness, owner, partitions: 2, dimensions: [:])
            // 10,000 actors, each active in two different hours.
            let samples = (0..<20_000).map { index in
                Sample(at: Self.day.addingTimeInterval(Double((index % 4) * 3600 + index % 3000)), actor: "actor-\(index / 2)")
            }
            try await Self.send(harness, stream, key: key, samples)
            try await Self.withConsumer { consumer, _ in
                let drained = try await consumer.drain()
                #expect(drained == 20_000)
            }
            let series = try await harness.api(key).getAnalyticsSeries(
                path: .init(stream: stream),
                query: .init(
                    metric: "actors",
                    resolution: ._1h,
                    from: Self.day,
                    to: Self.day.addingTimeInterval(4 * 3600)
                )
            ).ok.body.json
            let bound = 3 * 1.04 / Double(2048).squareRoot()
            #expect(abs(series.total! - 10_000) / 10_000 < bound, "estimated \(series.total!)")
            for bucket in series.buckets { #expect(abs(bucket.value! - 5000) / 5000 < bound, "estimated \(bucket.value!)") }
        }
    }

    @Test("rebuild: equal to the original, applies new dimensions to the past, never double-counts while ingest goes on; permissions")
    func rebuild() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("rebuild")
            let (stream, key) = try await Self.stream(harness, owner, partitions: 2, dimensions: [:])
            let samples = Self.random(count: 500, from: Self.day, hours: 40, seed: 5)
            try await Self.send(harness, stream, key: key, samples)
            try await Self.withConsumer { consumer, client in
                try await consumer.drain()
                // Beyond the week's lateness, once the rest is in: left out, and out of rebuilds too.
                try await Self.send(harness, stream, key: key, [Sample(at: Self.day.addingTimeInterval(-8 * 86_400))])
                let lateOne = try await consumer.drain()
                #expect(lateOne == 1)
                let original = try await Self.rollups(stream: stream, tenant: owner.tenantID, client: client)
                #expect(original == Self.oracle(samples, dimensions: false))
                let originalEntities = try await Self.entityRows(stream: stream, tenant: owner.tenantID, client: client)
                #expect(originalEntities.count > 40)

                let api = harness.api(owner.token)
                let rebuilt = try await api.rebuildAnalytics(
                    path: .init(stream: stream),
                    body: .json(
                        .init(
                            from: Self.day.addingTimeInterval(3600),
                            to: Self.day.addingTimeInterval(40 * 3600)
                        )
                    )
                ).ok.body.json
                #expect(rebuilt.from == Self.day && rebuilt.to == Self.day.addingTimeInterval(2 * 86_400))
                #expect(rebuilt.events == 500)  // the late event stays out
                let again = try await Self.rollups(stream: stream, tenant: owner.tenantID, client: client)
                #expect(again == original)
                let entitiesAgain = try await Self.entityRows(stream: stream, tenant: owner.tenantID, client: client)
                #expect(entitiesAgain == originalEntities)

                // New dimensions apply to the past once rebuilt; ingest and the consumer go on meanwhile.
                _ = try await api.updateStream(
                    path: .init(stream: stream),
                    body: .json(.init(dimensions: .init(additionalProperties: ["country": "/geo/country"])))
                ).ok
                let more = Self.random(count: 200, from: Self.day, hours: 40, seed: 6)
                async let ingest: Void = Self.send(harness, stream, key: key, more)
                async let drained = consumer.drain()
                _ = try await api.rebuildAnalytics(
                    path: .init(stream: stream),
                    body: .json(.init(from: Self.day, to: Self.day.addingTimeInterval(2 * 86_400)))
                ).ok
                try await ingest
                _ = try await drained
                try await consumer.drain()
                let all = samples + more
                let withDimensions = try await Self.rollups(stream: stream, tenant: owner.tenantID, client: client)
                #expect(withDimensions == Self.oracle(all))

                let audit = try await api.listAuditLog(query: .init(action: "analytics.rebuilt")).ok.body.json.items
                #expect(audit.count == 2)
            }

            // Bad ranges, a member who may not, a key, another tenant.
            let api = harness.api(owner.token)
            for (from, to) in [(Self.day, Self.day), (Self.day, Self.day.addingTimeInterval(40 * 86_400))] {
                let response = try await api.rebuildAnalytics(path: .init(stream: stream), body: .json(.init(from: from, to: to)))
                #expect(try response.badRequest.body.applicationProblemJson.status == 400)
            }
            let body = Components.Schemas.AnalyticsRebuildRequest(from: Self.day, to: Self.day.addingTimeInterval(86_400))
            let viewer = try await harness.member(of: owner, role: .viewer)
            _ = try await harness.api(viewer.token).rebuildAnalytics(path: .init(stream: stream), body: .json(body)).forbidden
            _ = try await harness.api(viewer.token).getAnalyticsStatus(path: .init(stream: stream)).ok
            _ = try await harness.api(key).rebuildAnalytics(path: .init(stream: stream), body: .json(body)).forbidden
            let stranger = try await harness.signup("stranger")
            _ = try await harness.api(stranger.token).rebuildAnalytics(path: .init(stream: stream), body: .json(body)).notFound
            _ = try await harness.api(stranger.token).getAnalyticsSeries(path: .init(stream: stream)).notFound
            _ = try await harness.api(stranger.token).getAnalyticsDistribution(path: .init(stream: stream)).notFound
            let writeOnly = try await harness.createKey(owner, scopes: [.events_colon_write], streams: [stream])
            _ = try await harness.api(writeOnly.value2.secret).getAnalyticsSeries(path: .init(stream: stream)).forbidden
            let otherStream = try await harness.createKey(owner, scopes: [.events_colon_read], streams: ["elsewhere"])
            _ = try await harness.api(otherStream.value2.secret).getAnalyticsSeries(path: .init(stream: stream)).notFound
        }
    }

    @Test("sluice serve keeps the rollups live: events sent are counted moments later, woken by the store")
    func liveConsumer() async throws {
        try await Self.withLiveRollups("live") { harness, owner, stream, key in
            let now = Date()
            let samples = (0..<50).map { Sample(at: now.addingTimeInterval(-Double($0)), actor: "a\($0)") }
            try await Self.send(harness, stream, key: key, samples)
            var total: Double?
            for _ in 0..<100 {
                total = try await harness.api(key).getAnalyticsSeries(path: .init(stream: stream), query: .init(resolution: ._1d)).ok.body.json.total
                if total == 50 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(total == 50)
            #expect(try await harness.metric(#"sluice_rollup_events_total{outcome="applied"}"#) == 50)
        }
    }

    @Test(
        "the live feed: a tick a second with the events stored and the 5-minute buckets changed; resumes from Last-Event-ID; an unknown id starts afresh"
    )
    func liveFeed() async throws {
        try await Self.withLiveRollups("feed") { harness, owner, stream, key in
            let at = AnalyticsService.floor(Date(), 300).addingTimeInterval(-600)
            let auth: HTTPFields = [.authorization: "Bearer \(key)"]
            // Eight ticks: the feed has a second and a half to take its first snapshot before the
            // events come, and the consumer five seconds to catch up, on a loaded machine too.
            async let feed = harness.send(.get, "/v1/streams/\(stream)/analytics/live?ticks=8", headers: auth)
            try await Task.sleep(for: .milliseconds(1500))
            try await Self.send(
                harness,
                stream,
                key: key,
                (0..<20).map { Sample(type: "post.liked", at: at.addingTimeInterval(Double($0)), platform: "twitter", likes: 2) }
            )
            let response = try await feed
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let ticks = Self.ticks(String(buffer: response.body))
            #expect(ticks.count == 8)
            #expect(ticks.reduce(0) { $0 + $1.tick.ingested } == 20)
            #expect(ticks.last?.tick.stored == 20)
            let buckets = ticks.flatMap(\.tick.rollups).filter { $0.bucket == at && $0.eventType == "post.liked" }
            #expect(buckets.last?.events == 20)
            #expect(buckets.last?.platform == "twitter")
            #expect(buckets.last?.metrics.additionalProperties["likes"] == 40)
            #expect(ticks.last?.tick.lag == 0)

            // Resumed through the generated client: the first tick counts what was stored since.
            try await Self.send(
                harness,
                stream,
                key: key,
                (0..<5).map { Sample(type: "post.liked", at: at.addingTimeInterval(Double($0)), platform: "twitter") }
            )
            for _ in 0..<50 {
                if try await harness.api(key).getAnalyticsStatus(path: .init(stream: stream)).ok.body.json.lag == [0, 0] { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let resumed = try await harness.api(key).getAnalyticsLive(
                path: .init(stream: stream),
                query: .init(ticks: 1),
                headers: .init(lastEventID: ticks.last!.id)
            ).ok.body.textEventStream
            var first: Components.Schemas.AnalyticsTick?
            for try await event in resumed.asDecodedServerSentEventsWithJSONData(of: Components.Schemas.AnalyticsTick.self, decoder: Self.decoder) {
                first = event.data
            }
            #expect(first?.ingested == 5)
            #expect(first?.stored == 25)
            #expect(first?.rollups.first { $0.bucket == at && $0.eventType == "post.liked" }?.events == 25)

            // An id the feed did not send starts it afresh, as a first connection does.
            let fresh = try await harness.send(
                .get,
                "/v1/streams/\(stream)/analytics/live?ticks=1",
                headers: auth + [HTTPField.Name("Last-Event-ID")!: "garbage"]
            )
            #expect(fresh.status == .ok)
            let data = String(buffer: fresh.body).split(separator: "\n").first { $0.hasPrefix("data:") }.map { $0.dropFirst(5) }
            let tick = try data.map { try Self.decoder.decode(Components.Schemas.AnalyticsTick.self, from: Data($0.utf8)) }
            #expect(tick?.ingested == 0)
            #expect(tick?.stored == 25)
            let stranger = try await harness.signup("stranger")
            _ = try await harness.api(stranger.token).getAnalyticsLive(path: .init(stream: stream), query: .init(ticks: 1)).notFound
            let writeOnly = try await harness.createKey(owner, scopes: [.events_colon_write], streams: [stream])
            _ = try await harness.api(writeOnly.value2.secret).getAnalyticsLive(path: .init(stream: stream), query: .init(ticks: 1)).forbidden
        }
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = RFC3339.date(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: text))
            }
            return date
        }
        return decoder
    }()

    /// The `tick` events of an event stream's text.
    static func ticks(_ text: String) -> [(id: String, tick: Components.Schemas.AnalyticsTick)] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var id: String?
            var data: String?
            var event: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
            }
            guard event == "tick", let id, let data, let tick = try? decoder.decode(Components.Schemas.AnalyticsTick.self, from: Data(data.utf8))
            else { return nil }
            return (id, tick)
        }
    }
}

/// A small seeded generator, so a failing test fails the same way again.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
