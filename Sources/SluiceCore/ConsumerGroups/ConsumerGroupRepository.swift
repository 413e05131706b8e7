import Foundation
import Logging
import PostgresNIO

package struct ConsumerGroupRepository: Sendable {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    private typealias Row = (UUID, UUID, UUID, String, String, Date?, Date)

    private static let columns = "tenant_id, id, stream_id, name, start_position, start_at, created_at"

    private static func group(_ row: Row) -> ConsumerGroup {
        let start: ConsumerGroup.Start =
            switch row.4 {
            case "latest": .latest
            case "timestamp": .timestamp(row.5 ?? row.6)
            default: .earliest
            }
        return ConsumerGroup(tenantID: row.0, id: row.1, streamID: row.2, name: row.3, start: start, createdAt: row.6)
    }

    /// Inserts the group with its starting offset on each of `partitions` partitions, found in
    /// the event store: the first event at or after `from` (nil: the end).
    package func insert(_ group: ConsumerGroup, partitions: Int, from: Date?, on connection: PostgresConnection) async throws {
        let startAt: Date? = if case .timestamp(let date) = group.start { date } else { nil }
        try await connection.query(
            """
            INSERT INTO consumer_groups (tenant_id, id, stream_id, name, start_position, start_at, created_at)
            VALUES (\(group.tenantID), \(group.id), \(group.streamID), \(group.name), \(group.start.name), \(startAt), \(group.createdAt))
            """,
            logger: logger
        )
        try await connection.query(
            """
            INSERT INTO consumer_offsets (tenant_id, group_id, partition, committed_offset)
            SELECT \(group.tenantID), \(group.id), p.partition,
                   CASE WHEN \(from)::timestamptz IS NULL THEN p.next_offset
                        ELSE coalesce((SELECT min(e."offset") FROM events e
                                       WHERE e.tenant_id = p.tenant_id AND e.stream_id = p.stream_id
                                         AND e.partition = p.partition AND e.received_at >= \(from)::timestamptz), p.next_offset)
                   END
            FROM stream_partitions p
            WHERE p.tenant_id = \(group.tenantID) AND p.stream_id = \(group.streamID) AND p.partition < \(partitions)
            """,
            logger: logger
        )
    }

    func list(tenantID: UUID, streamID: UUID, on connection: PostgresConnection) async throws -> [ConsumerGroup] {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM consumer_groups WHERE tenant_id = \(tenantID) AND stream_id = \(streamID) ORDER BY name",
            logger: logger
        )
        var groups: [ConsumerGroup] = []
        for try await row in rows.decode(Row.self) { groups.append(Self.group(row)) }
        return groups
    }

    package func find(tenantID: UUID, streamID: UUID, name: String, on connection: PostgresConnection) async throws -> ConsumerGroup? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM consumer_groups
            WHERE tenant_id = \(tenantID) AND stream_id = \(streamID) AND name = \(name)
            """,
            logger: logger
        )
        for try await row in rows.decode(Row.self) { return Self.group(row) }
        return nil
    }

    package func find(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws -> ConsumerGroup? {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM consumer_groups WHERE tenant_id = \(tenantID) AND id = \(id)",
            logger: logger
        )
        for try await row in rows.decode(Row.self) { return Self.group(row) }
        return nil
    }

    func delete(_ group: ConsumerGroup, on connection: PostgresConnection) async throws {
        try await delete(tenantID: group.tenantID, id: group.id, on: connection)
    }

    package func delete(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM consumer_groups WHERE tenant_id = \(tenantID) AND id = \(id)", logger: logger)
    }

    /// Per partition of the stream: committed offset (a partition added after the group was
    /// made starts at 0), end offset, last commit, and the age of the first unconsumed event.
    func positions(_ group: ConsumerGroup, on connection: PostgresConnection) async throws -> [ConsumerGroupState.Partition] {
        let rows = try await connection.query(
            """
            SELECT p.partition, coalesce(o.committed_offset, 0), p.next_offset, o.committed_at,
                   coalesce(extract(epoch FROM now() - (
                       SELECT e.received_at FROM events e
                       WHERE e.tenant_id = p.tenant_id AND e.stream_id = p.stream_id AND e.partition = p.partition
                         AND e."offset" >= coalesce(o.committed_offset, 0)
                       ORDER BY e."offset" LIMIT 1)), 0)::float8
            FROM stream_partitions p
            LEFT JOIN consumer_offsets o ON o.tenant_id = p.tenant_id AND o.group_id = \(group.id) AND o.partition = p.partition
            WHERE p.tenant_id = \(group.tenantID) AND p.stream_id = \(group.streamID)
            ORDER BY p.partition
            """,
            logger: logger
        )
        var partitions: [ConsumerGroupState.Partition] = []
        for try await (partition, committed, end, committedAt, age) in rows.decode((Int16, Int64, Int64, Date?, Double).self) {
            partitions.append(
                .init(
                    partition: Int(partition),
                    committedOffset: committed,
                    endOffset: end,
                    lagSeconds: committed < end ? max(0, age) : 0,
                    committedAt: committedAt
                )
            )
        }
        return partitions
    }

    /// Per partition: the committed offset, the first kept offset (at or after `keptSince`,
    /// else the end), the first at or after `at` (if given, else the end), and the end.
    func bounds(
        _ group: ConsumerGroup,
        keptSince: Date,
        at: Date?,
        on connection: PostgresConnection
    ) async throws -> [(partition: Int, committed: Int64, earliest: Int64, atTime: Int64, end: Int64)] {
        let rows = try await connection.query(
            """
            SELECT p.partition, coalesce(o.committed_offset, 0), p.next_offset,
                   coalesce((SELECT min(e."offset") FROM events e
                             WHERE e.tenant_id = p.tenant_id AND e.stream_id = p.stream_id AND e.partition = p.partition
                               AND e.received_at >= \(keptSince)), p.next_offset),
                   coalesce((SELECT min(e."offset") FROM events e
                             WHERE e.tenant_id = p.tenant_id AND e.stream_id = p.stream_id AND e.partition = p.partition
                               AND e.received_at >= \(at)::timestamptz), p.next_offset)
            FROM stream_partitions p
            LEFT JOIN consumer_offsets o ON o.tenant_id = p.tenant_id AND o.group_id = \(group.id) AND o.partition = p.partition
            WHERE p.tenant_id = \(group.tenantID) AND p.stream_id = \(group.streamID)
            ORDER BY p.partition
            """,
            logger: logger
        )
        var result: [(partition: Int, committed: Int64, earliest: Int64, atTime: Int64, end: Int64)] = []
        for try await (partition, committed, end, earliest, atTime) in rows.decode((Int16, Int64, Int64, Int64, Int64).self) {
            result.append((Int(partition), committed, earliest, atTime, end))
        }
        return result
    }

    /// Sets the committed offsets, whichever way they move.
    func move(_ group: ConsumerGroup, _ moves: [OffsetMove], on connection: PostgresConnection) async throws {
        guard !moves.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO consumer_offsets (tenant_id, group_id, partition, committed_offset, committed_at)
            SELECT \(group.tenantID), \(group.id), m.partition, m.offset, now()
            FROM unnest(\(moves.map { Int16($0.partition) })::smallint[], \(moves.map(\.to))::bigint[]) AS m (partition, "offset")
            ON CONFLICT (tenant_id, group_id, partition)
            DO UPDATE SET committed_offset = excluded.committed_offset, committed_at = excluded.committed_at
            """,
            logger: logger
        )
    }

    /// Joins or heartbeats; the live members after, in join order.
    func touch(_ group: ConsumerGroup, member: String, sessionTimeoutMilliseconds: Int, on connection: PostgresConnection) async throws -> [String] {
        try await connection.query(
            """
            INSERT INTO consumer_members (tenant_id, group_id, member_id, session_timeout_ms)
            VALUES (\(group.tenantID), \(group.id), \(member), \(sessionTimeoutMilliseconds))
            ON CONFLICT (tenant_id, group_id, member_id) DO UPDATE
            SET seen_at = clock_timestamp(), session_timeout_ms = excluded.session_timeout_ms,
                -- an expired member that comes back joins anew, at the end of the line
                joined_at = CASE WHEN consumer_members.seen_at + make_interval(secs => consumer_members.session_timeout_ms / 1000.0) < clock_timestamp()
                                 THEN clock_timestamp() ELSE consumer_members.joined_at END
            """,
            logger: logger
        )
        return try await liveMembers(group, on: connection)
    }

    /// A live member was heard from (a commit): alive a session timeout more, its own.
    func heartbeat(_ group: ConsumerGroup, member: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE consumer_members SET seen_at = clock_timestamp()
            WHERE tenant_id = \(group.tenantID) AND group_id = \(group.id) AND member_id = \(member)
            """,
            logger: logger
        )
    }

    /// Moves a partition's committed offset forward to `offset`; false if it is already past it.
    func commit(_ group: ConsumerGroup, partition: Int, offset: Int64, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO consumer_offsets AS o (tenant_id, group_id, partition, committed_offset, committed_at)
            VALUES (\(group.tenantID), \(group.id), \(Int16(partition)), \(offset), now())
            ON CONFLICT (tenant_id, group_id, partition) DO UPDATE
            SET committed_offset = excluded.committed_offset, committed_at = excluded.committed_at
            WHERE o.committed_offset <= excluded.committed_offset
            RETURNING partition
            """,
            logger: logger
        )
        for try await _ in rows.decode(Int16.self) { return true }
        return false
    }

    func leave(_ group: ConsumerGroup, member: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            "DELETE FROM consumer_members WHERE tenant_id = \(group.tenantID) AND group_id = \(group.id) AND member_id = \(member)",
            logger: logger
        )
    }

    /// Members seen within their session timeout, in join order; expired ones are removed.
    package func liveMembers(_ group: ConsumerGroup, on connection: PostgresConnection) async throws -> [String] {
        try await connection.query(
            """
            DELETE FROM consumer_members
            WHERE tenant_id = \(group.tenantID) AND group_id = \(group.id)
              AND seen_at + make_interval(secs => session_timeout_ms / 1000.0) < clock_timestamp()
            """,
            logger: logger
        )
        let rows = try await connection.query(
            """
            SELECT member_id FROM consumer_members WHERE tenant_id = \(group.tenantID) AND group_id = \(group.id)
            ORDER BY joined_at, member_id
            """,
            logger: logger
        )
        var members: [String] = []
        for try await member in rows.decode(String.self) { members.append(member) }
        return members
    }

    /// Committed offsets by partition (a partition without one: 0).
    package func committed(_ group: ConsumerGroup, on connection: PostgresConnection) async throws -> [Int: Int64] {
        let rows = try await connection.query(
            "SELECT partition, committed_offset FROM consumer_offsets WHERE tenant_id = \(group.tenantID) AND group_id = \(group.id)",
            logger: logger
        )
        var offsets: [Int: Int64] = [:]
        for try await (partition, offset) in rows.decode((Int16, Int64).self) { offsets[Int(partition)] = offset }
        return offsets
    }
}
