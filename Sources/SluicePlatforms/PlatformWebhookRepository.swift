import Foundation
import Logging
import NIOCore
import PostgresNIO
import SluiceCore
import SluiceDatabase

/// The SQL of `platform_webhooks`: one Instagram webhook subscription per stream.
struct PlatformWebhookRepository: Sendable {
    let logger: Logger

    /// Creates or replaces the stream's subscription; answers its id (the existing one when replaced).
    func upsert(
        tenantID: UUID,
        id: UUID,
        streamID: UUID,
        sealedSecret: [UInt8],
        tokenHash: [UInt8],
        on connection: PostgresConnection
    ) async throws -> UUID {
        let rows = try await connection.query(
            """
            INSERT INTO platform_webhooks (tenant_id, id, stream_id, platform, app_secret_sealed, verify_token_hash)
            VALUES (\(tenantID), \(id), \(streamID), 'instagram', \(ByteBuffer(bytes: sealedSecret)), \(ByteBuffer(bytes: tokenHash)))
            ON CONFLICT (tenant_id, stream_id, platform) DO UPDATE
                SET app_secret_sealed = EXCLUDED.app_secret_sealed, verify_token_hash = EXCLUDED.verify_token_hash
            RETURNING id
            """,
            logger: logger
        )
        for try await existing in rows.decode(UUID.self) { return existing }
        return id
    }

    /// Deletes the stream's subscription; false when it had none.
    func delete(tenantID: UUID, streamID: UUID, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "DELETE FROM platform_webhooks WHERE tenant_id = \(tenantID) AND stream_id = \(streamID) RETURNING id",
            logger: logger
        )
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// The subscription `id` (of any tenant: the callback URL names it), sealed secret and token hash as stored.
    func find(id: UUID, on client: Database) async throws -> (tenantID: UUID, id: UUID, streamID: UUID, sealedSecret: [UInt8], tokenHash: [UInt8])? {
        let rows = try await client.query(
            "SELECT tenant_id, id, stream_id, app_secret_sealed, verify_token_hash FROM platform_webhooks WHERE id = \(id)",
            logger: logger
        )
        for try await row in rows.decode((UUID, UUID, UUID, ByteBuffer, ByteBuffer).self) {
            return (row.0, row.1, row.2, Array(buffer: row.3), Array(buffer: row.4))
        }
        return nil
    }
}
