import Foundation
import Logging
import PostgresNIO
import SluiceCore
import SluiceJSON

/// One second of a stream's live feed.
package struct LiveTick: Sendable {
    package struct Bucket: Sendable {
        package var bucket: Date
        package var eventType: String
        package var platform: String
        package var events: Int64
        package var metrics: [String: Double]
        var changedAt: Date
    }
    package var at: Date
    package var stored: Int64
    package var ingested: Int64
    package var watermark: Date?
    package var lag: Int64
    package var rollups: [Bucket]
    package var truncated: Bool
}

/// Where a feed stands, as the event id carries it: the time up to which rollup changes were
/// sent (milliseconds) and the events stored then. Offsets are dense and never go back, so
/// the stored total at two moments gives the events stored between them exactly.
struct LiveCursor: Sendable, Equatable {
    var changesSince: Date
    var stored: Int64

    var id: String { "\(Int64((changesSince.timeIntervalSince1970 * 1000).rounded(.down)))-\(stored)" }

    init(changesSince: Date, stored: Int64) {
        self.changesSince = changesSince
        self.stored = stored
    }

    init(id: String) throws {
        let parts = id.split(separator: "-")
        guard parts.count == 2, let milliseconds = Int64(parts[0]), let stored = Int64(parts[1]), milliseconds >= 0, stored >= 0 else {
            throw SluiceError.badRequest("Last-Event-ID is not an id this feed sent.", pointer: "/Last-Event-ID")
        }
        self.init(changesSince: Date(timeIntervalSince1970: Double(milliseconds) / 1000), stored: stored)
    }
}

extension AnalyticsService {
    /// Rollup changes are looked for this far back of the cursor, so that a batch that
    /// committed after a tick, with changes stamped before it, is still sent; the feed does
    /// not send a bucket again for the same change.
    static let liveMargin: TimeInterval = 10
    static let maxBucketsPerTick = 500

    /// Checks access at once; then a tick a second, `ticks` times, until the consumer stops.
    package func live(
        identity: Identity,
        stream name: String,
        lastEventID: String?,
        ticks: Int
    ) async throws -> AsyncThrowingStream<(id: String, tick: LiveTick), any Error> {
        try identity.require(.eventsRead)
        guard InputBounds.liveTicks.contains(ticks) else {
            throw SluiceError.badRequest("ticks is 1 to \(InputBounds.liveTicks.max).", pointer: "/ticks")
        }
        // An id this feed did not send (another server's, a mangled one) starts it afresh, as
        // a first connection would: EventSource clients resend whatever they last saw.
        let resumed = lastEventID.flatMap { try? LiveCursor(id: $0) }
        let stream = try await client.withConnection { try await streams.visible(to: identity, name: name, on: $0) }
        let (start, startStored) = try await client.withConnection { connection in
            try await store.clockAndStored(stream, on: connection)
        }
        let (events, continuation) = AsyncThrowingStream.makeStream(of: (id: String, tick: LiveTick).self, bufferingPolicy: .bufferingNewest(10))
        let task = Task {
            var cursor = resumed ?? LiveCursor(changesSince: start.addingTimeInterval(-1), stored: startStored)
            // What was sent, by bucket key, with the change it showed.
            var sent: [String: Date] = [:]
            do {
                for index in 0..<ticks {
                    if index > 0 {
                        let now = Date().timeIntervalSince1970
                        try await Task.sleep(for: .milliseconds(Int64(((now + 1).rounded(.down) - now) * 1000) + 1))
                    }
                    var tick = try await self.tick(stream, since: cursor)
                    tick.rollups.removeAll { sent["\($0.bucket.timeIntervalSince1970)|\($0.eventType)|\($0.platform)"] == $0.changedAt }
                    for bucket in tick.rollups {
                        sent["\(bucket.bucket.timeIntervalSince1970)|\(bucket.eventType)|\(bucket.platform)"] = bucket.changedAt
                    }
                    cursor = LiveCursor(
                        changesSince: tick.truncated ? (tick.rollups.last?.changedAt ?? cursor.changesSince) : tick.at,
                        stored: tick.stored
                    )
                    let horizon = cursor.changesSince.addingTimeInterval(-2 * Self.liveMargin)
                    sent = sent.filter { $0.value >= horizon }
                    continuation.yield((cursor.id, tick))
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: Task.isCancelled ? nil : error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return events
    }

    /// One snapshot, so that the stored count, the lag and the buckets agree (read one after
    /// another, a batch committed between them showed its buckets with the lag from before it).
    private func tick(_ stream: SluiceCore.Stream, since cursor: LiveCursor) async throws -> LiveTick {
        try await client.snapshot(logger: logger) { connection in
            let (at, stored) = try await store.clockAndStored(stream, on: connection)
            var tick = LiveTick(at: at, stored: stored, ingested: max(0, stored - cursor.stored), lag: 0, rollups: [], truncated: false)
            if let (applied, watermark) = try await store.appliedAndWatermark(stream, on: connection) {
                tick.lag = max(0, stored - applied)
                tick.watermark = watermark
            }
            let since = cursor.changesSince.addingTimeInterval(-Self.liveMargin)
            for (bucket, type, platform, changedAt, events, metrics) in try await store.changedBuckets(
                stream,
                since: since,
                limit: Self.maxBucketsPerTick + 1,
                on: connection
            ) {
                tick.rollups.append(
                    .init(bucket: bucket, eventType: type, platform: platform, events: events, metrics: Self.numbers(metrics), changedAt: changedAt)
                )
            }
            if tick.rollups.count > Self.maxBucketsPerTick {
                tick.rollups.removeLast(tick.rollups.count - Self.maxBucketsPerTick)
                tick.truncated = true
            }
            return tick
        }
    }
}
