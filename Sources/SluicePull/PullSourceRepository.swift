import Foundation
import Logging
import NIOCore
import PostgresNIO
import SluiceJSON

/// The SQL of pull sources, their entities and runs.
package struct PullSourceRepository: Sendable {
    let logger: Logger

    static let columns = """
        tenant_id, id, stream_id, name, url_template, headers::text, secret_header_names, interval_seconds, jitter_seconds,
        timeout_ms, concurrency, requests_per_minute, retry_initial_seconds, mapping::text, state, rate_limited_until,
        created_at, updated_at
        """

    static func source(_ row: PostgresRow) throws -> PullSource {
        let c = row.makeRandomAccess()
        return PullSource(
            tenantID: try c["tenant_id"].decode(UUID.self),
            id: try c["id"].decode(UUID.self),
            streamID: try c["stream_id"].decode(UUID.self),
            name: try c["name"].decode(String.self),
            urlTemplate: try c["url_template"].decode(String.self),
            headers: strings(try c["headers"].decode(String.self)),
            secretHeaderNames: try c["secret_header_names"].decode([String].self),
            intervalSeconds: Int(try c["interval_seconds"].decode(Int32.self)),
            jitterSeconds: Int(try c["jitter_seconds"].decode(Int32.self)),
            timeoutMilliseconds: Int(try c["timeout_ms"].decode(Int32.self)),
            concurrency: Int(try c["concurrency"].decode(Int32.self)),
            requestsPerMinute: Int(try c["requests_per_minute"].decode(Int32.self)),
            retryInitialSeconds: Int(try c["retry_initial_seconds"].decode(Int32.self)),
            mapping: try mapping(try c["mapping"].decode(String.self)),
            state: try c["state"].decode(PullSource.State.self),
            rateLimitedUntil: try c["rate_limited_until"].decode(Date?.self),
            createdAt: try c["created_at"].decode(Date.self),
            updatedAt: try c["updated_at"].decode(Date.self)
        )
    }

    // MARK: JSON columns

    static func strings(_ text: String) -> [String: String] {
        ((try? JSONParser.parse(text))?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    static func json(_ strings: [String: String]) -> String {
        JSONValue.object(strings.mapValues { .string($0) }).jsonText
    }

    static func json(_ mapping: PullMapping) -> String {
        var object: [String: JSONValue] = [
            "platform": .string(mapping.platform.rawValue), "kind": .string(mapping.kind.rawValue),
            "metrics": .object(mapping.metrics.mapValues { .string($0) }),
        ]
        if let handle = mapping.handle { object["handle"] = .string(handle) }
        if let account = mapping.account { object["account"] = .string(account) }
        return JSONValue.object(object).jsonText
    }

    static func mapping(_ text: String) throws -> PullMapping {
        let object = (try? JSONParser.parse(text))?.objectValue ?? [:]
        return try PullMappingSettings(
            platform: object["platform"]?.stringValue ?? "",
            kind: object["kind"]?.stringValue,
            metrics: object["metrics"]?.objectValue?.compactMapValues(\.stringValue) ?? [:],
            handle: object["handle"]?.stringValue,
            account: object["account"]?.stringValue
        ).mapping()
    }

    // MARK: Sources

    func insert(_ s: PullSource, secretHeaders: [UInt8]?, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO pull_sources (tenant_id, id, stream_id, name, url_template, headers, secret_headers_sealed, secret_header_names,
                                      interval_seconds, jitter_seconds, timeout_ms, concurrency, requests_per_minute, retry_initial_seconds,
                                      mapping, state, created_at, updated_at)
            VALUES (\(s.tenantID), \(s.id), \(s.streamID), \(s.name), \(s.urlTemplate), \(Self.json(s.headers))::jsonb,
                    \(secretHeaders.map { ByteBuffer(bytes: $0) }), \(s.secretHeaderNames), \(Int32(s.intervalSeconds)),
                    \(Int32(s.jitterSeconds)), \(Int32(s.timeoutMilliseconds)), \(Int32(s.concurrency)), \(Int32(s.requestsPerMinute)),
                    \(Int32(s.retryInitialSeconds)), \(Self.json(s.mapping))::jsonb, \(s.state.rawValue), \(s.createdAt), \(s.updatedAt))
            """,
            logger: logger
        )
    }

    /// Writes the settings and state; the sealed secret headers only when `secretHeaders` is given.
    func update(_ s: PullSource, secretHeaders: [UInt8]??, on connection: PostgresConnection) async throws {
        let replaceSecrets = secretHeaders != nil
        let sealed: ByteBuffer? = (secretHeaders ?? nil).map { ByteBuffer(bytes: $0) }
        try await connection.query(
            """
            UPDATE pull_sources SET url_template = \(s.urlTemplate), headers = \(Self.json(s.headers))::jsonb,
                secret_headers_sealed = CASE WHEN \(replaceSecrets) THEN \(sealed) ELSE secret_headers_sealed END,
                secret_header_names = \(s.secretHeaderNames), interval_seconds = \(Int32(s.intervalSeconds)),
                jitter_seconds = \(Int32(s.jitterSeconds)), timeout_ms = \(Int32(s.timeoutMilliseconds)),
                concurrency = \(Int32(s.concurrency)), requests_per_minute = \(Int32(s.requestsPerMinute)),
                retry_initial_seconds = \(Int32(s.retryInitialSeconds)), mapping = \(Self.json(s.mapping))::jsonb,
                state = \(s.state.rawValue), rate_limited_until = \(s.rateLimitedUntil), updated_at = now()
            WHERE tenant_id = \(s.tenantID) AND id = \(s.id)
            """,
            logger: logger
        )
    }

    func find(tenantID: UUID, streamID: UUID, name: String, forUpdate: Bool = false, on connection: PostgresConnection) async throws -> PullSource? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM pull_sources WHERE tenant_id = \(tenantID) AND stream_id = \(streamID) AND name = \(name)
            \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """,
            logger: logger
        )
        for try await row in rows { return try Self.source(row) }
        return nil
    }

    func list(tenantID: UUID, streamID: UUID, on connection: PostgresConnection) async throws -> [PullSource] {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM pull_sources WHERE tenant_id = \(tenantID) AND stream_id = \(streamID) ORDER BY name",
            logger: logger
        )
        var found: [PullSource] = []
        for try await row in rows { found.append(try Self.source(row)) }
        return found
    }

    func delete(_ s: PullSource, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM pull_sources WHERE tenant_id = \(s.tenantID) AND id = \(s.id)", logger: logger)
    }

    /// The sealed secret headers, if any.
    func secretHeaders(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws -> [UInt8]? {
        let rows = try await connection.query(
            "SELECT secret_headers_sealed FROM pull_sources WHERE tenant_id = \(tenantID) AND id = \(id)",
            logger: logger
        )
        for try await sealed in rows.decode(ByteBuffer?.self) { return sealed.map { Array($0.readableBytesView) } }
        return nil
    }

    // MARK: Entities

    package struct Health: Sendable {
        package var entities = 0
        package var due = 0
        package var polling = 0
        package var failing = 0
        package var lastRunAt: Date?
        package var lastSuccessAt: Date?
        package var lastError: String?
        package var lastErrorEntity: String?
        package var lastErrorAt: Date?
        package var runsLastHour = 0
        package var failedLastHour = 0
    }

    func health(_ s: PullSource, on connection: PostgresConnection) async throws -> Health {
        var health = Health()
        for try await (entities, due, polling, failing, lastRun, lastSuccess) in try await connection.query(
            """
            SELECT count(*)::int8, count(*) FILTER (WHERE next_run_at <= now())::int8,
                   count(*) FILTER (WHERE lease_until > now())::int8, count(*) FILTER (WHERE failures > 0)::int8,
                   max(last_run_at), max(last_success_at)
            FROM pull_entities WHERE tenant_id = \(s.tenantID) AND source_id = \(s.id)
            """,
            logger: logger
        ).decode((Int64, Int64, Int64, Int64, Date?, Date?).self) {
            (health.entities, health.due, health.polling, health.failing) = (Int(entities), Int(due), Int(polling), Int(failing))
            (health.lastRunAt, health.lastSuccessAt) = (lastRun, lastSuccess)
        }
        for try await (entity, error, at) in try await connection.query(
            """
            SELECT entity, error, started_at FROM pull_runs
            WHERE tenant_id = \(s.tenantID) AND source_id = \(s.id) AND outcome <> 'ok' ORDER BY started_at DESC LIMIT 1
            """,
            logger: logger
        ).decode((String, String?, Date).self) {
            (health.lastErrorEntity, health.lastError, health.lastErrorAt) = (entity, error, at)
        }
        for try await (runs, failed) in try await connection.query(
            """
            SELECT count(*)::int8, count(*) FILTER (WHERE outcome <> 'ok')::int8 FROM pull_runs
            WHERE tenant_id = \(s.tenantID) AND source_id = \(s.id) AND started_at > now() - interval '1 hour'
            """,
            logger: logger
        ).decode((Int64, Int64).self) {
            (health.runsLastHour, health.failedLastHour) = (Int(runs), Int(failed))
        }
        return health
    }

    /// Adds entities not there yet, first polled within the jitter; answers how many were new.
    func addEntities(_ entities: [String], to s: PullSource, on connection: PostgresConnection) async throws -> Int {
        guard !entities.isEmpty else { return 0 }
        let rows = try await connection.query(
            """
            INSERT INTO pull_entities (tenant_id, source_id, entity, next_run_at)
            SELECT \(s.tenantID), \(s.id), e, now() + random() * make_interval(secs => \(Double(s.jitterSeconds)))
            FROM unnest(\(entities)::text[]) AS e
            ON CONFLICT DO NOTHING
            RETURNING entity
            """,
            logger: logger
        )
        var added = 0
        for try await _ in rows { added += 1 }
        return added
    }

    /// Removes the entities named, or (`keeping`) every entity not named; answers how many went.
    func removeEntities(_ entities: [String], keeping: Bool, from s: PullSource, on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query(
            """
            DELETE FROM pull_entities WHERE tenant_id = \(s.tenantID) AND source_id = \(s.id)
              AND (entity = ANY(\(entities)::text[])) <> \(keeping)
            RETURNING entity
            """,
            logger: logger
        )
        var removed = 0
        for try await _ in rows { removed += 1 }
        return removed
    }

    func entityCount(_ s: PullSource, on connection: PostgresConnection) async throws -> Int {
        for try await count in try await connection.query(
            "SELECT count(*)::int8 FROM pull_entities WHERE tenant_id = \(s.tenantID) AND source_id = \(s.id)",
            logger: logger
        ).decode(Int64.self) { return Int(count) }
        return 0
    }

    /// A page of entities by id after `after`; `failing` only those whose last poll failed.
    func entities(_ s: PullSource, after: String?, failing: Bool, limit: Int, on connection: PostgresConnection) async throws -> [PullEntity] {
        var found: [PullEntity] = []
        for try await (entity, next, failures, leased, lastRun, lastSuccess, status, error) in try await connection.query(
            """
            SELECT entity, next_run_at, failures, coalesce(lease_until > now(), false), last_run_at, last_success_at, last_status, last_error
            FROM pull_entities WHERE tenant_id = \(s.tenantID) AND source_id = \(s.id)
              AND (\(after)::text IS NULL OR entity > \(after)) AND (NOT \(failing) OR failures > 0)
            ORDER BY entity LIMIT \(Int64(limit))
            """,
            logger: logger
        ).decode((String, Date, Int32, Bool, Date?, Date?, Int32?, String?).self) {
            found.append(
                PullEntity(
                    entity: entity,
                    nextRunAt: next,
                    failures: Int(failures),
                    polling: leased,
                    lastRunAt: lastRun,
                    lastSuccessAt: lastSuccess,
                    lastStatus: status.map(Int.init),
                    lastError: error
                )
            )
        }
        return found
    }

    /// Due now (a manual poll): the entity, or every entity of the source. Answers how many.
    func pollNow(_ s: PullSource, entity: String?, on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query(
            """
            UPDATE pull_entities SET next_run_at = now()
            WHERE tenant_id = \(s.tenantID) AND source_id = \(s.id) AND (\(entity)::text IS NULL OR entity = \(entity))
            RETURNING entity
            """,
            logger: logger
        )
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }

    // MARK: Runs

    /// Runs newest first, before the run `before`; filtered by entity and outcome.
    func runs(
        _ s: PullSource,
        entity: String?,
        outcome: PullRun.Outcome?,
        before: UUID?,
        limit: Int,
        on connection: PostgresConnection
    ) async throws -> [PullRun] {
        var found: [PullRun] = []
        for try await (id, entity, started, duration, outcome, status, error, event) in try await connection.query(
            """
            SELECT id, entity, started_at, duration_ms, outcome, http_status, error, event_id FROM pull_runs
            WHERE tenant_id = \(s.tenantID) AND source_id = \(s.id) AND (\(entity)::text IS NULL OR entity = \(entity))
              AND (\(outcome)::text IS NULL OR outcome = \(outcome)) AND (\(before)::uuid IS NULL OR id < \(before))
            ORDER BY id DESC LIMIT \(Int64(limit))
            """,
            logger: logger
        ).decode((UUID, String, Date, Int32, PullRun.Outcome, Int32?, String?, UUID?).self) {
            found.append(
                PullRun(
                    id: id,
                    entity: entity,
                    startedAt: started,
                    durationMs: Int(duration),
                    outcome: outcome,
                    httpStatus: status.map(Int.init),
                    error: error,
                    eventID: event
                )
            )
        }
        return found
    }
}
