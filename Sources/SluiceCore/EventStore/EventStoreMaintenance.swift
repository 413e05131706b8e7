import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import SluiceDatabase

/// Keeps the event store's time partitions: creates them a week ahead, drops those every
/// stream's retention has passed, and forgets producer ids older than their dedupe window.
/// Runs every `interval` (and once at start-up, after the migrations: see
/// `buildApplication`); safe on several nodes at once (the SQL functions take an advisory lock).
package struct EventStoreMaintenance: Service {
    let client: Database
    let logger: Logger
    var interval: Duration = .seconds(3600)

    package init(client: Database, logger: Logger, interval: Duration = .seconds(3600)) {
        self.client = client
        self.logger = logger
        self.interval = interval
    }

    package func run() async throws {
        try await repeatEvery(interval, immediately: false) { await runOnce() }
    }

    package func runOnce() async {
        do {
            let created = try await client.query("SELECT events_ensure_partitions(1, 7)", logger: logger)
            for try await count in created.decode(Int32.self) where count > 0 {
                logger.info("created event partitions", metadata: ["count": "\(count)"])
            }
            let dropped = try await client.query("SELECT events_drop_expired_partitions()", logger: logger)
            for try await name in dropped.decode(String.self) {
                logger.info("dropped expired event partition", metadata: ["partition": "\(name)"])
            }
            try await client.query(
                """
                DELETE FROM event_ids e USING streams s
                WHERE s.tenant_id = e.tenant_id AND s.id = e.stream_id
                  AND e.received_at < now() - make_interval(secs => s.dedupe_window_seconds)
                """,
                logger: logger
            )
        } catch {
            logger.error("event store maintenance failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
