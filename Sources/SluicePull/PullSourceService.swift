import Foundation
import Logging
import PostgresNIO
import SluiceCore
import SluiceDatabase
import SluiceJSON

/// A source with what an operator watches: how its polling goes.
package struct PullSourceState: Sendable {
    package var source: PullSource
    package var stream: String
    package var health: PullSourceRepository.Health
}

/// Pull sources per stream: their settings and sealed secret headers, their entities, pause
/// and resume, manual polls and the runs. Reading needs `events:read` on the stream; changing
/// anything `streams:manage`. Every change is audited (secret header names, never values).
package struct PullSourceService: Sendable {
    let client: Database
    let logger: Logger
    let audit: AuditLog
    let box: SecretBox
    let allowPrivateNetworks: Bool
    /// Tells this node's pull worker that something may be due now.
    let wakeWorkers: @Sendable () -> Void

    package init(
        client: Database,
        logger: Logger,
        audit: AuditLog,
        box: SecretBox,
        allowPrivateNetworks: Bool,
        wakeWorkers: @escaping @Sendable () -> Void
    ) {
        self.client = client
        self.logger = logger
        self.audit = audit
        self.box = box
        self.allowPrivateNetworks = allowPrivateNetworks
        self.wakeWorkers = wakeWorkers
    }

    var sources: PullSourceRepository { .init(logger: logger) }
    var streams: StreamRepository { .init(logger: logger) }

    static let defaults = (interval: 300, timeout: 10_000, concurrency: 4, requestsPerMinute: 60, retryInitial: 5)

    package func create(
        identity: Identity,
        stream name: String,
        name sourceName: String,
        settings: PullSourceSettings,
        entities: [String],
        origin: RequestOrigin
    ) async throws -> PullSourceState {
        try identity.require(.streamsManage)
        let sourceName = try StreamService.validName(sourceName, of: "source")
        guard settings.url != nil else { throw SluiceError.badRequest("A source needs the url to poll, with {entity}.", pointer: "/url") }
        guard let mapping = settings.mapping else {
            throw SluiceError.badRequest("A source needs a mapping: the platform and the metrics to read.", pointer: "/mapping")
        }
        let entities = try Self.checkEntities(entities)
        let now = Date()
        var source = PullSource(
            tenantID: identity.tenantID,
            id: .v7(),
            streamID: UUID(),
            name: sourceName,
            urlTemplate: "",
            headers: [:],
            secretHeaderNames: [],
            intervalSeconds: Self.defaults.interval,
            jitterSeconds: 0,
            timeoutMilliseconds: Self.defaults.timeout,
            concurrency: Self.defaults.concurrency,
            requestsPerMinute: Self.defaults.requestsPerMinute,
            retryInitialSeconds: Self.defaults.retryInitial,
            mapping: try mapping.mapping(),
            state: .active,
            createdAt: now,
            updatedAt: now
        )
        if settings.jitterSeconds == nil { source.jitterSeconds = min(30, (settings.intervalSeconds ?? source.intervalSeconds) / 10) }
        try apply(settings, to: &source)
        let sealed = try settings.secretHeaders.map { try box.seal(Array(PullSourceRepository.json($0).utf8)) }
        try await client.transaction(logger: logger) { [source] connection in
            var source = source
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            source.streamID = stream.id
            do {
                try await sources.insert(source, secretHeaders: sealed, on: connection)
            } catch let error as PSQLError where error.isUniqueViolation {
                throw SluiceError.conflict("The stream already has a source named '\(sourceName)'.", kind: .sourceExists)
            }
            let added = try await sources.addEntities(entities, to: source, on: connection)
            try await audit.append(
                record(
                    identity,
                    "source.created",
                    source,
                    stream: stream.name,
                    origin: origin,
                    [
                        "url": source.urlTemplate, "entities": String(added), "secretHeaders": source.secretHeaderNames.joined(separator: " "),
                    ]
                ),
                on: connection
            )
        }
        wakeWorkers()
        return try await current(identity: identity, stream: name, name: sourceName)
    }

    package func list(identity: Identity, stream name: String) async throws -> [PullSourceState] {
        try identity.require(.eventsRead)
        return try await client.withConnection { connection in
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            var states: [PullSourceState] = []
            for source in try await sources.list(tenantID: identity.tenantID, streamID: stream.id, on: connection) {
                states.append(PullSourceState(source: source, stream: stream.name, health: try await sources.health(source, on: connection)))
            }
            return states
        }
    }

    package func describe(identity: Identity, stream name: String, name sourceName: String) async throws -> PullSourceState {
        try identity.require(.eventsRead)
        return try await current(identity: identity, stream: name, name: sourceName)
    }

    /// Its state as the answer to a change the caller was authorized for.
    private func current(identity: Identity, stream name: String, name sourceName: String) async throws -> PullSourceState {
        try await client.withConnection { connection in
            let (stream, source) = try await find(identity, name, sourceName, on: connection)
            return PullSourceState(source: source, stream: stream.name, health: try await sources.health(source, on: connection))
        }
    }

    package func update(
        identity: Identity,
        stream name: String,
        name sourceName: String,
        settings: PullSourceSettings,
        origin: RequestOrigin
    ) async throws -> PullSourceState {
        try identity.require(.streamsManage)
        let sealed = try settings.secretHeaders.map { $0.isEmpty ? nil : try box.seal(Array(PullSourceRepository.json($0).utf8)) }
        try await client.transaction(logger: logger) { connection in
            let (stream, found) = try await find(identity, name, sourceName, forUpdate: true, on: connection)
            var changed = found
            try apply(settings, to: &changed)
            try await sources.update(changed, secretHeaders: sealed, on: connection)
            var details = changes(found, changed)
            if let secrets = settings.secretHeaders { details["secretHeaders"] = secrets.keys.sorted().joined(separator: " ") }
            try await audit.append(record(identity, "source.updated", changed, stream: stream.name, origin: origin, details), on: connection)
        }
        wakeWorkers()
        return try await current(identity: identity, stream: name, name: sourceName)
    }

    package func delete(identity: Identity, stream name: String, name sourceName: String, origin: RequestOrigin) async throws {
        try identity.require(.streamsManage)
        try await client.transaction(logger: logger) { connection in
            let (stream, found) = try await find(identity, name, sourceName, forUpdate: true, on: connection)
            try await sources.delete(found, on: connection)
            try await audit.append(record(identity, "source.deleted", found, stream: stream.name, origin: origin, [:]), on: connection)
        }
    }

    /// Pauses (no more polls; those in flight finish) or resumes a source. Resuming lifts a
    /// rate limit the platform set (a 429's Retry-After) too.
    package func setState(
        identity: Identity,
        stream name: String,
        name sourceName: String,
        _ state: PullSource.State,
        origin: RequestOrigin
    ) async throws -> PullSourceState {
        try identity.require(.streamsManage)
        try await client.transaction(logger: logger) { connection in
            let (stream, found) = try await find(identity, name, sourceName, forUpdate: true, on: connection)
            var changed = found
            changed.state = state
            if state == .active { changed.rateLimitedUntil = nil }
            guard changed != found else { return }
            try await sources.update(changed, secretHeaders: nil, on: connection)
            try await audit.append(
                record(identity, state == .paused ? "source.paused" : "source.resumed", changed, stream: stream.name, origin: origin, [:]),
                on: connection
            )
        }
        wakeWorkers()
        return try await current(identity: identity, stream: name, name: sourceName)
    }

    // MARK: Entities

    package struct EntityChange: Sendable {
        package var added: Int
        package var removed: Int
        package var total: Int
    }

    /// Adds entities (`replace`: and removes every other one). Entities kept keep their schedule.
    package func changeEntities(
        identity: Identity,
        stream name: String,
        name sourceName: String,
        entities: [String],
        replace: Bool,
        origin: RequestOrigin
    ) async throws -> EntityChange {
        try identity.require(.streamsManage)
        let entities = try Self.checkEntities(entities)
        let change = try await client.transaction(logger: logger) { connection in
            let (stream, source) = try await find(identity, name, sourceName, forUpdate: true, on: connection)
            let removed = replace ? try await sources.removeEntities(entities, keeping: true, from: source, on: connection) : 0
            let added = try await sources.addEntities(entities, to: source, on: connection)
            let total = try await sources.entityCount(source, on: connection)
            guard total <= PullSource.maxEntities else {
                throw SluiceError.badRequest("A source polls at most \(PullSource.maxEntities) entities.", pointer: "/entities")
            }
            if added > 0 || removed > 0 {
                try await audit.append(
                    record(
                        identity,
                        "source.entities.changed",
                        source,
                        stream: stream.name,
                        origin: origin,
                        [
                            "added": String(added), "removed": String(removed), "total": String(total),
                        ]
                    ),
                    on: connection
                )
            }
            return EntityChange(added: added, removed: removed, total: total)
        }
        wakeWorkers()
        return change
    }

    package func removeEntity(identity: Identity, stream name: String, name sourceName: String, entity: String, origin: RequestOrigin) async throws {
        try identity.require(.streamsManage)
        try await client.transaction(logger: logger) { connection in
            let (stream, source) = try await find(identity, name, sourceName, forUpdate: true, on: connection)
            guard try await sources.removeEntities([entity], keeping: false, from: source, on: connection) == 1 else {
                throw SluiceError.notFound("Entity '\(entity.prefix(100))' of source '\(sourceName.prefix(100))'")
            }
            try await audit.append(
                record(
                    identity,
                    "source.entities.changed",
                    source,
                    stream: stream.name,
                    origin: origin,
                    ["removed": "1", "entity": String(entity.prefix(200))]
                ),
                on: connection
            )
        }
    }

    package func entities(
        identity: Identity,
        stream name: String,
        name sourceName: String,
        after: String?,
        failing: Bool,
        limit: Int
    ) async throws -> [PullEntity] {
        try identity.require(.eventsRead)
        guard (1...1000).contains(limit) else { throw SluiceError.badRequest("limit is 1 to 1000.", pointer: "/limit") }
        return try await client.withConnection { connection in
            let (_, source) = try await find(identity, name, sourceName, on: connection)
            return try await sources.entities(source, after: after, failing: failing, limit: limit, on: connection)
        }
    }

    /// Makes the entity (or every entity) due now. Answers how many.
    package func pollNow(identity: Identity, stream name: String, name sourceName: String, entity: String?, origin: RequestOrigin) async throws -> Int
    {
        try identity.require(.streamsManage)
        let count = try await client.transaction(logger: logger) { connection in
            let (stream, source) = try await find(identity, name, sourceName, on: connection)
            let count = try await sources.pollNow(source, entity: entity, on: connection)
            if let entity, count == 0 { throw SluiceError.notFound("Entity '\(entity.prefix(100))' of source '\(sourceName.prefix(100))'") }
            try await audit.append(
                record(
                    identity,
                    "source.polled",
                    source,
                    stream: stream.name,
                    origin: origin,
                    ["entities": entity.map { String($0.prefix(200)) } ?? "all"]
                ),
                on: connection
            )
            return count
        }
        wakeWorkers()
        return count
    }

    package func runs(
        identity: Identity,
        stream name: String,
        name sourceName: String,
        entity: String?,
        outcome: PullRun.Outcome?,
        before: UUID?,
        limit: Int
    ) async throws -> [PullRun] {
        try identity.require(.eventsRead)
        guard (1...1000).contains(limit) else { throw SluiceError.badRequest("limit is 1 to 1000.", pointer: "/limit") }
        return try await client.withConnection { connection in
            let (_, source) = try await find(identity, name, sourceName, on: connection)
            return try await sources.runs(source, entity: entity, outcome: outcome, before: before, limit: limit, on: connection)
        }
    }

    // MARK: Helpers

    static func checkEntities(_ entities: [String]) throws -> [String] {
        guard entities.count <= PullSource.maxEntities else {
            throw SluiceError.badRequest("A source polls at most \(PullSource.maxEntities) entities.", pointer: "/entities")
        }
        for (index, entity) in entities.enumerated() { try PullEntity.check(entity, pointer: "/entities/\(index)") }
        var seen = Set<String>()
        return entities.filter { seen.insert($0).inserted }
    }

    private func apply(_ settings: PullSourceSettings, to source: inout PullSource) throws {
        if let url = settings.url { source.urlTemplate = try PullURL.check(url, allowPrivateNetworks: allowPrivateNetworks) }
        if let headers = settings.headers {
            try PullHeaders.check(headers, pointer: "/headers")
            source.headers = headers
        }
        if let secrets = settings.secretHeaders {
            try PullHeaders.check(secrets, pointer: "/secretHeaders")
            source.secretHeaderNames = secrets.keys.sorted()
        }
        func bounded(_ value: Int?, _ range: ClosedRange<Int>, _ field: String, _ unit: String) throws -> Int? {
            guard let value else { return nil }
            guard range.contains(value) else {
                throw SluiceError.badRequest("\(field) is \(range.lowerBound) to \(range.upperBound)\(unit).", pointer: "/\(field)")
            }
            return value
        }
        if let interval = try bounded(settings.intervalSeconds, 1...604_800, "intervalSeconds", " seconds") { source.intervalSeconds = interval }
        if let jitter = try bounded(settings.jitterSeconds, 0...604_800, "jitterSeconds", " seconds") { source.jitterSeconds = jitter }
        if settings.intervalSeconds != nil, settings.jitterSeconds == nil { source.jitterSeconds = min(source.jitterSeconds, source.intervalSeconds) }
        guard source.jitterSeconds <= source.intervalSeconds else {
            throw SluiceError.badRequest("jitterSeconds is at most intervalSeconds.", pointer: "/jitterSeconds")
        }
        if let timeout = try bounded(settings.timeoutMilliseconds, 100...60_000, "timeoutMs", " ms") { source.timeoutMilliseconds = timeout }
        if let concurrency = try bounded(settings.concurrency, 1...64, "concurrency", "") { source.concurrency = concurrency }
        if let budget = try bounded(settings.requestsPerMinute, 1...60_000, "requestsPerMinute", "") { source.requestsPerMinute = budget }
        if let retry = try bounded(settings.retryInitialSeconds, 1...86_400, "retryInitialSeconds", " seconds") { source.retryInitialSeconds = retry }
        if let mapping = settings.mapping { source.mapping = try mapping.mapping() }
    }

    private func find(
        _ identity: Identity,
        _ stream: String,
        _ name: String,
        forUpdate: Bool = false,
        on connection: PostgresConnection
    ) async throws -> (SluiceCore.Stream, PullSource) {
        let stream = try await streams.visible(to: identity, name: stream, on: connection)
        guard let found = try await sources.find(tenantID: identity.tenantID, streamID: stream.id, name: name, forUpdate: forUpdate, on: connection)
        else {
            throw SluiceError.notFound("Source '\(name.prefix(100))'")
        }
        return (stream, found)
    }

    private func changes(_ before: PullSource, _ after: PullSource) -> [String: String] {
        var changes: [String: String] = [:]
        if before.urlTemplate != after.urlTemplate { changes["url"] = after.urlTemplate }
        if before.headers != after.headers { changes["headers"] = after.headers.keys.sorted().joined(separator: " ") }
        if before.intervalSeconds != after.intervalSeconds { changes["intervalSeconds"] = String(after.intervalSeconds) }
        if before.jitterSeconds != after.jitterSeconds { changes["jitterSeconds"] = String(after.jitterSeconds) }
        if before.timeoutMilliseconds != after.timeoutMilliseconds { changes["timeoutMs"] = String(after.timeoutMilliseconds) }
        if before.concurrency != after.concurrency { changes["concurrency"] = String(after.concurrency) }
        if before.requestsPerMinute != after.requestsPerMinute { changes["requestsPerMinute"] = String(after.requestsPerMinute) }
        if before.retryInitialSeconds != after.retryInitialSeconds { changes["retryInitialSeconds"] = String(after.retryInitialSeconds) }
        if before.mapping != after.mapping { changes["mapping"] = PullSourceRepository.json(after.mapping) }
        return changes
    }

    private func record(
        _ identity: Identity,
        _ action: String,
        _ s: PullSource,
        stream: String,
        origin: RequestOrigin,
        _ details: [String: String]
    ) -> AuditRecord {
        AuditRecord(
            tenantID: identity.tenantID,
            actor: identity.auditActor,
            action: action,
            targetType: "source",
            targetID: s.id.lowercased,
            details: details.merging(["stream": stream, "name": s.name]) { $1 },
            origin: origin
        )
    }
}
