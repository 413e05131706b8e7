import Foundation
import Logging
import PostgresNIO

/// One registered version of an event type's schema.
package struct SchemaVersion: Sendable {
    package var eventType: String
    package var version: Int
    /// JSON text; nil in stream-wide listings.
    package var schema: String?
    package var fingerprint: String
    package var createdAt: Date
    package var deleted: Bool
}

struct SchemaRepository: Sendable {
    let logger: Logger

    private typealias Row = (String, Int32, String?, String, Date, Bool)

    private static func version(_ row: Row) -> SchemaVersion {
        SchemaVersion(eventType: row.0, version: Int(row.1), schema: row.2, fingerprint: row.3, createdAt: row.4, deleted: row.5)
    }

    /// Serialises registrations of one event type's schema within the transaction.
    func lock(tenantID: UUID, streamID: UUID, eventType: String, on connection: PostgresConnection) async throws {
        let key = "\(tenantID.lowercased)/\(streamID.lowercased)/\(eventType)"
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(key)))", logger: logger)
    }

    func versions(
        tenantID: UUID,
        streamID: UUID,
        eventType: String?,
        includeDeleted: Bool,
        withSchemas: Bool,
        on connection: PostgresConnection
    ) async throws -> [SchemaVersion] {
        let rows = try await connection.query(
            """
            SELECT event_type, version, CASE WHEN \(withSchemas) THEN schema::text END, fingerprint, created_at, deleted_at IS NOT NULL
            FROM stream_schemas
            WHERE tenant_id = \(tenantID) AND stream_id = \(streamID)
              AND (\(eventType)::text IS NULL OR event_type = \(eventType))
              AND (\(includeDeleted) OR deleted_at IS NULL)
            ORDER BY event_type, version
            """,
            logger: logger
        )
        var versions: [SchemaVersion] = []
        for try await row in rows.decode(Row.self) { versions.append(Self.version(row)) }
        return versions
    }

    func nextVersion(tenantID: UUID, streamID: UUID, eventType: String, on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query(
            """
            SELECT coalesce(max(version), 0) + 1 FROM stream_schemas
            WHERE tenant_id = \(tenantID) AND stream_id = \(streamID) AND event_type = \(eventType)
            """,
            logger: logger
        )
        for try await next in rows.decode(Int32.self) { return Int(next) }
        return 1
    }

    func insert(
        tenantID: UUID,
        streamID: UUID,
        _ version: SchemaVersion,
        createdBy: String,
        on connection: PostgresConnection
    ) async throws {
        try await connection.query(
            """
            INSERT INTO stream_schemas (tenant_id, stream_id, event_type, version, schema, fingerprint, created_at, created_by)
            VALUES (\(tenantID), \(streamID), \(version.eventType), \(Int32(version.version)), \(version.schema ?? "true")::jsonb,
                    \(version.fingerprint), \(version.createdAt), \(createdBy))
            """,
            logger: logger
        )
    }

    /// Returns whether a live version was deleted.
    func markDeleted(tenantID: UUID, streamID: UUID, eventType: String, version: Int, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE stream_schemas SET deleted_at = now()
            WHERE tenant_id = \(tenantID) AND stream_id = \(streamID) AND event_type = \(eventType)
              AND version = \(Int32(version)) AND deleted_at IS NULL
            RETURNING version
            """,
            logger: logger
        )
        for try await _ in rows.decode(Int32.self) { return true }
        return false
    }
}
