import Foundation
import Logging
import PostgresNIO
import SluiceDatabase

/// The streams ingest needs, cached for a short time so that a request does not read its
/// stream from PostgreSQL. A change on this node takes effect at once (`invalidate`); one
/// made on another node within `timeToLive`. A deleted stream is also caught by the writer,
/// which locks the stream's partition row and finds it gone.
public actor StreamCatalog {
    private struct Key: Hashable {
        var tenantID: UUID
        var name: String
    }

    private var entries: [Key: (stream: Stream?, expires: ContinuousClock.Instant)] = [:]
    private let client: Database
    private let logger: Logger
    private let timeToLive: Duration

    package init(client: Database, logger: Logger, timeToLive: Duration = .seconds(2)) {
        self.client = client
        self.logger = logger
        self.timeToLive = timeToLive
    }

    func stream(tenantID: UUID, name: String) async throws -> Stream? {
        let key = Key(tenantID: tenantID, name: name)
        let now = ContinuousClock.now
        if let entry = entries[key], entry.expires > now { return entry.stream }
        let stream = try await client.withConnection { [logger] connection in
            try await StreamRepository(logger: logger).find(tenantID: tenantID, name: name, on: connection)
        }
        if entries.count > 10_000 { entries.removeAll(keepingCapacity: true) }
        entries[key] = (stream, now + timeToLive)
        return stream
    }

    /// A live stream by id (webhooks name the stream by id), uncached.
    package func stream(tenantID: UUID, id: UUID) async throws -> Stream? {
        try await client.withConnection { [logger] connection in
            try await StreamRepository(logger: logger).find(tenantID: tenantID, id: id, on: connection)
        }
    }

    func invalidate(tenantID: UUID, name: String) {
        entries[Key(tenantID: tenantID, name: name)] = nil
    }
}
