import Foundation
import OpenAPIRuntime
import SluiceAPI
import SluiceAnalytics
import SluiceCore

extension APIImplementation {
    func getAnalyticsStatus(_ input: Operations.GetAnalyticsStatus.Input) async throws -> Operations.GetAnalyticsStatus.Output {
        let status = try await analytics.status(identity: RequestScope.identity(), stream: input.path.stream)
        return .ok(
            .init(
                body: .json(
                    .init(
                        allowedLatenessSeconds: status.allowedLatenessSeconds,
                        maxEventTime: status.maxEventTime,
                        watermark: status.watermark,
                        lateApplied: status.lateApplied,
                        lateDropped: status.lateDropped,
                        lag: status.lag
                    )
                )
            )
        )
    }

    func getAnalyticsSeries(_ input: Operations.GetAnalyticsSeries.Input) async throws -> Operations.GetAnalyticsSeries.Output {
        let query = input.query
        let metricName = query.metric ?? "events"
        let resolution = query.resolution ?? ._1h
        let series = try await analytics.series(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            metric: try AnalyticsMetric(metricName),
            resolution: Self.seconds(resolution.rawValue),
            filter: try Self.filter(from: query.from, to: query.to, eventType: query.eventType, platform: query.platform, dimensions: query.dimension)
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        metric: metricName,
                        resolution: .init(rawValue: resolution.rawValue)!,
                        from: series.from,
                        to: series.to,
                        watermark: series.watermark,
                        total: series.total,
                        buckets: series.buckets.map { .init(start: $0.start, value: $0.value, final: $0.final) }
                    )
                )
            )
        )
    }

    func getAnalyticsDistribution(_ input: Operations.GetAnalyticsDistribution.Input) async throws -> Operations.GetAnalyticsDistribution.Output {
        let query = input.query
        let metricName = query.metric ?? "events"
        let distribution = try await analytics.distribution(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            by: query.by ?? "type",
            metric: try AnalyticsMetric(metricName),
            filter: try Self.filter(
                from: query.from,
                to: query.to,
                eventType: query.eventType,
                platform: query.platform,
                dimensions: query.dimension
            ),
            limit: query.limit ?? 100
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        by: distribution.by,
                        metric: metricName,
                        from: distribution.from,
                        to: distribution.to,
                        items: distribution.items.map { .init(value: $0.value, amount: $0.amount, events: $0.events) }
                    )
                )
            )
        )
    }

    func rebuildAnalytics(_ input: Operations.RebuildAnalytics.Input) async throws -> Operations.RebuildAnalytics.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let rebuilt = try await analytics.rebuild(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            from: body.from,
            to: body.to,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(from: rebuilt.from, to: rebuilt.to, events: rebuilt.events))))
    }

    /// `5m`, `1h`, `1d` in seconds.
    static func seconds(_ resolution: String) -> Int {
        switch resolution {
        case "5m": 300
        case "1d": 86_400
        default: 3600
        }
    }

    /// The range defaults to the 24 hours up to now.
    static func filter(from: Date?, to: Date?, eventType: String?, platform: String?, dimensions: [String]?) throws -> AnalyticsFilter {
        let end = to ?? Date()
        return AnalyticsFilter(
            from: from ?? end.addingTimeInterval(-86_400),
            to: end,
            eventType: eventType,
            platform: platform,
            dimensions: try AnalyticsFilter.dimensions(dimensions)
        )
    }
}

extension APIImplementation {
    func getAnalyticsLeaderboard(_ input: Operations.GetAnalyticsLeaderboard.Input) async throws -> Operations.GetAnalyticsLeaderboard.Output {
        let query = input.query
        let kind = EntityKind(rawValue: (query.entity ?? .account).rawValue)!
        let by = query.by ?? "events"
        let board = try await analytics.leaderboard(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            kind: kind,
            metric: try LeaderboardMetric(by, kind: kind),
            filter: try Self.filter(from: query.from, to: query.to, eventType: nil, platform: query.platform, dimensions: nil),
            limit: query.limit ?? 10
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        entity: .init(rawValue: kind.rawValue)!,
                        by: by,
                        from: board.from,
                        to: board.to,
                        items: board.items.map {
                            .init(
                                entity: $0.entity,
                                platform: $0.platform,
                                handle: $0.handle,
                                account: $0.account,
                                events: $0.events,
                                value: $0.value
                            )
                        }
                    )
                )
            )
        )
    }

    func getEntityActivity(_ input: Operations.GetEntityActivity.Input) async throws -> Operations.GetEntityActivity.Output {
        let query = input.query
        let resolution = query.resolution ?? ._1d
        let kind = EntityKind(rawValue: input.path.kind.rawValue)!
        let range = try Self.filter(from: query.from, to: query.to, eventType: nil, platform: query.platform, dimensions: nil)
        let activity = try await analytics.activity(
            identity: RequestScope.identity(),
            stream: input.path.stream,
            kind: kind,
            entity: input.path.entityId,
            platform: query.platform,
            resolution: Self.seconds(resolution.rawValue),
            from: range.from,
            to: range.to
        )
        return .ok(
            .init(
                body: .json(
                    .init(
                        kind: .init(rawValue: kind.rawValue)!,
                        entity: input.path.entityId,
                        handle: activity.handle,
                        account: activity.account,
                        resolution: .init(rawValue: resolution.rawValue)!,
                        from: activity.from,
                        to: activity.to,
                        buckets: activity.buckets.map {
                            .init(
                                start: $0.start,
                                events: $0.events,
                                metrics: .init(additionalProperties: $0.metrics),
                                growth: .init(additionalProperties: $0.growth)
                            )
                        }
                    )
                )
            )
        )
    }
}

extension APIImplementation {
    func getAnalyticsLive(_ input: Operations.GetAnalyticsLive.Input) async throws -> Operations.GetAnalyticsLive.Output {
        let identity = try RequestScope.identity()
        let feed = try await analytics.live(
            identity: identity,
            stream: input.path.stream,
            lastEventID: input.headers.lastEventID,
            ticks: input.query.ticks ?? 3600
        )
        // Held while the response streams; given back when it ends or the client goes.
        let place = try feeds.take(tenant: identity.tenantID)
        let events = feed.map { id, tick in
            _ = place
            return ServerSentEventWithJSONData(event: "tick", data: Components.Schemas.AnalyticsTick(tick), id: id, retry: 1000)
        }
        return .ok(.init(body: .textEventStream(.serverSentEvents(events))))
    }
}

extension Components.Schemas.AnalyticsTick {
    init(_ tick: LiveTick) {
        self.init(
            at: tick.at,
            stored: tick.stored,
            ingested: tick.ingested,
            watermark: tick.watermark,
            lag: tick.lag,
            rollups: tick.rollups.map {
                .init(
                    bucket: $0.bucket,
                    eventType: $0.eventType,
                    platform: $0.platform,
                    events: $0.events,
                    metrics: .init(additionalProperties: $0.metrics)
                )
            },
            truncated: tick.truncated
        )
    }
}
