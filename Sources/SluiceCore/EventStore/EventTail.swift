import Foundation
import PostgresNIO
import SluiceDatabase
import SluiceSupport

/// What the tail sends at once: the events stored since the previous batch that matched,
/// sampled down to the rate asked for.
package struct TailBatch: Sendable {
    package var at: Date
    package var matched: Int64
    package var sampled: Bool
    package var skipped: Int64
    package var events: [StoredEvent]
}

/// Where a tail stands: the next offset it reads in each partition, as the SSE id carries it
/// ("12.0.7" for three partitions).
struct TailCursor: Sendable, Equatable {
    var next: [Int64]

    var id: String { next.map(String.init).joined(separator: ".") }

    /// An id this tail sent, or nil (then it starts at the end).
    init?(id: String, partitions: Int) {
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= partitions, !parts.isEmpty else { return nil }
        var next: [Int64] = []
        for part in parts {
            guard part.utf8.count <= 18, let offset = Int64(part), offset >= 0 else { return nil }
            next.append(offset)
        }
        self.next = next
    }

    init(next: [Int64]) { self.next = next }
}

extension EventReader {
    /// The tail reads every quarter second.
    static let tailInterval: Duration = .milliseconds(250)
    /// A partition that grew by more than this between two reads is jumped to its end.
    package static let tailReadLimit: Int64 = 2000
    /// A batch with no events is sent this often, so that a client knows the tail is alive.
    static let tailHeartbeat: TimeInterval = 5

    /// The stream's events as they are stored, from the end of each partition (or where
    /// `lastEventID` left off), matching `type` and `key`, at most `maxPerSecond` a second
    /// (evenly sampled beyond that), for `seconds`. Checks access before it starts.
    package func tail(
        stream: Stream,
        type: String?,
        key: String?,
        maxPerSecond: Int,
        seconds: Int,
        lastEventID: String?
    ) async throws -> AsyncThrowingStream<(id: String, batch: TailBatch), any Error> {
        guard (1...1000).contains(maxPerSecond) else {
            throw SluiceError.badRequest("maxPerSecond is 1 to 1,000.", pointer: "/maxPerSecond")
        }
        guard (1...3600).contains(seconds) else { throw SluiceError.badRequest("seconds is 1 to 3,600.", pointer: "/seconds") }
        let ends = try await self.ends(stream)
        var cursor = lastEventID.flatMap { TailCursor(id: $0, partitions: ends.count) } ?? TailCursor(next: ends)
        // Partitions the id did not name (added since) start at their end.
        if cursor.next.count < ends.count { cursor.next += ends[cursor.next.count...] }
        let (events, continuation) = AsyncThrowingStream.makeStream(of: (id: String, batch: TailBatch).self, bufferingPolicy: .bufferingNewest(8))
        let deadline = ContinuousClock.now + .seconds(seconds)
        let task = Task { [cursor] in
            var cursor = cursor
            var allowance = Double(maxPerSecond)
            var last = ContinuousClock.now
            var lastSent = Date.distantPast
            do {
                while ContinuousClock.now < deadline {
                    try await Task.sleep(for: Self.tailInterval)
                    let now = ContinuousClock.now
                    allowance = min(Double(maxPerSecond), allowance + Double(maxPerSecond) * (now - last).timeInterval)
                    last = now
                    var batch = try await read(stream, from: &cursor, type: type, key: key)
                    let budget = Int(allowance.rounded(.down))
                    if batch.events.count > budget {
                        batch.events = Self.evenSample(batch.events, count: budget)
                        batch.sampled = true
                    }
                    allowance -= Double(batch.events.count)
                    guard batch.matched > 0 || batch.skipped > 0 || batch.at.timeIntervalSince(lastSent) >= Self.tailHeartbeat else { continue }
                    lastSent = batch.at
                    continuation.yield((cursor.id, batch))
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: Task.isCancelled ? nil : error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return events
    }

    /// `count` of `items`, spread evenly from first to last.
    static func evenSample<T>(_ items: [T], count: Int) -> [T] {
        guard count > 0 else { return [] }
        guard items.count > count else { return items }
        return (0..<count).map { items[$0 * items.count / count] }
    }

    /// Each partition's end (the offset the next event gets).
    private func ends(_ stream: Stream) async throws -> [Int64] {
        let rows = try await client.query(
            "SELECT next_offset FROM stream_partitions WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id) ORDER BY partition",
            logger: logger
        )
        var ends: [Int64] = []
        for try await end in rows.decode(Int64.self) { ends.append(end) }
        return ends
    }

    /// The matching events between the cursor and each partition's end, in the order they were
    /// received; moves the cursor to the ends. Every event below an end is committed (a
    /// partition's offsets are taken and stored in one transaction).
    private func read(_ stream: Stream, from cursor: inout TailCursor, type: String?, key: String?) async throws -> TailBatch {
        let ends = try await self.ends(stream)
        if cursor.next.count < ends.count { cursor.next += Array(repeating: 0, count: ends.count - cursor.next.count) }
        var batch = TailBatch(at: Date(), matched: 0, sampled: false, skipped: 0, events: [])
        var partitions: [Int64] = []
        var froms: [Int64] = []
        var tos: [Int64] = []
        for (partition, end) in ends.enumerated() where end > cursor.next[partition] {
            var from = cursor.next[partition]
            if end - from > Self.tailReadLimit {
                batch.skipped += end - Self.tailReadLimit - from
                from = end - Self.tailReadLimit
            }
            partitions.append(Int64(partition))
            froms.append(from)
            tos.append(end)
            cursor.next[partition] = end
        }
        guard !partitions.isEmpty else { return batch }
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM events e
            JOIN unnest(\(partitions)::int8[], \(froms)::int8[], \(tos)::int8[]) AS r(p, f, t)
              ON e.partition = r.p AND e."offset" >= r.f AND e."offset" < r.t
            WHERE e.tenant_id = \(stream.tenantID) AND e.stream_id = \(stream.id)
              AND e.received_at >= now() - interval '1 day'
              AND (\(type)::text IS NULL OR e.type = \(type)::text)
              AND (\(key)::text IS NULL OR e.key = \(key)::text)
            ORDER BY e.received_at, e.partition, e."offset"
            """,
            logger: logger
        )
        for try await row in rows.decode(Row.self) { batch.events.append(Self.event(row)) }
        batch.matched = Int64(batch.events.count)
        return batch
    }
}
