import Foundation
import Logging
import PostgresNIO
import SluiceJSON

package struct StreamRepository: Sendable {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    private static let columns = """
        s.tenant_id, s.id, s.name, s.description, s.partitions, s.retention_seconds, s.dedupe_window_seconds,
        s.schema_mode, s.compatibility, s.created_at, s.updated_at, s.allowed_lateness_seconds, s.rollup_dimensions::text,
        ARRAY(SELECT p.next_offset FROM stream_partitions p
              WHERE p.tenant_id = s.tenant_id AND p.stream_id = s.id ORDER BY p.partition)
        """

    private typealias Row = (
        UUID, UUID, String, String, Int16, Int32, Int32, Stream.SchemaMode, Stream.Compatibility, Date, Date, Int32, String, [Int64]
    )

    private static func stream(_ row: Row) -> Stream {
        Stream(
            tenantID: row.0,
            id: row.1,
            name: row.2,
            description: row.3,
            partitions: Int(row.4),
            retentionSeconds: Int(row.5),
            dedupeWindowSeconds: Int(row.6),
            schemaMode: row.7,
            compatibility: row.8,
            createdAt: row.9,
            updatedAt: row.10,
            nextOffsets: row.13,
            allowedLatenessSeconds: Int(row.11),
            dimensions: dimensions(json: row.12)
        )
    }

    /// The dimensions as stored: JSON text of name → pointer.
    package static func dimensionsJSON(_ dimensions: [String: String]) -> String {
        JSONValue.object(dimensions.mapValues(JSONValue.string)).jsonText
    }

    /// The stored dimensions' JSON text read back.
    package static func dimensions(json: String) -> [String: String] {
        ((try? JSONParser.parse(json))?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    func insert(_ stream: Stream, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO streams (tenant_id, id, name, description, partitions, retention_seconds,
                                 dedupe_window_seconds, schema_mode, compatibility, created_at, updated_at,
                                 allowed_lateness_seconds, rollup_dimensions)
            VALUES (\(stream.tenantID), \(stream.id), \(stream.name), \(stream.description), \(Int16(stream.partitions)),
                    \(Int32(stream.retentionSeconds)), \(Int32(stream.dedupeWindowSeconds)), \(stream.schemaMode),
                    \(stream.compatibility), \(stream.createdAt), \(stream.updatedAt),
                    \(Int32(stream.allowedLatenessSeconds)), \(Self.dimensionsJSON(stream.dimensions))::jsonb)
            """,
            logger: logger
        )
        try await addPartitions(tenantID: stream.tenantID, streamID: stream.id, from: 0, to: stream.partitions, on: connection)
    }

    func addPartitions(tenantID: UUID, streamID: UUID, from: Int, to: Int, on connection: PostgresConnection) async throws {
        guard to > from else { return }
        try await connection.query(
            """
            INSERT INTO stream_partitions (tenant_id, stream_id, partition)
            SELECT \(tenantID), \(streamID), generate_series(\(Int32(from))::int, \(Int32(to - 1))::int)
            ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
    }

    func list(tenantID: UUID, on connection: PostgresConnection) async throws -> [Stream] {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM streams s WHERE s.tenant_id = \(tenantID) AND s.deleted_at IS NULL ORDER BY s.name",
            logger: logger
        )
        var streams: [Stream] = []
        for try await row in rows.decode(Row.self) { streams.append(Self.stream(row)) }
        return streams
    }

    /// A live stream by name; `forUpdate` locks its row for a change.
    func find(tenantID: UUID, name: String, forUpdate: Bool = false, on connection: PostgresConnection) async throws -> Stream? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM streams s
            WHERE s.tenant_id = \(tenantID) AND s.name = \(name) AND s.deleted_at IS NULL
            \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """,
            logger: logger
        )
        for try await row in rows.decode(Row.self) { return Self.stream(row) }
        return nil
    }

    /// The live stream `name` of the caller's tenant, if the caller may see it; else 404 (also
    /// for a stream a key is not allowed: its existence is not revealed).
    package func visible(to identity: Identity, name: String, forUpdate: Bool = false, on connection: PostgresConnection) async throws -> Stream {
        guard identity.mayAccess(stream: name),
            let stream = try await find(tenantID: identity.tenantID, name: name, forUpdate: forUpdate, on: connection)
        else { throw SluiceError.notFound("Stream '\(name.prefix(100))'") }
        return stream
    }

    package func find(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws -> Stream? {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM streams s WHERE s.tenant_id = \(tenantID) AND s.id = \(id) AND s.deleted_at IS NULL",
            logger: logger
        )
        for try await row in rows.decode(Row.self) { return Self.stream(row) }
        return nil
    }

    func update(_ stream: Stream, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE streams SET description = \(stream.description), partitions = \(Int16(stream.partitions)),
                retention_seconds = \(Int32(stream.retentionSeconds)), dedupe_window_seconds = \(Int32(stream.dedupeWindowSeconds)),
                schema_mode = \(stream.schemaMode), compatibility = \(stream.compatibility),
                allowed_lateness_seconds = \(Int32(stream.allowedLatenessSeconds)),
                rollup_dimensions = \(Self.dimensionsJSON(stream.dimensions))::jsonb, updated_at = now()
            WHERE tenant_id = \(stream.tenantID) AND id = \(stream.id)
            """,
            logger: logger
        )
    }

    func markDeleted(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE streams SET deleted_at = now(), updated_at = now() WHERE tenant_id = \(tenantID) AND id = \(id)",
            logger: logger
        )
    }
}
